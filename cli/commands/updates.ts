// `mailroom updates check [--bundle FILE|DIR] [--json] | apply [--bundle FILE] [--force] |
// apt-apply | status [--json] | keygen --out PREFIX | pack DIR --version V --key FILE --out FILE`.
// check, apply and apt-apply run here (as root on the appliance); keygen and pack are the
// release side: make a signing key pair, and pack and sign an application tree into a bundle.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { CliArgs } from '../args.js';
import { checkShape, commandGroup, UsageError, valueFlag } from '../command-input.js';
import { loadCliConfig } from '../services.js';
import { createLogger, silentLogger } from '../../core/log.js';
import type { Config } from '../../core/config.js';
import { MailroomError } from '../../core/errors.js';
import { generateSigningKey, parseSigningKey } from '../../agent/updates/bundle-signature.js';
import { packBundle } from '../../agent/updates/bundle-writer.js';
import { withUpdateService } from '../../agent/updates/open-update-service.js';
import { createSpawnRunner } from '../../agent/updates/command-runner.js';
import type { UpdateService } from '../../agent/updates/update-service.js';
import type { UpdateRecord } from '../../agent/updates/update-history.js';

function actor(): string {
  try { return `cli:${os.userInfo().username}`; } catch { return `cli:${process.getuid?.() ?? 'unknown'}`; }
}

function run<T>(args: CliArgs, use: (service: UpdateService, config: Config) => Promise<T>): Promise<T> {
  const config = loadCliConfig(args.dataDir);
  // The command's own output says what happened; the log lines only with log.level debug.
  const logger = config.log.level === 'debug' ? createLogger({ level: 'debug', sink: process.stderr, bindings: { component: 'cli' } }) : silentLogger;
  return withUpdateService(config, logger, (s) => use(s, config), { runner: createSpawnRunner(process.env) });
}

const isRoot = () => process.getuid?.() === 0;

function historyLine(h: UpdateRecord): string {
  const what = h.kind === 'bundle' ? `${h.fromVersion ?? '?'} -> ${h.toVersion ?? '?'}` : `${h.changes.length} package(s)`;
  return `${h.startedAt}\t${h.kind}\t${what}\t${h.outcome}${h.reason ? `\t${h.reason}` : ''}`;
}

