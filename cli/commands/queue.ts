// `mailroom queue ls [--json] | retry ID | rm ID`: the outbound spool, through the shared
// database (no daemon needed). A running daemon's runner notices a retry at its next poll
// (queue.pollInterval); `rm` drops a message without delivering or bouncing it.

import { checkShape, commandGroup } from '../command-input.js';
import { withServices, type Services } from '../services.js';
import { queueDir } from '../../core/config.js';
import { OutboundSpool, type QueuedMessage } from '../../mail/queue/spool.js';

async function withSpool<T>(dataDir: string, use: (spool: OutboundSpool) => Promise<T> | T): Promise<T> {
  return withServices(dataDir, async (s: Services) => use(await OutboundSpool.open({ db: s.db, spoolDir: queueDir(s.config), logger: s.logger })));
}

/** The stable `--json` shape: one object per queued message. */
function toJson(m: QueuedMessage) {
  return {
    id: m.id, sender: m.sender, size: m.size, queuedAt: new Date(m.queuedAt).toISOString(), isBounce: m.isBounce,
    recipients: m.recipients.map((r) => ({
      address: r.address, state: r.state, attempts: r.attempts, nextAttemptAt: new Date(r.nextAttemptAt).toISOString(),
      lastReply: r.lastReply, status: r.status,
    })),
  };
}

export const queueCommand = commandGroup('queue', {
  async ls(args, words) {
    checkShape(args, words, { usage: 'queue ls [--json]', positional: [0, 0], switches: ['json'] });
    const messages = await withSpool(args.dataDir, (spool) => spool.list());
    if (args.flags.json) {
      process.stdout.write(JSON.stringify(messages.map(toJson)) + '\n');
      return 0;
    }
    for (const m of messages) {
      process.stdout.write(`${m.id}\t${new Date(m.queuedAt).toISOString()}\t${m.size}\t<${m.sender}>${m.isBounce ? '\t(bounce)' : ''}\n`);
      for (const r of m.recipients) {
        const next = r.state === 'pending' || r.state === 'deferred' ? ` next ${new Date(r.nextAttemptAt).toISOString()}` : '';
        process.stdout.write(`\t${r.address}\t${r.state}\tattempts ${r.attempts}${next}${r.lastReply ? `\t${r.lastReply.replace(/\s+/g, ' ')}` : ''}\n`);
      }
    }
    return 0;
  },

  async retry(args, words) {
    checkShape(args, words, { usage: 'queue retry ID', positional: [1, 1] });
    const n = await withSpool(args.dataDir, (spool) => spool.retryNow(words[0]!));
    process.stdout.write(`${words[0]}: ${n} recipient(s) due now\n`);
    return 0;
  },

  async rm(args, words) {
    checkShape(args, words, { usage: 'queue rm ID', positional: [1, 1] });
    await withSpool(args.dataDir, (spool) => spool.remove(words[0]!));
    process.stdout.write(`removed ${words[0]} from the queue\n`);
    return 0;
  },
});
