// Mailbox quota at RCPT time: a user at or over their quota is deferred (452 4.2.2), so the
// sender keeps the message and retries once the user has made room.

import type { CheckResult } from '../pipeline/contracts.js';
import { ACCEPT } from '../pipeline/contracts.js';
import type { MailStore, User } from '../store/contracts.js';

export async function checkQuota(store: Pick<MailStore, 'usage'>, users: readonly User[], address: string, incomingSize = 0): Promise<CheckResult> {
  for (const user of users) {
    if (user.quota === null) continue;
    const { bytes } = await store.usage(user.id);
    if (bytes + incomingSize >= user.quota) {
      return {
        action: 'defer', code: 452, enhanced: '4.2.2',
        message: `<${address}>: mailbox full, try again later`,
        reason: `quota: ${user.address} uses ${bytes} of ${user.quota} bytes`,
      };
    }
  }
  return ACCEPT;
}