export const updatesCommand = commandGroup('updates', {
  async check(args, words) {
    checkShape(args, words, { usage: 'updates check [--bundle FILE|DIR] [--json]', positional: [0, 0], switches: ['json'], values: ['bundle'] });
    const source = valueFlag(args, 'bundle');
    // apt-get update needs root; without it the simulation uses the lists as they are.
    const check = await run(args, (s) => s.check({ ...(source ? { bundle: source } : {}), refreshApt: isRoot() }));
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(check) + '\n');
    } else {
      process.stdout.write(`running ${check.running}\n`);
      if (check.bundles.length === 0) process.stdout.write('bundles: none\n');
      for (const b of check.bundles) {
        process.stdout.write(b.error ? `bundle ${b.file}: refused (${b.error.code}: ${b.error.message})\n`
          : `bundle ${b.file}: ${b.version}, ${b.files} files, signed by ${b.keyId}${b.newer ? ', pending' : ', not newer'}\n`);
      }
      if (check.apt?.error) process.stdout.write(`apt: ${check.apt.error.message}\n`);
      else if (check.apt) {
        const up = check.apt.pending.filter((p) => p.to !== null);
        process.stdout.write(`apt: ${up.length} upgrade(s), ${up.filter((p) => p.security).length} from security\n`);
        for (const p of up) process.stdout.write(`  ${p.package} ${p.from ?? '(new)'} -> ${p.to}${p.security ? ' [security]' : ''}\n`);
      }
    }
    // A single bundle asked for by name that does not verify is an error (one line, exit 1).
    const one = check.bundles.length === 1 && source ? check.bundles[0]! : null;
    if (one?.error) throw new MailroomError(one.error.code, `${one.file}: ${one.error.message}`);
    return 0;
  },

  async apply(args, words) {
    checkShape(args, words, { usage: 'updates apply [--bundle FILE] [--force]', positional: [0, 0], switches: ['force'], values: ['bundle'] });
    const file = valueFlag(args, 'bundle');
    const result = await run(args, (s) => s.applyBundle({ ...(file ? { file } : {}), force: args.flags.force === true, trigger: actor() }));
    if (result.outcome === 'rolled_back') {
      throw new MailroomError('update_rolled_back', `update to ${result.toVersion} failed and was rolled back to ${result.fromVersion}: ${result.reason}`);
    }
    process.stdout.write(`installed ${result.toVersion} (was ${result.fromVersion}) in slot ${result.slot}\n`);
    return 0;
  },

  async 'apt-apply'(args, words) {
    checkShape(args, words, { usage: 'updates apt-apply', positional: [0, 0] });
    const result = await run(args, (s) => s.applyApt({ trigger: actor(), refresh: isRoot() }));
    if (result.changes.length === 0) process.stdout.write('no package changed\n');
    for (const c of result.changes) process.stdout.write(`${c.package}\t${c.from ?? '(new)'}\t${c.to ?? '(removed)'}\n`);
    return 0;
  },

  async status(args, words) {
    checkShape(args, words, { usage: 'updates status [--json]', positional: [0, 0], switches: ['json'] });
    const status = await run(args, (s) => s.status());
    if (args.flags.json) { process.stdout.write(JSON.stringify(status) + '\n'); return 0; }
    process.stdout.write(`running ${status.running.version}${status.running.slot ? ` (slot ${status.running.slot})` : ' (no slot active: the installed image)'}\n`);
    for (const sl of status.slots.slots) process.stdout.write(`slot ${sl.name}: ${sl.version ?? 'empty'}${sl.active ? ' (active)' : ''}\n`);
    if (status.lastCheck) process.stdout.write(`last check ${status.lastCheck.checkedAt}\n`);
    for (const h of status.history) process.stdout.write(historyLine(h) + '\n');
    return 0;
  },

  async keygen(args, words) {
    checkShape(args, words, { usage: 'updates keygen --out PREFIX', positional: [0, 0], values: ['out'] });
    const prefix = valueFlag(args, 'out');
    if (!prefix) throw new UsageError('--out PREFIX is required (usage: mailroom updates keygen --out PREFIX)');
    const k = generateSigningKey();
    try {
      writeFileSync(`${prefix}.key`, k.privatePem, { mode: 0o600, flag: 'wx' });
      writeFileSync(`${prefix}.pub`, k.publicPem, { mode: 0o644, flag: 'wx' });
    } catch (err) {
      throw new MailroomError('file_exists', `cannot write ${prefix}.key / ${prefix}.pub: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    process.stdout.write(`key ${k.id}: private ${prefix}.key (keep it off the appliance), public ${prefix}.pub\n`);
    return 0;
  },

  async pack(args, words) {
    const usage = 'updates pack DIR --version VERSION --key FILE --out FILE';
    checkShape(args, words, { usage, positional: [1, 1], values: ['version', 'key', 'out'] });
    const version = valueFlag(args, 'version');
    const keyFile = valueFlag(args, 'key');
    const out = valueFlag(args, 'out');
    if (!version || !keyFile || !out) throw new UsageError(`--version, --key and --out are required (usage: mailroom ${usage})`);
    let pem: string;
    try { pem = readFileSync(keyFile, 'utf8'); } catch (err) { throw new MailroomError('key_unreadable', `cannot read ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`); }
    const key = parseSigningKey(pem, keyFile);
    if (!statSync(words[0]!, { throwIfNoEntry: false })?.isDirectory()) throw new MailroomError('bundle_unreadable', `${words[0]} is not a directory`);
    const manifest = await packBundle({ appDir: words[0]!, outFile: out, version, key });
    process.stdout.write(`packed ${out}: ${manifest.version}, ${manifest.files.length} files, signed by ${key.id}\n`);
    return 0;
  },
});
