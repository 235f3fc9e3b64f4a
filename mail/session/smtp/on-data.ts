// DATA: the body streams through the line-ending scanner into one store transaction, behind a
// Return-Path and a Received field. The 250 goes out only after commit() resolved, i.e. the
// message and its index are durable; any failure aborts the transaction (nothing stored, for
// any recipient) and answers 451 4.3.0 so the sender retries.
//
// The stream is always read to its end before answering: smtp-server answers as soon as the
// callback runs, and a reply in the middle of the client's upload would desynchronise it.
//
// With inbound verification (deps.inboundAuth, config inbound.verify) the body is spooled first
// (memory up to a limit, then a scratch file; see store/fs/message-spool.ts), verified (SPF, DKIM,
// DMARC, ARC), and only then streamed into the store with Return-Path, Received and our
// Authentication-Results in front: the verdict decides whether the message is stored at all
// (DMARC p=reject: 550 5.7.1, nothing stored), in which folder (p=quarantine: Junk), and the
// field that heads the immutable stored body. Authentication-Results fields in the message that
// claim our host name as authserv-id are removed on the way (RFC 8601 §5).
//
// Content checks (deps.dataChecks: clamd, rspamd) take the same path: the message is spooled
// once, verification and every content check read the spooled copy at the same time, and their
// verdicts are combined (pipeline/combine-check-results.ts): any refusal (a virus, rspamd's
// reject: 554 5.7.1) or deferral (an engine down under the "defer" rule, rspamd's soft reject:
// 451) stores nothing; otherwise the message goes to Junk if any check says so, headed by every
// check's fields, with the fields the checks replace (X-Spam ...) removed from its own header.

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
import { QuotaRefusal, refuseOverQuota } from '../../delivery/quota.js';
import { afterDelivery } from '../../delivery/quota-warnings.js';
import { beginForwardingDelivery, ForwardRefusal } from '../../delivery/forward-delivery.js';
import { forwardsOf } from '../../delivery/forward-envelope.js';
import type { User } from '../../store/contracts.js';
import type { CheckResult } from '../../pipeline/contracts.js';
import { AUTHENTICATION_RESULTS, type MessageAuthVerdict } from '../../pipeline/message-auth.js';
import { dropOurAuthenticationResults } from '../../pipeline/authentication-results-filter.js';
import type { SpooledMessage } from '../../store/fs/message-spool.js';
import { replyForCheck } from './reply-for-check.js';
import { combineCheckResults } from '../../pipeline/combine-check-results.js';
import { dropHeaderFields } from '../../pipeline/header-field-filter.js';
import { dataChecksLog, runDataChecks, type DataCheckOutcome } from './run-data-checks.js';
import type { VerifiedCheckContext } from '../../pipeline/rspamd-check.js';
import { checkContext } from './state.js';
import { listRecipientOf, listsOf } from '../../lists/list-rcpt.js';
import { beginListDelivery } from '../../lists/list-delivery.js';
import { ListRefusal } from '../../lists/list-service.js';

type Outcome = 'delivered' | 'oversize' | 'smuggling' | 'bare-cr' | 'early-data' | 'failed' | 'refused';

