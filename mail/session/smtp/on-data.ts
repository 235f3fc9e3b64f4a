// DATA: the body streams through the line-ending scanner into one store transaction, behind a
// Return-Path and a Received field. The 250 goes out only after commit() resolved, i.e. the
// message and its index are durable; any failure aborts the transaction (nothing stored, for
// any recipient) and answers 451 4.3.0 so the sender retries.
//
// The stream is always read to its end before answering: smtp-server answers as soon as the
// callback runs, and a reply in the middle of the client's upload would desynchronise it.

import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { SessionContext } from './context.js';
import { stateOf } from './context.js';
import { BodyRefusedError, SmtpReplyError } from './errors.js';
import { replies } from './replies.js';
import { drain, readChunks } from './stream-chunks.js';
import { recipientAddress } from './on-rcpt-to.js';
import type { ConnectionState } from './state.js';
import { LineEndingScanner } from '../../protocol/smtp/line-ending-scanner.js';
import { buildReceivedHeader, buildReturnPath } from '../../protocol/smtp/received-header.js';
import { replyMessage } from '../../protocol/smtp/reply.js';
import { beginLocalDelivery, uniqueMailboxes, type LocalDelivery } from '../../delivery/local-delivery.js';
import type { User } from '../../store/contracts.js';

type Outcome = 'delivered' | 'oversize' | 'smuggling' | 'bare-cr' | 'early-data' | 'failed';

/** Resolves with the text of the 250 reply, or rejects with the refusal. */
export async function onData(ctx: SessionContext, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
  const state = stateOf(ctx, session);
  const started = Date.now();
  const tx = state.tx;
  const from = tx.phase === 'idle' ? (session.envelope.mailFrom ? session.envelope.mailFrom.address : '') : tx.from;
  const rcpts: string[] = [];
  const users: User[] = [];
  for (const r of session.envelope.rcptTo) {
    const addr = recipientAddress(r.address, ctx.deps.hostname);
    const found = addr && tx.phase !== 'idle' ? tx.recipients.get(addr) : undefined;
    if (addr && found) { rcpts.push(addr); users.push(...found); }
  }
  const scanner = new LineEndingScanner();
  let delivery: LocalDelivery | null = null;
  let outcome: Outcome = 'failed';
  let failure: unknown = null;

  const finish = (qid: string | null) => {
    state.messages++;
    state.tx = { phase: 'idle' };
    state.log.info('message', {
      qid, from, recipients: rcpts, mailboxes: uniqueMailboxes(users).length, size: stream.byteLength,
      normalisedLineFeeds: scanner.normalisedLineFeeds, ms: Date.now() - started, outcome,
      ...(failure ? { err: failure } : {}),
    });
  };

  if (state.dataRefused) {
    outcome = 'early-data';
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('early_data', replies.earlyData());
  }
  if (users.length === 0) {
    // smtp-server only gets here with accepted recipients; an empty list means our state was lost.
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('no_recipients', replies.temporaryFailure());
  }

  try {
    delivery = beginLocalDelivery(ctx.deps.mailStore, users);
  } catch (err) {
    failure = err;
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('store_failed', replies.temporaryFailure(), { cause: err });
  }
  const qid = delivery.id;
  state.tx = { phase: 'data', from, recipients: tx.phase === 'idle' ? new Map() : tx.recipients, qid };

  const header = buildReturnPath(from) + buildReceivedHeader({
    helo: session.hostNameAppearsAs || null,
    clientHostname: session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : null,
    remoteAddress: session.remoteAddress,
    hostname: ctx.deps.hostname,
    protocol: protocolName(session, state),
    tls: session.tlsOptions ? { version: session.tlsOptions.version, cipher: session.tlsOptions.standardName || session.tlsOptions.name } : null,
    queueId: qid,
    recipient: rcpts.length === 1 ? rcpts[0]! : null,
    date: ctx.deps.now?.() ?? new Date(),
  });

  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from(header, 'utf8');
    for await (const chunk of readChunks(stream)) {
      if (stream.sizeExceeded) throw new BodyRefusedError('oversize');
      if (state.dataRefused) throw new BodyRefusedError('early-data');
      const scanned = scanner.feed(chunk);
      if (scanned.verdict !== 'ok') throw new BodyRefusedError(scanned.verdict);
      yield* scanned.chunks;
    }
    const last = scanner.end();
    if (last.verdict !== 'ok') throw new BodyRefusedError(last.verdict);
    // smtp-server decides "too big" on the bytes it counted; never commit what it will refuse.
    if (stream.sizeExceeded) throw new BodyRefusedError('oversize');
    yield* last.chunks;
  }

  const work = delivery.deliver(body());
  ctx.inFlight.add(work);
  try {
    await work;
    outcome = 'delivered';
  } catch (err) {
    if (err instanceof BodyRefusedError) outcome = err.reason;
    else failure = err;
  } finally {
    ctx.inFlight.delete(work);
  }
  // Read whatever the store did not; keep scanning so the reply names the worst finding.
  await drain(stream, (chunk) => { scanner.feed(chunk); });
  if (outcome !== 'delivered' && outcome !== 'early-data' && outcome !== 'oversize') {
    scanner.end();
    if (scanner.verdict !== 'ok') outcome = scanner.verdict;
  }
  if (stream.sizeExceeded && outcome !== 'delivered') outcome = 'oversize';
  finish(qid);

  switch (outcome) {
    case 'delivered':
      return replyMessage(replies.queued(qid));
    case 'smuggling':
      throw new SmtpReplyError('smuggling', replies.smuggling());
    case 'bare-cr':
      throw new SmtpReplyError('bare_cr', replies.bareCR());
    case 'early-data':
      throw new SmtpReplyError('early_data', replies.earlyData());
    case 'oversize':
      // smtp-server answers 552 5.3.4 itself (rejectOversized); this is only a fallback.
      throw new SmtpReplyError('oversize', { code: 552, enhanced: '5.3.4', text: 'Error: message exceeds fixed maximum message size' });
    case 'failed':
      throw new SmtpReplyError('store_failed', replies.temporaryFailure(), { cause: failure });
  }
}

function protocolName(session: SMTPServerSession, state: ConnectionState): string {
  return (session.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP') + (state.tls || session.secure ? 'S' : '');
}
