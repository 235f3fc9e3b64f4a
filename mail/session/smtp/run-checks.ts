// Runs the policy checks of one stage in order; the first refusal or deferral wins.

import type { Check, CheckContext, CheckResult } from '../../pipeline/contracts.js';
import { ACCEPT } from '../../pipeline/contracts.js';

export type CheckStage = 'connect' | 'mailFrom' | 'rcptTo';

export async function runChecks(checks: readonly Check[], stage: CheckStage, ctx: CheckContext, recipient?: string): Promise<{ result: CheckResult; check: string | null }> {
  for (const check of checks) {
    let result: CheckResult | undefined;
    if (stage === 'connect') result = await check.connect?.(ctx);
    else if (stage === 'mailFrom') result = await check.mailFrom?.(ctx);
    else result = await check.rcptTo?.(ctx, recipient ?? '');
    if (result && (result.action === 'reject' || result.action === 'defer')) return { result, check: check.name };
  }
  return { result: ACCEPT, check: null };
}
