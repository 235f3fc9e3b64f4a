// Quota warnings: after a delivery, each recipient's usage is compared with its quota; when it
// has crossed 80% or 95% since the last warning, a warning mail goes to the user's INBOX. The
// level last warned about is kept per account (Directory.swapQuotaWarningLevel), so it is one
// mail per crossing, and it falls back when usage drops below a level again (seen at the next
// delivery), so the next crossing warns again.
//
// The warning is stored directly, past the quota (it is small, and the user must hear about a
// full mailbox most of all when it is full). It never delays or fails the delivery that caused it:
// it runs after the reply, and a failure is only logged (the level is set back so the next
// delivery tries again).

import type { Logger } from '../../core/log.js';
import type { Directory, MailStore, User } from '../store/contracts.js';
import { beginLocalDelivery, uniqueMailboxes } from './local-delivery.js';
import { warningLevel } from './quota-policy.js';
import { buildQuotaWarningMessage } from './quota-warning-message.js';

export interface QuotaWarningDeps {
  directory: Pick<Directory, 'getUserById' | 'swapQuotaWarningLevel'>;
  mailStore: MailStore;
  hostname: string;
  logger: Logger;
  now?: () => Date;
}

async function* once(message: Buffer): AsyncGenerator<Buffer> {
  yield message;
}

/** Checks one account after a delivery; resolves with the level warned about, or null. */
export async function warnIfCrossed(deps: QuotaWarningDeps, recipient: User): Promise<number | null> {
  // The quota may have changed since RCPT TO; the directory has the current one.
  const user = (await deps.directory.getUserById(recipient.id)) ?? recipient;
  if (user.quota === null) return null;
  const usage = await deps.mailStore.usage(user.id);
  const level = warningLevel(usage.bytes, user.quota);
  const previous = await deps.directory.swapQuotaWarningLevel(user.id, level);
  if (level <= previous) return null;
  const message = buildQuotaWarningMessage({
    address: user.address, level, used: usage.bytes, quota: user.quota, messages: usage.messages, hostname: deps.hostname,
    ...(deps.now ? { now: deps.now() } : {}),
  });
  try {
    const receipt = await beginLocalDelivery(deps.mailStore, [user]).deliver(once(message));
    deps.logger.info('quota warning delivered', { qid: receipt.id, rcpt: user.address, level, used: usage.bytes, quota: user.quota, outcome: 'warned' });
  } catch (err) {
    // Not warned after all: the next delivery above the level tries again.
    await deps.directory.swapQuotaWarningLevel(user.id, previous).catch(() => undefined);
    throw err;
  }
  return level;
}

/**
 * After a delivery, in the background: every recipient is checked and warned as needed. The
 * returned promise never rejects; `inFlight` (the session's set of deliveries) lets shutdown wait
 * for it before the store closes.
 */
export function afterDelivery(deps: QuotaWarningDeps, users: Iterable<User>, inFlight?: Set<Promise<unknown>>): Promise<void> {
  const work = (async () => {
    // Accounts without a quota (when RCPT TO looked) have nothing to warn about: no extra work.
    for (const user of uniqueMailboxes(users)) {
      if (user.quota === null) continue;
      try {
        await warnIfCrossed(deps, user);
      } catch (err) {
        deps.logger.warn('quota warning failed', { rcpt: user.address, err, outcome: 'error' });
      }
    }
  })();
  if (inFlight) {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  }
  return work;
}
