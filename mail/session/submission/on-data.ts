// DATA on submission: the body streams through the line-ending scanner behind a Received field
// (with ESMTPSA and the authenticated user's address kept out of it), past the header From check,
// through the signer (DKIM), and then to the local mailboxes and the outbound spool together
// (delivery/submission-delivery.ts). The 250 goes out only when both are durable; a From the
// user does not own is refused 553 5.7.1 and nothing is stored or queued; any other failure
// answers 451 4.3.0.

import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { MailroomError } from '../../../core/errors.js';
import { passThroughSigner } from '../../delivery/message-signer.js';
import { beginSubmissionDelivery, type SubmissionDelivery } from '../../delivery/submission-delivery.js';
import { ForwardRefusal } from '../../delivery/forward-delivery.js';
import type { RecipientForward } from '../../delivery/forward-plan.js';
import { beginForwardingSubmission, planSubmissionRecipients } from '../../delivery/forward-submission.js';
import { LineEndingScanner } from '../../protocol/smtp/line-ending-scanner.js';
import { buildReceivedHeader, buildReturnPath } from '../../protocol/smtp/received-header.js';
import { replyMessage, type SmtpReply } from '../../protocol/smtp/reply.js';
import type { User } from '../../store/contracts.js';
import type { SessionContext } from '../smtp/context.js';
import { stateOf } from '../smtp/context.js';
import { BodyRefusedError, SmtpReplyError } from '../smtp/errors.js';
import { replies } from '../smtp/replies.js';
import { replyForCheck } from '../smtp/reply-for-check.js';
import { drain, readChunks } from '../smtp/stream-chunks.js';
import type { SubmissionDeps } from './deps.js';
import { HeaderFromReader } from './header-from.js';
import { submissionReplies } from './replies.js';
import { checkHeaderFrom } from './sender-ownership.js';

/** The header From is not the user's: the reply to send. */
class HeaderFromRefusedError extends MailroomError {
  constructor(readonly reply: SmtpReply, readonly reason: string) {
    super('header_from_not_owned', replyMessage(reply));
  }
}

type Outcome = 'delivered' | 'oversize' | 'smuggling' | 'bare-cr' | 'early-data' | 'from-not-owned' | 'refused' | 'failed';

