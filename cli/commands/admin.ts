// `mailroom admin add|ls|rm|passwd|totp|totp-off`: the admin panel's accounts, in the agent's
// own database (DIR/agent.db). Passwords come only from stdin. Every change is written to the
// audit log (DIR/audit.log) as done from the command line.

import os from 'node:os';
import path from 'node:path';
import type { CliArgs } from '../args.js';
import { checkShape, commandGroup } from '../command-input.js';
import { passwordFromStdin } from '../password-input.js';
import { loadCliConfig } from '../services.js';
import { AGENT_DATABASE_FILE, openAgentDatabase } from '../../agent/admin/agent-database.js';
import { AdminStore } from '../../agent/admin/admin-store.js';
import { AUDIT_LOG_FILE, AuditLog } from '../../agent/admin/audit-log.js';
import { otpauthUri } from '../../agent/admin/totp.js';
import { ensureAgentStateDir } from '../../agent/agent-state-dir.js';
import type { Config } from '../../core/config.js';

async function withAdmins<T>(args: CliArgs, use: (admins: AdminStore, config: Config, audit: (action: string, target: string) => void) => Promise<T> | T): Promise<T> {
  const config = loadCliConfig(args.dataDir);
  // The agent's state directory (agent.stateDir; DIR when unset).
  const stateDir = ensureAgentStateDir(config);
  const db = openAgentDatabase(path.join(stateDir, AGENT_DATABASE_FILE));
  const log = new AuditLog(path.join(stateDir, AUDIT_LOG_FILE));
  const actor = `cli:${safeUserName()}`;
  try {
    return await use(new AdminStore(db), config, (action, target) => log.record({ actor, ip: null, action, target, outcome: 'ok' }));
  } finally {
    db.close();
  }
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

export const adminCommand = commandGroup('admin', {
  async add(args, words) {
    const usage = 'admin add NAME --password-stdin';
    checkShape(args, words, { usage, positional: [1, 1], switches: ['password-stdin'] });
    const password = await passwordFromStdin(args, usage);
    const admin = await withAdmins(args, async (admins, _config, audit) => {
      const added = await admins.add(words[0]!, password);
      audit('admin.add', added.name);
      return added;
    });
    process.stdout.write(`added admin ${admin.name}\n`);
    return 0;
  },

  async ls(args, words) {
    checkShape(args, words, { usage: 'admin ls [--json]', positional: [0, 0], switches: ['json'] });
    const list = await withAdmins(args, (admins) => admins.list());
    if (args.flags.json) process.stdout.write(JSON.stringify(list.map((a) => ({ name: a.name, totp: a.totp, createdAt: a.createdAt.toISOString() }))) + '\n');
    else for (const a of list) process.stdout.write(`${a.name}\t${a.totp ? 'totp' : 'password only'}\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'admin rm NAME', positional: [1, 1] });
    const removed = await withAdmins(args, (admins, _config, audit) => {
      const a = admins.remove(words[0]!);
      audit('admin.remove', a.name);
      return a;
    });
    process.stdout.write(`removed admin ${removed.name}\n`);
    return 0;
  },

  async passwd(args, words) {
    const usage = 'admin passwd NAME --password-stdin';
    checkShape(args, words, { usage, positional: [1, 1], switches: ['password-stdin'] });
    const password = await passwordFromStdin(args, usage);
    const name = await withAdmins(args, async (admins, _config, audit) => {
      await admins.setPassword(words[0]!, password);
      const n = admins.get(words[0]!.trim().toLowerCase())!.name;
      audit('admin.password', n);
      return n;
    });
    process.stdout.write(`changed the password of admin ${name}\n`);
    return 0;
  },

  async totp(args, words) {
    checkShape(args, words, { usage: 'admin totp NAME', positional: [1, 1] });
    const { uri, name } = await withAdmins(args, (admins, config, audit) => {
      const secret = admins.enableTotp(words[0]!);
      const n = admins.get(words[0]!.trim().toLowerCase())!.name;
      audit('admin.totp', n);
      return { name: n, uri: otpauthUri({ secret, account: `${n}@${config.hostname}`, issuer: 'Mailroom' }) };
    });
    // The URI is the secret: it goes to stdout (for a QR code tool or the authenticator app) and nowhere else.
    process.stdout.write(`${uri}\n`);
    process.stderr.write(`admin ${name} now needs a code from the authenticator app at login; add the URI above to the app (e.g. as a QR code)\n`);
    return 0;
  },

  async 'totp-off'(args, words) {
    checkShape(args, words, { usage: 'admin totp-off NAME', positional: [1, 1] });
    const name = await withAdmins(args, (admins, _config, audit) => {
      admins.disableTotp(words[0]!);
      const n = admins.get(words[0]!.trim().toLowerCase())!.name;
      audit('admin.totp-off', n);
      return n;
    });
    process.stdout.write(`admin ${name} logs in with the password alone again\n`);
    return 0;
  },
});
