// `mailroom firewall show [--json] | check | apply [--confirm-timeout SECONDS] | confirm |
// block IP [--for DURATION] | unblock IP`: the nftables firewall, through the privileged helper
// (its socket, helper.socket). Without a running helper each one fails with one line.

import { isIP } from 'node:net';
import { loadConfig, type Config } from '../../core/config.js';
import type { FirewallState } from '../../agent/firewall/firewall-service.js';
import { HelperClient } from '../../agent/helper/helper-client.js';
import { helperSocketPath } from '../../agent/helper/helper-socket-path.js';
import { checkShape, commandGroup, UsageError, valueFlag } from '../command-input.js';
import type { CliArgs } from '../args.js';

async function withHelper<T>(args: CliArgs, use: (helper: HelperClient, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig(args.dataDir);
  const helper = new HelperClient({ socketPath: helperSocketPath(config), timeoutMs: 60_000 });
  try {
    return await use(helper, config);
  } finally {
    helper.close();
  }
}

/** "90", "90s", "30m", "12h", "5d" -> seconds. */
export function parseDurationSeconds(value: string): number | null {
  const m = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!m) return null;
  const n = Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]!;
  return n >= 1 && n <= 365 * 86400 ? n : null;
}

function checkIp(word: string, usage: string): string {
  if (word.includes('/') || word.includes('%') || isIP(word) === 0) throw new UsageError(`not an IP address: ${word} (one IPv4 or IPv6 address, no /prefix; usage: mailroom ${usage})`);
  return word;
}

function formatSeconds(s: number): string {
  if (s >= 86400 && s % 3600 === 0) return `${Math.floor(s / 86400)}d${s % 86400 ? `${(s % 86400) / 3600}h` : ''}`;
  if (s >= 3600) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${s % 60}s`;
  return `${s}s`;
}

export const firewallCommand = commandGroup('firewall', {
  async show(args, words) {
    checkShape(args, words, { usage: 'firewall show [--json]', positional: [0, 0], switches: ['json'] });
    const state = await withHelper(args, (h) => h.call<FirewallState>('firewall.show'));
    if (args.flags.json) {
      process.stdout.write(JSON.stringify({ active: state.active, blocked: state.blocked, pending: state.pending, ruleset: state.ruleset }) + '\n');
      return 0;
    }
    if (!state.active) process.stdout.write('firewall: not applied (no table inet mailroom)\n');
    else process.stdout.write(state.ruleset ?? '');
    if (state.pending) process.stdout.write(`\nunconfirmed change: reverts in ${state.pending.secondsLeft}s unless "mailroom firewall confirm"\n`);
    if (state.blocked.length) {
      process.stdout.write('\nblocked:\n');
      for (const b of state.blocked) process.stdout.write(`${b.ip}\t${b.expiresSeconds === null ? 'permanent' : `${formatSeconds(b.expiresSeconds)} left`}\n`);
    }
    return 0;
  },

  async check(args, words) {
    checkShape(args, words, { usage: 'firewall check', positional: [0, 0] });
    const r = await withHelper(args, (h) => h.call<{ script: string }>('firewall.check'));
    process.stdout.write(r.script);
    process.stderr.write('firewall: the ruleset is valid (nft -c)\n');
    return 0;
  },

  async apply(args, words) {
    checkShape(args, words, { usage: 'firewall apply [--confirm-timeout SECONDS]', positional: [0, 0], values: ['confirm-timeout'] });
    const t = valueFlag(args, 'confirm-timeout');
    const confirmSeconds = t === undefined ? null : parseDurationSeconds(t);
    if (t !== undefined && (confirmSeconds === null || confirmSeconds > 3600)) throw new UsageError(`--confirm-timeout: ${t} is not a number of seconds from 1 to 3600`);
    const r = await withHelper(args, (h) => h.call<{ pending: { secondsLeft: number } | null }>('firewall.apply', { confirmSeconds }));
    process.stdout.write(r.pending
      ? `firewall applied; it reverts in ${r.pending.secondsLeft}s unless you run "mailroom firewall confirm"\n`
      : 'firewall applied\n');
    return 0;
  },

  async confirm(args, words) {
    checkShape(args, words, { usage: 'firewall confirm', positional: [0, 0] });
    await withHelper(args, (h) => h.call('firewall.confirm'));
    process.stdout.write('firewall change confirmed\n');
    return 0;
  },

  async block(args, words) {
    checkShape(args, words, { usage: 'firewall block IP [--for DURATION]', positional: [1, 1], values: ['for'] });
    const ip = checkIp(words[0]!, 'firewall block IP [--for DURATION]');
    const f = valueFlag(args, 'for');
    const given = f === undefined ? null : parseDurationSeconds(f);
    if (f !== undefined && given === null) throw new UsageError(`--for: ${f} is not a duration like 90s, 30m, 12h, 5d (up to 365d)`);
    const r = await withHelper(args, (h, config) => h.call<{ ip: string; seconds: number }>('firewall.block', { ip, seconds: given ?? Math.min(Math.round(config.firewall.blockDuration), 365 * 86400) }));
    process.stdout.write(`blocked ${r.ip} for ${formatSeconds(r.seconds)}\n`);
    return 0;
  },

  async unblock(args, words) {
    checkShape(args, words, { usage: 'firewall unblock IP', positional: [1, 1] });
    const ip = checkIp(words[0]!, 'firewall unblock IP');
    const r = await withHelper(args, (h) => h.call<{ ip: string; wasBlocked: boolean }>('firewall.unblock', { ip }));
    process.stdout.write(r.wasBlocked ? `unblocked ${r.ip}\n` : `${r.ip} was not blocked\n`);
    return 0;
  },
});
