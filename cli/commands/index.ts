// The command map: one file per command group.

import type { CliArgs } from '../args.js';
import { initCommand } from './init.js';
import { domainCommand } from './domain.js';
import { userCommand } from './user.js';
import { aliasCommand } from './alias.js';
import { mailCommand } from './mail.js';
import { serveCommand } from './serve.js';
import { dnsCommand } from './dns.js';
import { queueCommand } from './queue.js';
import { agentCommand } from './agent.js';
import { adminCommand } from './admin.js';

export type Command = (args: CliArgs) => Promise<number>;

export const commands: Record<string, Command> = {
  init: initCommand,
  domain: domainCommand,
  user: userCommand,
  alias: aliasCommand,
  mail: mailCommand,
  serve: serveCommand,
  dns: dnsCommand,
  queue: queueCommand,
  agent: agentCommand,
  admin: adminCommand,
};
