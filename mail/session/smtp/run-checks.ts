// Runs the policy checks of one stage in order; the first refusal or deferral wins.
//
// The checks that have a given stage are picked out once per check list (the list is fixed
// when the session server is made) instead of asking every check at every command: a stage
// no configured check has (the MX's connect stage, unless rate limits or DNS lists are set)
// costs one lookup, not an await per check.

import type { Check, CheckContext, CheckResult } from '../../pipeline/contracts.js';
import { ACCEPT } from '../../pipeline/contracts.js';

export type CheckStage = 'connect' | 'mailFrom' | 'rcptTo';

/** The checks of one list by stage; `length` notices a list that grew after it was first used. */
interface ByStage { length: number; stages: Record<CheckStage, readonly Check[]> }

const stagesOf = new WeakMap<readonly Check[], ByStage>();

/** The checks of `checks` that have `stage`, in their order. */
export function checksFor(checks: readonly Check[], stage: CheckStage): readonly Check[] {
  if (checks.length === 0) return checks;
  let byStage = stagesOf.get(checks);
  if (!byStage || byStage.length !== checks.length) {
    byStage = {
      length: checks.length,
      stages: {
        connect: checks.filter((c) => typeof c.connect === 'function'),
        mailFrom: checks.filter((c) => typeof c.mailFrom === 'function'),
        rcptTo: checks.filter((c) => typeof c.rcptTo === 'function'),
      },
    };
    stagesOf.set(checks, byStage);
  }
  return byStage.stages[stage];
}

const PASSED = Object.freeze({ result: ACCEPT, check: null });

export async function runChecks(checks: readonly Check[], stage: CheckStage, ctx: CheckContext, recipient?: string): Promise<{ result: CheckResult; check: string | null }> {
  for (const check of checksFor(checks, stage)) {
    let result: CheckResult | undefined;
    if (stage === 'connect') result = await check.connect!(ctx);
    else if (stage === 'mailFrom') result = await check.mailFrom!(ctx);
    else result = await check.rcptTo!(ctx, recipient ?? '');
    if (result && (result.action === 'reject' || result.action === 'defer')) return { result, check: check.name };
  }
  return PASSED;
}
