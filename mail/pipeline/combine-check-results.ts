// Several checks judged one message (DMARC, clamd, rspamd); one outcome goes back to the client.
// Pure. A refusal beats a deferral beats acceptance (a message refused for good is not worth a
// retry, whatever else could not be checked); among equals the first in the given order wins.
// Accepted: Junk when any check says so, and the header fields of all checks, in order.

import type { CheckResult } from './contracts.js';

export function combineCheckResults(results: readonly CheckResult[]): CheckResult {
  const reject = results.find((r) => r.action === 'reject');
  if (reject) return reject;
  const defer = results.find((r) => r.action === 'defer');
  if (defer) return defer;
  const headers: [string, string][] = [];
  const drop: string[] = [];
  const reasons: string[] = [];
  let junk = false;
  for (const r of results) {
    if (r.action === 'junk') { junk = true; reasons.push(r.reason); }
    if (r.action === 'junk' || r.action === 'add-headers') {
      headers.push(...(r.headers ?? []));
      for (const name of r.dropHeaders ?? []) if (!drop.includes(name.toLowerCase())) drop.push(name.toLowerCase());
    }
  }
  const extra = drop.length ? { dropHeaders: drop } : {};
  if (junk) return { action: 'junk', reason: reasons.join('; '), headers, ...extra };
  if (headers.length || drop.length) return { action: 'add-headers', headers, ...extra };
  return { action: 'accept' };
}
