// Where the filtered path spends its time, from the daemon's own log: every stored or refused
// message has one "message" line with its total time (ms, from the end of DATA's callback to the
// verdict and commit) and, when content checks ran, each check's time and action
// (filters.clamd.ms, filters.rspamd.ms; see mail/session/smtp/run-data-checks.ts). Read from a
// byte offset so each round reads only its own lines.

import { closeSync, openSync, readSync, statSync } from 'node:fs';

export interface CheckTimes {
  /** "message" lines read. */
  messages: number;
  /** Total per-message time in the daemon (ms), as it logs it. */
  totalMs: number[];
  /** Per check name: its times (ms) and how often each action came back. */
  checks: Record<string, { ms: number[]; actions: Record<string, number> }>;
  /** Outcomes other than delivered, counted by outcome. */
  outcomes: Record<string, number>;
}

export function logSize(file: string): number {
  try { return statSync(file).size; } catch { return 0; }
}

function readFrom(file: string, offset: number): string {
  const size = logSize(file);
  if (size <= offset) return '';
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(file, 'r');
  try { readSync(fd, buf, 0, buf.length, offset); } finally { closeSync(fd); }
  return buf.toString('utf8');
}

export function readCheckTimes(file: string, offset: number): CheckTimes {
  const out: CheckTimes = { messages: 0, totalMs: [], checks: {}, outcomes: {} };
  for (const line of readFrom(file, offset).split('\n')) {
    if (!line.startsWith('{') || !line.includes('"msg":"message"')) continue;
    let rec: { msg?: string; ms?: number; outcome?: string; filters?: Record<string, { action?: string; ms?: number }> };
    try { rec = JSON.parse(line) as typeof rec; } catch { continue; }
    if (rec.msg !== 'message') continue;
    out.messages++;
    if (typeof rec.ms === 'number') out.totalMs.push(rec.ms);
    if (rec.outcome && rec.outcome !== 'delivered') out.outcomes[rec.outcome] = (out.outcomes[rec.outcome] ?? 0) + 1;
    for (const [name, c] of Object.entries(rec.filters ?? {})) {
      const entry = (out.checks[name] ??= { ms: [], actions: {} });
      if (typeof c.ms === 'number') entry.ms.push(c.ms);
      if (c.action) entry.actions[c.action] = (entry.actions[c.action] ?? 0) + 1;
    }
  }
  return out;
}
