// The command map: one file per command group. Each group is imported only when it runs: a
// daemon's command pulls in the whole daemon, and every CLI call paid for all of them (over a
// second of CPU per `mailroom user add` once the agent, ACME and backups joined).

import type { CliArgs } from '../args.js';

export type Command = (args: CliArgs) => Promise<number>;

/** A command whose module is loaded on first use. */
function lazy(load: () => Promise<Command>): Command {
  return async (args) => (await load())(args);
}

export const commands: Record<string, Command> = {
  init: lazy(async () => (await import('./init.js')).initCommand),
  domain: lazy(async () => (await import('./domain.js')).domainCommand),
  user: lazy(async () => (await import('./user.js')).userCommand),
  alias: lazy(async () => (await import('./alias.js')).aliasCommand),
  mail: lazy(async () => (await import('./mail.js')).mailCommand),
  serve: lazy(async () => (await import('./serve.js')).serveCommand),
  dns: lazy(async () => (await import('./dns.js')).dnsCommand),
  queue: lazy(async () => (await import('./queue.js')).queueCommand),
  agent: lazy(async () => (await import('./agent.js')).agentCommand),
  admin: lazy(async () => (await import('./admin.js')).adminCommand),
  sieve: lazy(async () => (await import('./sieve.js')).sieveCommand),
  forward: lazy(async () => (await import('./forward.js')).forwardCommand),
  helper: lazy(async () => (await import('./helper.js')).helperCommand),
  firewall: lazy(async () => (await import('./firewall.js')).firewallCommand),
  quota: lazy(async () => (await import('./quota.js')).quotaCommand),
  backup: lazy(async () => (await import('./backup.js')).backupCommand),
  tls: lazy(async () => (await import('./tls.js')).tlsCommand),
  updates: lazy(async () => (await import('./updates.js')).updatesCommand),
  list: lazy(async () => (await import('./list.js')).listCommand),
};
