// THREAD and UID THREAD (RFC 5256): REFERENCES and ORDEREDSUBJECT over the messages that match
// the search, from the stored index; the algorithms are mail/protocol/imap-sort.

import { formatThreads, threadByOrderedSubject, threadByReferences, type ThreadSource } from '../../../protocol/imap-sort/index.js';
import { headerValue } from '../../../protocol/mime/header-block.js';
import { ok, type CommandSpec } from '../context.js';
import { ImapCommandError } from '../errors.js';
import { messageBatches } from '../selected/message-batches.js';
import { runSearch } from '../selected/search-run.js';
import { selectedMailbox } from '../selected/selected-view.js';

export const THREAD_ALGORITHMS = ['ORDEREDSUBJECT', 'REFERENCES'] as const;

export const THREAD: CommandSpec<'THREAD'> = {
  states: ['selected'],
  async run(ctx, cmd) {
    const view = selectedMailbox(ctx, 'THREAD');
    const algorithm = cmd.algorithm.toUpperCase();
    if (algorithm !== 'REFERENCES' && algorithm !== 'ORDEREDSUBJECT') {
      throw new ImapCommandError('imap_thread_algorithm', `Unsupported threading algorithm ${algorithm.slice(0, 40)}`, { status: 'BAD' });
    }
    const matches = await runSearch(ctx, view, cmd.criteria);
    const sources: ThreadSource[] = [];
    for await (const batch of messageBatches(ctx.deps.mailStore, view.userId, view.folder, matches.uids)) {
      for (const m of batch) {
        const seq = view.seqOf(m.uid);
        if (seq === 0) continue;
        sources.push({
          // UIDs and sequence numbers ascend together, so either breaks ties the same way.
          id: cmd.uid ? m.uid : seq,
          messageId: m.index.envelope.messageId,
          inReplyTo: m.index.envelope.inReplyTo,
          references: headerValue(m.index.headers, 'references'),
          subject: m.index.subject,
          sentDate: (m.index.date ?? m.internalDate).getTime(),
        });
      }
    }
    const roots = algorithm === 'REFERENCES' ? threadByReferences(sources) : threadByOrderedSubject(sources);
    const list = formatThreads(roots);
    await ctx.send(Buffer.from(`* THREAD${list === '' ? '' : ' ' + list}\r\n`, 'utf8'));
    return ok('Thread completed');
  },
};