export async function onSubmissionData(deps: SubmissionDeps, ctx: SessionContext, stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
  const state = stateOf(ctx, session);
  const started = Date.now();
  const tx = state.tx;
  const user = state.authUser;
  const from = tx.phase === 'idle' ? '' : tx.from;
  const local: User[] = [];
  const foreign: string[] = [];
  // Local recipients that forward (delivery/forward-submission.ts): their targets and copies.
  let forward: RecipientForward | null = null;
  let planFailure: { err: unknown } | null = null;
  const recipientCount = tx.phase === 'idle' ? 0 : [...tx.recipients.values()].reduce((n, users) => n + Math.max(1, users.length), 0);
  if (tx.phase !== 'idle') {
    try {
      const planned = await planSubmissionRecipients(ctx.deps.forwarding ?? null, tx.recipients);
      local.push(...planned.local);
      foreign.push(...planned.foreign);
      forward = planned.forward;
    } catch (err) {
      planFailure = { err };
    }
  }
  const scanner = new LineEndingScanner();
  const headerFrom = new HeaderFromReader();
  let outcome: Outcome = 'failed';
  let failure: unknown = null;
  let refusal: HeaderFromRefusedError | null = null;
  let forwardRefusal: ForwardRefusal | null = null;
  let delivery: SubmissionDelivery | null = null;
  let queueId: string | null = null;

  const finish = (qid: string | null) => {
    state.messages++;
    state.tx = { phase: 'idle' };
    state.log.info('message', {
      qid, queueId, from, user: user?.address ?? null, local: local.length, foreign: foreign.length, size: stream.byteLength,
      ms: Date.now() - started, outcome, ...(refusal ? { reason: refusal.reason } : {}), ...(forwardRefusal ? { reason: forwardRefusal.result.reason } : {}), ...(failure ? { err: failure } : {}),
    });
  };

  if (state.dataRefused || !user || (local.length === 0 && foreign.length === 0 && !forward && !planFailure)) {
    await drain(stream);
    outcome = state.dataRefused ? 'early-data' : 'failed';
    finish(null);
    if (state.dataRefused) throw new SmtpReplyError('early_data', replies.earlyData());
    if (!user) throw new SmtpReplyError('auth_required', submissionReplies.authRequired());
    throw new SmtpReplyError('no_recipients', replies.temporaryFailure());
  }

  try {
    if (planFailure) throw planFailure.err;
    const forwarding = ctx.deps.forwarding ?? null;
    delivery = forward && forwarding
      ? beginForwardingSubmission(forwarding, { from, local, foreign, forward }, state.log)
      : beginSubmissionDelivery({ mailStore: ctx.deps.mailStore, queue: deps.queue }, { from, localUsers: local, foreign });
  } catch (err) {
    failure = err;
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('store_failed', replies.temporaryFailure(), { cause: err });
  }
  const id = delivery.id;

  const returnPath = Buffer.from(buildReturnPath(from), 'utf8');
  const header = buildReceivedHeader({
    helo: session.hostNameAppearsAs || null,
    clientHostname: session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : null,
    remoteAddress: session.remoteAddress,
    hostname: ctx.deps.hostname,
    protocol: (session.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP') + (state.tls || session.secure ? 'SA' : 'A'),
    tls: session.tlsOptions ? { version: session.tlsOptions.version, cipher: session.tlsOptions.standardName || session.tlsOptions.name } : null,
    queueId: id,
    recipient: recipientCount === 1 ? (foreign[0] ?? [...(tx.phase === 'idle' ? [] : tx.recipients.keys())][0] ?? null) : null,
    date: ctx.deps.now?.() ?? new Date(),
  });

  const checkFrom = async () => {
    const verdict = await checkHeaderFrom(ctx.deps.directory, user, headerFrom.fromAddresses());
    const reply = replyForCheck(verdict);
    if (reply) throw new HeaderFromRefusedError(reply, ('reason' in verdict && verdict.reason) || 'header from not owned');
  };

  async function* body(): AsyncGenerator<Buffer> {
    for await (const chunk of readChunks(stream)) {
      if (stream.sizeExceeded) throw new BodyRefusedError('oversize');
      if (state.dataRefused) throw new BodyRefusedError('early-data');
      const scanned = scanner.feed(chunk);
      if (scanned.verdict !== 'ok') throw new BodyRefusedError(scanned.verdict);
      for (const c of scanned.chunks) {
        if (!headerFrom.done && headerFrom.feed(c)) await checkFrom();
        yield c;
      }
    }
    const last = scanner.end();
    if (last.verdict !== 'ok') throw new BodyRefusedError(last.verdict);
    if (stream.sizeExceeded) throw new BodyRefusedError('oversize');
    for (const c of last.chunks) {
      if (!headerFrom.done && headerFrom.feed(c)) await checkFrom();
      yield c;
    }
    if (!headerFrom.done) { headerFrom.end(); await checkFrom(); }
  }

  const domain = user.address.slice(user.address.lastIndexOf('@') + 1);
  const signed = (deps.signer ?? passThroughSigner)({ domain, message: body() });
  async function* message(): AsyncGenerator<Buffer> {
    yield Buffer.from(header, 'utf8');
    yield* signed;
  }

  const work = delivery.deliver(message(), { localPrefix: returnPath });
  ctx.inFlight.add(work);
  try {
    ({ queueId } = await work);
    outcome = 'delivered';
  } catch (err) {
    if (err instanceof BodyRefusedError) outcome = err.reason;
    else if (err instanceof HeaderFromRefusedError) { outcome = 'from-not-owned'; refusal = err; }
    else if (err instanceof ForwardRefusal) { outcome = 'refused'; forwardRefusal = err; }
    else failure = err;
  } finally {
    ctx.inFlight.delete(work);
  }
  await drain(stream, (chunk) => { scanner.feed(chunk); });
  if (outcome === 'failed') {
    scanner.end();
    if (scanner.verdict !== 'ok') outcome = scanner.verdict;
  }
  if (stream.sizeExceeded && outcome !== 'delivered') outcome = 'oversize';
  finish(id);

  switch (outcome) {
    case 'delivered':
      deps.rateLimit.record(user.id, recipientCount);
      if (queueId) deps.onQueued?.();
      return replyMessage(submissionReplies.queued(id));
    case 'from-not-owned':
      throw new SmtpReplyError('header_from_not_owned', refusal!.reply);
    case 'refused':
      throw new SmtpReplyError('message_refused', replyForCheck(forwardRefusal!.result) ?? replies.temporaryFailure());
    case 'smuggling':
      throw new SmtpReplyError('smuggling', replies.smuggling());
    case 'bare-cr':
      throw new SmtpReplyError('bare_cr', replies.bareCR());
    case 'early-data':
      throw new SmtpReplyError('early_data', replies.earlyData());
    case 'oversize':
      throw new SmtpReplyError('oversize', { code: 552, enhanced: '5.3.4', text: 'Error: message exceeds fixed maximum message size' });
    case 'failed':
      throw new SmtpReplyError('store_failed', replies.temporaryFailure(), { cause: failure });
  }
}
