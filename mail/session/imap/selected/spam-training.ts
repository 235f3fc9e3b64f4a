// Users teach the spam filter by filing: a message moved or copied into the Junk folder is
// learned as spam, one moved out of Junk (anywhere but Trash) as ham (issue 5: "moving a message
// into Junk through IMAP teaches rspamd spam, moving it out teaches ham"). Learning runs after
// the command has answered and never fails it: a down controller costs a log line, not a MOVE.
// At most MAX_PER_COMMAND messages per command are taught, so dragging a whole folder into
// Junk does not flood the classifier or the controller.

import type { Logger } from '../../../../core/log.js';
import type { CopyResult, MailStore, UserId } from '../../../store/contracts.js';
import type { SpamLearner } from '../deps.js';

const MAX_PER_COMMAND = 50;

export type TrainingVerdict = 'spam' | 'ham' | null;

/** What filing from one special use to another says about the messages. */
export function trainingVerdict(fromUse: string | null, toUse: string | null): TrainingVerdict {
  const fromJunk = fromUse === '\\Junk';
  const toJunk = toUse === '\\Junk';
  if (toJunk && !fromJunk) return 'spam';
  if (fromJunk && !toJunk && toUse !== '\\Trash') return 'ham';
  return null;
}

export interface SpamTrainingOptions {
  learner: SpamLearner;
  store: MailStore;
  logger: Logger;
}

/** Looks up both folders' special use and teaches the copies in the destination; never throws. */
export async function trainOnFiling(options: SpamTrainingOptions, userId: UserId, from: string, to: string, result: CopyResult): Promise<void> {
  try {
    if (result.pairs.length === 0) return;
    const [source, destination] = await Promise.all([options.store.getFolder(userId, from), options.store.getFolder(userId, to)]);
    const verdict = trainingVerdict(source?.specialUse ?? null, destination?.specialUse ?? null);
    if (!verdict || !destination) return;
    const uids = result.pairs.slice(0, MAX_PER_COMMAND).map((p) => p[1]);
    const messages = await options.store.getMessages(userId, destination.name, uids);
    let learned = 0;
    for (const m of messages) {
      const source = { size: m.size, open: () => options.store.openMessage(m.blobId) as AsyncIterable<Buffer> };
      const outcome = verdict === 'spam' ? await options.learner.learnSpam(source) : await options.learner.learnHam(source);
      if (outcome.learned) learned++;
    }
    options.logger.info('spam filter taught', { verdict, folder: destination.name, messages: messages.length, learned, skipped: result.pairs.length - uids.length, outcome: 'learned' });
  } catch (err) {
    options.logger.warn('teaching the spam filter failed', { err, outcome: 'learn-failed' });
  }
}