/** Verification or a content check refused (or deferred) the message: nothing is stored. */
class VerdictRefusal extends Error {
  constructor(readonly result: CheckResult) { super(`message refused by a check: ${result.action}`); }
}

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
  // Recipients that forward (delivery/forward-plan.ts decided at RCPT): their targets, SRS bounces.
  const forwarding = ctx.deps.forwarding ?? null;
  const forwards = forwarding && tx.phase !== 'idle' ? forwardsOf(tx) : null;
  // A list address is its transaction's only recipient (mail/lists/list-rcpt.ts).
  const listed = tx.phase !== 'idle' ? listRecipientOf(tx) : null;
  const scanner = new LineEndingScanner();
  let delivery: LocalDelivery | null = null;
  let outcome: Outcome = 'failed';
  let failure: unknown = null;
  let verdict: MessageAuthVerdict | null = null;
  let refusal: CheckResult | null = null;
  let folder: string | null = null;
  let filtered: DataCheckOutcome[] | null = null;

  const finish = (qid: string | null) => {
    state.messages++;
    state.tx = { phase: 'idle' };
    state.log.info('message', {
      qid, from, recipients: rcpts, mailboxes: uniqueMailboxes(users).length, size: stream.byteLength,
      normalisedLineFeeds: scanner.normalisedLineFeeds, ms: Date.now() - started, outcome,
      ...(verdict ? { auth: { spf: firstWord(verdict.spf), dkim: verdict.dkim.map(firstWord), dmarc: firstWord(verdict.dmarc), policy: verdict.dmarcPolicy } } : {}),
      ...(folder ? { folder } : {}),
      ...(filtered ? { filters: dataChecksLog(filtered) } : {}),
      ...(refusal && refusal.action !== 'accept' && 'reason' in refusal ? { reason: refusal.reason } : {}),
      ...(failure ? { err: failure } : {}),
    });
  };

  if (state.dataRefused) {
    outcome = 'early-data';
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('early_data', replies.earlyData());
  }
  if (users.length === 0 && !forwards && !listed) {
    // smtp-server only gets here with accepted recipients; an empty list means our state was lost.
    await drain(stream);
    finish(null);
    throw new SmtpReplyError('no_recipients', replies.temporaryFailure());
  }

  try {
    delivery = listed ? beginListDelivery(listsOf(ctx.deps)!, listed, { from, log: state.log }) : forwards ? beginForwardingDelivery(forwarding!, users, forwards, { from, log: state.log }) : beginLocalDelivery(ctx.deps.mailStore, users);
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

  async function* scanned(): AsyncGenerator<Buffer> {
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
    // Quotas with the real size, before anything is committed (mail/delivery/quota.ts).
    await refuseOverQuota(ctx.deps.mailStore, users, Buffer.byteLength(header) + stream.byteLength, { directory: ctx.deps.directory });
    yield* last.chunks;
  }

  async function* body(): AsyncGenerator<Buffer> {
    yield Buffer.from(header, 'utf8');
    yield* scanned();
  }

  const auth = ctx.deps.inboundAuth ?? null;
  const filters = ctx.deps.dataChecks && ctx.deps.dataChecks.checks.length > 0 ? ctx.deps.dataChecks : null;
  // Sieve: recipients with an active script need the spooled message (size, header section).
  const sieve = ctx.deps.sieve ? await ctx.deps.sieve.prepare(tx.phase === 'idle' ? new Map() : tx.recipients, from, state.log) : null;
  const spool = auth?.spool ?? filters?.spool ?? sieve?.spool ?? null;
  const local = delivery;
  const checkCtx = { ...checkContext(state, session, rcpts), queueId: qid };
  const checkAndDeliver = async () => {
    const writer = spool!.create();
    let spooled: SpooledMessage;
    try {
      for await (const chunk of scanned()) await writer.write(chunk);
      spooled = await writer.finish();
    } catch (err) {
      await writer.discard();
      throw err;
    }
    try {
      // Verification and the content checks read the spooled copy at the same time; rspamd
      // waits for the verification's results to score them (pipeline/rspamd-check.ts).
      const verifying = auth ? auth.authenticator.verify({ message: spooled.open(), ip: session.remoteAddress, helo: session.hostNameAppearsAs || null, mailFrom: from }) : null;
      const filterCtx: VerifiedCheckContext = verifying ? { ...checkCtx, verification: verifying } : checkCtx;
      const [authSettled, filtersSettled] = await Promise.allSettled([
        verifying,
        filters ? runDataChecks(filters.checks, filterCtx, spooled) : null,
      ]);
      if (authSettled.status === 'rejected') throw authSettled.reason;
      if (filtersSettled.status === 'rejected') throw filtersSettled.reason;
      verdict = authSettled.value;
      filtered = filtersSettled.value;
      const check = combineCheckResults([...(verdict ? [verificationResult(verdict)] : []), ...(filtered ?? []).map((o) => o.result)]);
      if (check.action === 'reject' || check.action === 'defer') throw new VerdictRefusal(check);
      if (check.action === 'junk') folder = 'Junk';
      const fields = check.action === 'add-headers' || check.action === 'junk' ? check.headers ?? [] : [];
      const drop = check.action === 'add-headers' || check.action === 'junk' ? check.dropHeaders ?? [] : [];
      const trace = header + fields.map(([name, value]) => `${name}: ${value}\r\n`).join('');
      const message = spooled;
      async function* stored(): AsyncGenerator<Buffer> {
        yield Buffer.from(trace, 'utf8');
        const own = auth ? dropOurAuthenticationResults(message.open(), ctx.deps.hostname) : message.open();
        yield* drop.length ? dropHeaderFields(own, drop) : own;
      }
      if (sieve) {
        const sieved = await sieve.deliver(local, stored, spooled, folder);
        if (sieved.reject) throw new VerdictRefusal(sieved.reject);
        return sieved.receipt;
      }
      return await local.deliver(stored(), folder ? { folder } : {});
    } finally {
      await spooled.dispose();
    }
  };

  const work = spool ? checkAndDeliver() : delivery.deliver(body());
  ctx.inFlight.add(work);
  try {
    await work;
    outcome = 'delivered';
    // 80% / 95% quota warnings, after the reply and never failing it.
    void afterDelivery({ directory: ctx.deps.directory, mailStore: ctx.deps.mailStore, hostname: ctx.deps.hostname, logger: state.log }, users, ctx.inFlight);
  } catch (err) {
    if (err instanceof BodyRefusedError) outcome = err.reason;
    else if (err instanceof VerdictRefusal) { outcome = 'refused'; refusal = err.result; }
    else if (err instanceof QuotaRefusal) { outcome = 'refused'; refusal = err.result; }
    else if (err instanceof ForwardRefusal) { outcome = 'refused'; refusal = err.result; }
    else if (err instanceof ListRefusal) { outcome = 'refused'; refusal = err.result; }
    else failure = err;
  } finally {
    ctx.inFlight.delete(work);
  }
  // A refusal or a failure before deliver() (spooling, verification) left the transaction open.
  if (outcome !== 'delivered') await delivery.abort();
  // Read whatever the store did not; keep scanning so the reply names the worst finding.
  await drain(stream, (chunk) => { scanner.feed(chunk); });
  if (outcome !== 'delivered' && outcome !== 'early-data' && outcome !== 'oversize' && outcome !== 'refused') {
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
    case 'refused': {
      const reply = replyForCheck(refusal!);
      throw new SmtpReplyError('message_refused', reply ?? replies.temporaryFailure());
    }
    case 'failed':
      throw new SmtpReplyError('store_failed', replies.temporaryFailure(), { cause: failure });
  }
}

/** The verification's verdict with its fields: our Authentication-Results when it brought none. */
function verificationResult(verdict: MessageAuthVerdict): CheckResult {
  const check = verdict.check;
  if (check.action === 'reject' || check.action === 'defer') return check;
  const headers = (check.action === 'add-headers' || check.action === 'junk') && check.headers?.length
    ? check.headers
    : [[AUTHENTICATION_RESULTS, verdict.authenticationResults] as [string, string]];
  return check.action === 'junk' ? { ...check, headers } : { action: 'add-headers', headers };
}

function firstWord(result: string): string {
  return result.split(/[\s;]/, 1)[0] ?? result;
}

function protocolName(session: SMTPServerSession, state: ConnectionState): string {
  return (session.openingCommand === 'EHLO' ? 'ESMTP' : 'SMTP') + (state.tls || session.secure ? 'S' : '');
}
