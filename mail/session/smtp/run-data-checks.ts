// Runs the DATA-stage checks (clamd, rspamd) over one spooled message, all at once: each reads
// the spooled copy on its own, so the message waits as long as the slowest check, not the sum.
// Each result comes back with the check's name and its time, for the message's log line.

import type { Check, CheckContext, CheckResult } from '../../pipeline/contracts.js';

export interface DataCheckOutcome {
  check: string;
  result: CheckResult;
  ms: number;
}

export async function runDataChecks(checks: readonly Check[], ctx: CheckContext, message: { size: number; open(): AsyncIterable<Buffer> }): Promise<DataCheckOutcome[]> {
  // allSettled: when one check fails, the others still finish before the spooled copy goes.
  const settled = await Promise.allSettled(checks.filter((c) => c.data).map(async (c) => {
    const started = performance.now();
    const result = await c.data!(ctx, message);
    return { check: c.name, result, ms: Math.round((performance.now() - started) * 10) / 10 };
  }));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<DataCheckOutcome>).value);
}

/** The log form: `{ clamd: { action, ms, reason }, rspamd: ... }`. */
export function dataChecksLog(outcomes: readonly DataCheckOutcome[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of outcomes) {
    const reason = 'reason' in o.result ? o.result.reason : undefined;
    out[o.check] = { action: o.result.action, ms: o.ms, ...(reason ? { reason } : {}) };
  }
  return out;
}
