// The privileged helper's composition root (`mailroom helper`, root under systemd): reads the
// config and its own root-owned settings (/etc/mailroom/helper.json, helper-settings.ts),
// listens on RUNTIME_DIRECTORY/helper.sock under systemd, else config helper.socket
// (helper-socket-path.ts; root:helper.group, mode 0660) and runs the commands of the
// closed catalogue for the agent. At start it reverts a firewall change a previous helper left
// unconfirmed, then applies the firewall when firewall.enabled. On SIGTERM it stops taking
// requests, reverts an unconfirmed firewall change and exits. Nothing below reads the config
// except through ctx.config(), which re-reads it so a command sees the file as it is now.

import { loadConfig } from '../../core/config.js';
import { gracefulStop } from '../../core/graceful-stop.js';
import { createLogger, type Logger } from '../../core/log.js';
import { configuredPolicy, firewallService } from '../firewall/firewall-in-helper.js';
import { catalogueByName, HELPER_COMMANDS } from './catalogue.js';
import type { HelperCommand, HelperContext, RunArgv } from './helper-command.js';
import { HelperDispatcher } from './helper-dispatcher.js';
import { HelperServer } from './helper-server.js';
import { loadHelperSettings, type HelperSettings } from './helper-settings.js';
import { helperListenPath, helperSocketPath } from './helper-socket-path.js';
import type { Config } from '../../core/config.js';
import { lookupGroupId } from './group-id.js';
import { createArgvRunner } from './run-argv.js';

export interface HelperOptions {
  handleSignals?: boolean;
  logger?: Logger;
  /** Test seams. */
  commands?: readonly HelperCommand[];
  run?: RunArgv;
  socketPath?: string;
  /** Default: loadHelperSettings() of /etc/mailroom/helper.json (defaults when missing). */
  settings?: HelperSettings;
  /** systemd's RUNTIME_DIRECTORY; default: the process environment's. */
  runtimeDirectory?: string | null;
}

export interface Helper {
  readonly socketPath: string;
  readonly stopped: Promise<void>;
  stop(reason?: string): Promise<void>;
}

export async function runHelper(dataDir: string): Promise<void> {
  const helper = await startHelper(dataDir, { handleSignals: true });
  await helper.stopped;
}

export async function startHelper(dataDir: string, options: HelperOptions = {}): Promise<Helper> {
  const config = loadConfig(dataDir);
  const logger = options.logger ?? createLogger({ level: config.log.level, bindings: { component: 'helper' }, sink: { write: (l: string) => process.stdout.write(l) } });
  const gid = config.helper.group === null ? null : lookupGroupId(config.helper.group);
  const listenAt = helperListenPath(config, options.runtimeDirectory !== undefined ? options.runtimeDirectory : process.env.RUNTIME_DIRECTORY);
  const socketPath = options.socketPath ?? listenAt.socketPath;
  const settings = options.settings ?? loadHelperSettings();
  const run = options.run ?? createArgvRunner();
  // Commands that look for the helper's own directory through config (the firewall's pending
  // change beside the socket) see the socket the helper really listens on, not config's value.
  const withOwnSocket = (c: Config): Config => ({ ...c, helper: { ...c.helper, socket: socketPath } });

  const shared = new Map<string, unknown>();
  const makeContext = (log: Logger): HelperContext => ({
    run, logger: log, env: process.env, dataDir: config.dataDir, settings,
    config: () => withOwnSocket(loadConfig(dataDir)),
    shared<T>(key: string, create: () => T): T {
      if (!shared.has(key)) shared.set(key, create());
      return shared.get(key) as T;
    },
  });
  const dispatcher = new HelperDispatcher(catalogueByName(options.commands ?? HELPER_COMMANDS), makeContext, logger);
  const server = new HelperServer({ socketPath, gid, dispatcher, logger });
  if (listenAt.fromUnit && helperSocketPath(config) !== socketPath) {
    logger.warn('config helper.socket is not where the helper listens (the unit\'s RuntimeDirectory); the agent will not find it', { socket: socketPath, configured: config.helper.socket });
  }

  // Firewall first, socket second: the agent's first request sees the ruleset in force.
  const ctx = makeContext(logger);
  try {
    if (await firewallService(ctx).recoverAtStart()) logger.warn('reverted a firewall change left unconfirmed by the previous helper', { outcome: 'reverted' });
    if (config.firewall.enabled) await firewallService(ctx).apply(configuredPolicy(ctx), null);
  } catch (err) {
    // A broken ruleset must not keep the helper (and so every other privileged job) down.
    logger.error('firewall not applied at start', { err, outcome: 'failed' });
  }
  await server.listen();

  const close = async () => {
    await server.close();
    for (const value of shared.values()) {
      const d = (value as { dispose?: () => unknown }).dispose;
      if (typeof d === 'function') await Promise.resolve().then(() => d.call(value)).catch((err: unknown) => logger.error('dispose failed', { err }));
    }
  };
  const { stopped, stop } = gracefulStop({ logger, close, handleSignals: options.handleSignals === true });
  return { socketPath, stopped, stop };
}
