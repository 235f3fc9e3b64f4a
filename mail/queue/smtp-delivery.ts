// One SMTP session to one host for recipients of one domain, through nodemailer's SMTPConnection
// (it does EHLO/HELO, STARTTLS, AUTH, SIZE, PIPELINING, dot-stuffing and streams DATA). This
// file decides the TLS rules and turns its results and errors into one outcome per recipient.
//
// The result says whether a transaction took place: if the host never got as far as MAIL FROM
// (refused, timed out, TLS failed, 4xx/5xx greeting), the caller tries the next MX host; once a
// transaction ran, its answers stand.

import type { ConnectionOptions } from 'node:tls';
import type { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { localOutcome, outcomeFromReply, type RecipientOutcome } from './smtp-reply.js';

/**
 * - opportunistic: STARTTLS when offered, any certificate (RFC 3207 without MTA-STS: a certificate
 *   cannot be checked against an MX name the DNS gave without DNSSEC, so checking adds nothing);
 * - required-verified: STARTTLS or fail, certificate valid for `hostName` (MTA-STS enforce, relay);
 * - required-any: STARTTLS or fail, any certificate;
 * - none: plain SMTP, STARTTLS never tried (a smarthost configured so: local or trusted relays).
 */
export type TlsMode = 'opportunistic' | 'required-verified' | 'required-any' | 'none';

export interface HostDeliveryRequest {
  /** IP address to connect to. */
  address: string;
  port: number;
  /** The host's DNS name: TLS server name, certificate check, Remote-MTA. */
  hostName: string;
  /** Our name in EHLO. */
  heloName: string;
  tls: TlsMode;
  /** Implicit TLS (port 465 relays). */
  implicitTls?: boolean;
  /** Extra TLS options (trusted CAs in tests). */
  tlsOptions?: ConnectionOptions;
  auth?: { user: string; pass: string };
  from: string;
  recipients: string[];
  size: number;
  openBody: () => Readable;
  timeouts?: { connectMs?: number; greetingMs?: number; socketMs?: number };
}

export type HostDeliveryResult =
  | { kind: 'transaction'; outcomes: Map<string, RecipientOutcome>; tls: boolean }
  | { kind: 'unreachable'; outcome: RecipientOutcome };

type SmtpError = SMTPConnection.SMTPError & { recipient?: string; rejectedErrors?: (SMTPConnection.SMTPError & { recipient?: string })[] };

/** An open session (greeted, TLS as the mode asks, authenticated): what the connection cache keeps between transactions. */
export interface HostSession {
  readonly conn: SMTPConnection;
  /** `host[address]`, for Remote-MTA and replies. */
  readonly remote: string;
  readonly openedAt: number;
  /** Transactions run over it so far. */
  transactions: number;
  /** The server closed it, or we did. */
  closed: boolean;
}

export type SessionOpenResult = { kind: 'open'; session: HostSession } | { kind: 'unreachable'; outcome: RecipientOutcome };

/**
 * What one transaction over an open session came to. `reusable`: the session is in a clean state
 * for another MAIL FROM. `untouched`: it failed before a byte of the message went out (the
 * connection was gone, or 421): nothing can have been delivered, so another session may carry it.
 * `needsReset`: the server refused the transaction; RSET before the next one.
 */
export interface TransactionResult {
  outcomes: Map<string, RecipientOutcome>;
  tls: boolean;
  reusable: boolean;
  untouched: boolean;
  needsReset: boolean;
}

/** Connects, greets, STARTTLS per `req.tls`, AUTH when asked. Never throws. */
export async function openHostSession(req: Omit<HostDeliveryRequest, 'from' | 'recipients' | 'size' | 'openBody'>): Promise<SessionOpenResult> {
  const remote = `${req.hostName}[${req.address}]`;
  const conn = new SMTPConnection({
    host: req.address,
    port: req.port,
    name: req.heloName,
    secure: req.implicitTls ?? false,
    requireTLS: req.tls !== 'opportunistic' && req.tls !== 'none',
    opportunisticTLS: req.tls === 'opportunistic',
    ignoreTLS: req.tls === 'none',
    tls: { servername: req.hostName, rejectUnauthorized: req.tls === 'required-verified', ...req.tlsOptions },
    connectionTimeout: req.timeouts?.connectMs ?? 30_000,
    greetingTimeout: req.timeouts?.greetingMs ?? 60_000,
    socketTimeout: req.timeouts?.socketMs ?? 5 * 60_000,
    // SMTPConnection's own option (not in its typings): it takes the server name from `host`
    // otherwise, which is an IP address here.
    ...({ servername: req.hostName, allowInternalNetworkInterfaces: true } as object),
  });
  const session: HostSession = { conn, remote, openedAt: Date.now(), transactions: 0, closed: false };
  // Errors not tied to a pending call (a late socket error, a server dropping an idle session)
  // must not crash the process; the pending call, if any, gets its own.
  let lastError: SmtpError | null = null;
  conn.on('error', (err: SmtpError) => { lastError = err; });
  conn.once('end', () => { session.closed = true; });
  try {
    await connect(conn);
    if (req.auth) await login(conn, req.auth);
  } catch (err) {
    closeHostSession(session);
    return { kind: 'unreachable', outcome: errorOutcome((err ?? lastError) as SmtpError, remote) };
  }
  return { kind: 'open', session };
}

/** One transaction (MAIL FROM, RCPT TO, DATA) over an open session. Never throws. */
export async function runTransaction(session: HostSession, req: Pick<HostDeliveryRequest, 'from' | 'recipients' | 'size' | 'openBody'>): Promise<TransactionResult> {
  const { conn, remote } = session;
  session.transactions++;
  const body = req.openBody();
  try {
    const info = await send(conn, req, body);
    const outcomes = new Map<string, RecipientOutcome>();
    for (const r of info.accepted) outcomes.set(r, outcomeFromReply(info.response, remote));
    for (const e of (info.rejectedErrors ?? []) as SmtpError[]) if (e.recipient) outcomes.set(e.recipient, errorOutcome(e, remote));
    fillMissing(outcomes, req.recipients, localOutcome('temporary', '4.4.0', 'no answer for this recipient', remote));
    return { outcomes, tls: conn.secure, reusable: !session.closed, untouched: false, needsReset: false };
  } catch (e) {
    const err = e as SmtpError;
    const connectionLost = isConnectionLoss(err) || session.closed;
    const refused = !connectionLost && typeof err?.responseCode === 'number' && err.responseCode !== 421 && (err.code === 'EENVELOPE' || err.code === 'EMESSAGE');
    return {
      outcomes: transactionErrorOutcomes(conn, err, req.recipients, remote),
      tls: conn.secure,
      // A refusal (a 4xx/5xx reply other than 421) leaves the session usable after RSET; the
      // cache sends it. Anything else (timeouts, lost connections, protocol errors) ends it.
      reusable: refused,
      untouched: connectionLost && body.readableDidRead === false,
      needsReset: refused,
    };
  } finally {
    body.destroy();
  }
}

/** RSET after a refused transaction: resolves true when the session is clean again. */
export function resetHostSession(session: HostSession): Promise<boolean> {
  if (session.closed) return Promise.resolve(false);
  return new Promise((resolve) => session.conn.reset((err) => resolve(!err)));
}

/** QUIT when still open, then close the socket. */
export function closeHostSession(session: HostSession): void {
  if (!session.closed) session.conn.quit();
  session.conn.close();
  session.closed = true;
}

/** The connection is gone or the server said it is closing: the session cannot go on. */
function isConnectionLoss(err: SmtpError | null | undefined): boolean {
  return err?.responseCode === 421 || err?.code === 'ECONNECTION' || err?.code === 'ESOCKET' || err?.code === 'ETIMEDOUT';
}

/** One session for one transaction: open, send, QUIT. */
export async function deliverToHost(req: HostDeliveryRequest): Promise<HostDeliveryResult> {
  const opened = await openHostSession(req);
  if (opened.kind === 'unreachable') return opened;
  try {
    const result = await runTransaction(opened.session, req);
    return { kind: 'transaction', outcomes: result.outcomes, tls: result.tls };
  } finally {
    closeHostSession(opened.session);
  }
}

/** After send() failed: per-recipient answers where the server gave them, the failure otherwise. */
function transactionErrorOutcomes(conn: SMTPConnection, err: SmtpError, recipients: string[], remote: string): Map<string, RecipientOutcome> {
  const outcomes = new Map<string, RecipientOutcome>();
  // RCPT rejections collected so far; nodemailer keeps them on its (private) envelope even when
  // the failure came later, at DATA or end of data.
  const rejected = (err.rejectedErrors ?? (conn as unknown as { _envelope?: { rejectedErrors?: SmtpError[] } })._envelope?.rejectedErrors ?? []) as SmtpError[];
  for (const e of rejected) if (e.recipient) outcomes.set(e.recipient, errorOutcome(e, remote));
  fillMissing(outcomes, recipients, errorOutcome(err, remote));
  return outcomes;
}

function fillMissing(outcomes: Map<string, RecipientOutcome>, recipients: string[], outcome: RecipientOutcome): void {
  for (const r of recipients) if (!outcomes.has(r)) outcomes.set(r, outcome);
}

function errorOutcome(err: SmtpError | null | undefined, remote: string): RecipientOutcome {
  if (err?.response && /^\d{3}/.test(err.response)) return outcomeFromReply(err.response, remote);
  if (err?.code === 'EMESSAGE' && /size/i.test(err.message)) return localOutcome('permanent', '5.3.4', `message too big for ${remote}: ${err.message}`, remote);
  if (err?.code === 'ETLS' || /certificate|TLS|SSL/i.test(err?.message ?? '')) return localOutcome('temporary', '4.7.5', `TLS with ${remote} failed: ${err?.message ?? 'unknown'}`, remote);
  return localOutcome('temporary', '4.4.1', `connection to ${remote} failed: ${err?.code ?? ''} ${err?.message ?? 'unknown error'}`.replace(/\s+/g, ' '), remote);
}

function connect(conn: SMTPConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown) => reject(err);
    conn.once('error', onError);
    conn.once('end', () => reject(Object.assign(new Error('connection closed before the session started'), { code: 'ECONNECTION' })));
    conn.connect(() => { conn.removeListener('error', onError); resolve(); });
  });
}

function login(conn: SMTPConnection, auth: { user: string; pass: string }): Promise<void> {
  return new Promise((resolve, reject) => conn.login(auth, (err) => (err ? reject(err) : resolve())));
}

function send(conn: SMTPConnection, req: Pick<HostDeliveryRequest, 'from' | 'recipients' | 'size'>, body: Readable): Promise<SMTPConnection.SentMessageInfo> {
  return new Promise((resolve, reject) => {
    conn.send({ from: req.from, to: req.recipients, size: req.size, use8BitMime: true }, body, (err, info) => {
      if (err) reject(err);
      else resolve(info);
    });
  });
}
