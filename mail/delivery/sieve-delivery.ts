// Sieve at local delivery on the MX (RFC 5228, 5230, 5232, 5429, 3894). For a message whose
// recipients include a mailbox with an active script, the MX spools the message (the scripts
// need its size and header section before anything is stored), runs each recipient's script on
// {header fields, envelope, size}, and turns the actions into one store transaction:
//
// - keep / fileinto (:flags, :copy, :create): the folders and flags of that mailbox. A folder
//   that does not exist is created only with :create (RFC 5490); otherwise the store files into
//   INBOX instead (logged), as Dovecot does, so mail is never lost to a typo.
// - redirect: a local address gets a copy in the same transaction; a foreign one is queued
//   before the commit and removed again if the commit fails, so a 250 means both happened. The
//   copy carries X-Sieve-Redirected-By; a message that already names this user there, or that
//   was redirected too often, is kept instead (loop protection).
// - reject: with a single recipient the MX answers 550 5.7.1 with the reason and stores
//   nothing (RFC 5429 section 2.1.1's "reject at SMTP time"). With several recipients the others
//   still get the message, so the rejecting one cannot refuse it in SMTP; the sender gets a
//   notice from the null sender instead (a plain message, not a full MDN: simpler and it cannot
//   loop).
// - vacation: after the commit, when vacation-policy allows and no response went to this sender
//   under this handle within :days (store.claimVacationResponse), one reply from the null
//   sender. A failure to send it is logged; the message is already delivered.
// - discard: nothing for that mailbox.
//
// A script that cannot be compiled, or fails while it runs (limits, conflicting actions), or
// any error while its actions are prepared, keeps the message in INBOX and logs the error with
// the connection id: a broken script never loses mail.

import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from '../../core/log.js';
import type { CheckResult } from '../pipeline/contracts.js';
import {
  buildVacationReply, parseHeaderSection, runSieve, vacationDecision, type SieveAction, type SieveMessageView, type VacationParams,
} from '../protocol/sieve/index.js';
import type { MessageSpool, SpooledMessage } from '../store/fs/message-spool.js';
import type { DeliveryReceipt, DeliveryTarget, Directory, MailStore, SieveStore, User, UserId } from '../store/contracts.js';
import type { LocalDelivery } from './local-delivery.js';
import { SieveScriptCache } from './sieve-script-cache.js';
import { redirectSender, sendGenerated, type SieveOutboundDeps } from './sieve-outbound.js';
import type { OutboundQueue } from './submission-delivery.js';

/** The field a redirected copy carries; its count and contents cut loops. */
export const REDIRECT_HEADER = 'X-Sieve-Redirected-By';
/** A message redirected this often is kept, not redirected again. */
const MAX_REDIRECT_HOPS = 5;
const HEADER_SECTION_LIMIT = 64 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SieveDeliveryLimits {
  maxActions: number;
  maxRedirects: number;
}

export interface SieveDeliveryDeps {
  store: SieveStore;
  mailStore: MailStore;
  directory: Directory;
  queue: OutboundQueue;
  onQueued?: () => void;
  /** Holds the message while the scripts run. */
  spool: MessageSpool;
  hostname: string;
  limits: SieveDeliveryLimits;
  redirectEnvelopeSender?: SieveOutboundDeps['redirectEnvelopeSender'];
  now?: () => Date;
}

/** What the MX's DATA handler calls (see session/smtp/on-data.ts). */
export interface SieveHook {
  /**
   * The scripts of these recipients (envelope address -> its mailboxes), or null when none has
   * an active script and the message can stream into the store as before.
   */
  prepare(recipients: ReadonlyMap<string, readonly User[]>, envelopeFrom: string, log: Logger): Promise<PreparedSieve | null>;
}

export interface PreparedSieve {
  readonly spool: MessageSpool;
  /**
   * Runs the scripts on the spooled message and delivers through `local`. `body` opens the
   * message as it is to be stored (trace fields first); `folder` is the default folder the
   * checks chose (Junk) or undefined for INBOX. `reject` is set (and nothing stored) when the
   * only recipient's script rejected the message: the caller answers with it.
   */
  deliver(local: LocalDelivery, body: () => AsyncIterable<Buffer>, message: SpooledMessage, folder?: string | null): Promise<{ receipt: DeliveryReceipt | null; reject: CheckResult | null }>;
}

interface RecipientRun {
  user: User;
  address: string;
  actions: SieveAction[] | null; // null: no script, or it failed (keep)
}

export function createSieveHook(deps: SieveDeliveryDeps): SieveHook {
  const cache = new SieveScriptCache();
  const now = deps.now ?? (() => new Date());
  const outbound: SieveOutboundDeps = {
    directory: deps.directory, mailStore: deps.mailStore, queue: deps.queue,
    ...(deps.onQueued ? { onQueued: deps.onQueued } : {}),
    ...(deps.redirectEnvelopeSender ? { redirectEnvelopeSender: deps.redirectEnvelopeSender } : {}),
  };

  return {
    async prepare(recipients, envelopeFrom, log) {
      const scripts = new Map<UserId, { name: string; source: string }>();
      const runs: { user: User; address: string }[] = [];
      const seen = new Set<UserId>();
      try {
        for (const [address, users] of recipients) {
          for (const user of users) {
            if (seen.has(user.id)) continue;
            seen.add(user.id);
            runs.push({ user, address });
            const active = await deps.store.activeScript(user.id);
            if (active) scripts.set(user.id, active);
          }
        }
      } catch (err) {
        // The scripts cannot be read: deliver as if there were none (INBOX), and say so.
        log.error('sieve scripts unavailable, delivering to INBOX', { err, outcome: 'sieve-error' });
        return null;
      }
      if (scripts.size === 0) return null;
      const single = recipients.size === 1 && runs.length === 1;

      return {
        spool: deps.spool,
        async deliver(local, body, message, folder) {
          const view = await viewOf(message, envelopeFrom);
          const results: RecipientRun[] = runs.map(({ user, address }) => {
            const script = scripts.get(user.id);
            if (!script) return { user, address, actions: null };
            const compiled = cache.compile(script.source);
            if (!compiled.ok) {
              log.error('sieve script does not compile, keeping in INBOX', { user: user.address, script: script.name, err: compiled.error, outcome: 'sieve-error' });
              return { user, address, actions: null };
            }
            try {
              const result = runSieve(compiled.script, { ...view, envelope: { from: envelopeFrom, to: address } }, deps.limits);
              log.info('sieve', { user: user.address, script: script.name, actions: result.actions.map(describe), outcome: 'sieve' });
              return { user, address, actions: result.actions };
            } catch (err) {
              log.error('sieve script failed, keeping in INBOX', { user: user.address, script: script.name, err, outcome: 'sieve-error' });
              return { user, address, actions: null };
            }
          });

          // Reject at SMTP time: only when this one recipient is the whole transaction.
          const rejecting = results.filter((r) => r.actions?.some((a) => a.type === 'reject'));
          if (single && rejecting.length === 1) {
            const reason = (rejecting[0]!.actions!.find((a) => a.type === 'reject') as { reason: string }).reason;
            await local.abort();
            return { receipt: null, reject: { action: 'reject', code: 550, enhanced: '5.7.1', message: oneLine(reason) || 'Message rejected by the recipient', reason: `sieve reject by ${rejecting[0]!.user.address}` } };
          }

          const targets = new Map<UserId, Omit<DeliveryTarget, 'userId'>[]>();
          const redirects: { by: User; to: string }[] = [];
          const vacations: { run: RecipientRun; params: VacationParams }[] = [];
          const rejections: { run: RecipientRun; reason: string }[] = [];
          const defaultFolder = folder ?? 'INBOX';
          const priorHops = view.headers.filter((h) => h.name.toLowerCase() === REDIRECT_HEADER.toLowerCase()).map((h) => h.value.toLowerCase());

          for (const run of results) {
            if (!run.actions) continue; // implicit: the default folder, as without a script
            const list: Omit<DeliveryTarget, 'userId'>[] = [];
            try {
              for (const a of run.actions) {
                if (a.type === 'keep') list.push({ folder: defaultFolder, flags: a.flags });
                else if (a.type === 'fileinto') list.push({ folder: await folderFor(deps.mailStore, run.user, a.mailbox, a.create, log), flags: a.flags });
                else if (a.type === 'redirect') {
                  if (priorHops.length >= MAX_REDIRECT_HOPS || priorHops.includes(run.user.address)) {
                    log.warn('sieve redirect loop, keeping instead', { user: run.user.address, to: a.address, hops: priorHops.length, outcome: 'sieve-loop' });
                    list.push({ folder: defaultFolder });
                  } else {
                    redirects.push({ by: run.user, to: a.address });
                  }
                } else if (a.type === 'vacation') vacations.push({ run, params: a.params });
                else if (a.type === 'reject') rejections.push({ run, reason: a.reason });
              }
            } catch (err) {
              log.error('sieve actions failed, keeping in INBOX', { user: run.user.address, err, outcome: 'sieve-error' });
              targets.set(run.user.id, [{ folder: 'INBOX' }]);
              continue;
            }
            targets.set(run.user.id, list);
          }

          // Redirects: local ones join the transaction, foreign ones are queued first (undone on failure).
          const queued: string[] = [];
          const undo = async () => { for (const id of queued) await deps.queue.remove(id).catch(() => undefined); };
          try {
            for (const r of redirects) {
              const resolution = await deps.directory.resolve(r.to);
              if (resolution.kind === 'mailboxes') {
                for (const u of resolution.users) {
                  // A recipient without its own targets would otherwise lose its default copy.
                  const base = targets.get(u.id) ?? (runs.some((x) => x.user.id === u.id) ? [{ folder: defaultFolder }] : []);
                  targets.set(u.id, [...base, { folder: 'INBOX' }]);
                }
                continue;
              }
              if (resolution.kind === 'unknown') { log.warn('sieve redirect to an unknown local address dropped', { user: r.by.address, to: r.to, outcome: 'sieve-redirect-unknown' }); continue; }
              const id = await deps.queue.enqueue(
                { from: redirectSender(outbound, envelopeFrom, r.by.address), recipients: [r.to] },
                redirected(body(), r.by.address),
              );
              queued.push(id);
              log.info('sieve redirect queued', { user: r.by.address, to: r.to, queueId: id, outcome: 'sieve-redirect' });
            }
          } catch (err) {
            await undo();
            throw err;
          }

          let receipt: DeliveryReceipt;
          try {
            receipt = await local.deliver(body(), { ...(folder ? { folder } : {}), targets });
          } catch (err) {
            await undo();
            throw err;
          }
          if (queued.length > 0) deps.onQueued?.();

          // After the commit: responses are best effort; the message itself is safe.
          for (const v of vacations) await sendVacation(v.run, v.params, view).catch((err: unknown) => log.error('vacation response failed', { user: v.run.user.address, err, outcome: 'sieve-error' }));
          for (const r of rejections) await sendRejection(r.run, r.reason, view).catch((err: unknown) => log.error('rejection notice failed', { user: r.run.user.address, err, outcome: 'sieve-error' }));
          return { receipt, reject: null };

          async function sendVacation(run: RecipientRun, params: VacationParams, v: SieveMessageView): Promise<void> {
            const own = [run.user.address, run.address, ...params.addresses];
            const decision = vacationDecision({ ...v, envelope: { from: envelopeFrom, to: run.address } }, own);
            if (!decision.reply) { log.info('vacation not sent', { user: run.user.address, why: decision.reason, outcome: 'vacation-skipped' }); return; }
            const handle = params.handle ?? createHash('sha256').update(JSON.stringify([params.subject, params.from, params.mime, params.reason])).digest('hex').slice(0, 32);
            const at = now();
            if (!await deps.store.claimVacationResponse(run.user.id, decision.to, handle, at, params.days * DAY_MS)) {
              log.info('vacation already sent', { user: run.user.address, to: decision.to, days: params.days, outcome: 'vacation-skipped' });
              return;
            }
            const text = buildVacationReply({ params, message: v, user: run.user.address, to: decision.to, date: at, messageId: `${randomBytes(12).toString('hex')}@${deps.hostname}` });
            // RFC 5230 section 5.1 / RFC 3834: responses go out from the null sender.
            const sent = await sendGenerated(outbound, { from: '', to: decision.to }, () => once(Buffer.from(text, 'utf8')));
            if (sent.queueId) deps.onQueued?.();
            log.info('vacation sent', { user: run.user.address, to: decision.to, queueId: sent.queueId, outcome: 'vacation-sent' });
          }

          async function sendRejection(run: RecipientRun, reason: string, v: SieveMessageView): Promise<void> {
            if (envelopeFrom === '') return;
            const subject = v.headers.find((h) => h.name.toLowerCase() === 'subject')?.value ?? '';
            const text = [
              `From: Mail Delivery System <MAILER-DAEMON@${deps.hostname}>`,
              `To: <${envelopeFrom}>`,
              `Subject: Rejected: ${oneLine(subject).slice(0, 200)}`,
              `Date: ${now().toUTCString().replace('GMT', '+0000')}`,
              `Message-ID: <${randomBytes(12).toString('hex')}@${deps.hostname}>`,
              'Auto-Submitted: auto-replied',
              'MIME-Version: 1.0',
              'Content-Type: text/plain; charset=utf-8',
              'Content-Transfer-Encoding: 8bit',
              '',
              `Your message to <${run.address}> was rejected by the recipient:`,
              '',
              ...reason.replace(/\r\n/g, '\n').split('\n'),
              '',
            ].join('\r\n');
            const sent = await sendGenerated(outbound, { from: '', to: envelopeFrom }, () => once(Buffer.from(text, 'utf8')));
            if (sent.queueId) deps.onQueued?.();
            log.info('sieve rejection notice sent', { user: run.user.address, to: envelopeFrom, queueId: sent.queueId, outcome: 'sieve-reject' });
          }
        },
      };
    },
  };
}

/** The folder for a fileinto: created first with :create; INBOX (logged) when it does not exist. */
async function folderFor(store: MailStore, user: User, mailbox: string, create: boolean, log: Logger): Promise<string> {
  if (mailbox.toUpperCase() === 'INBOX') return 'INBOX';
  if (await store.getFolder(user.id, mailbox)) return mailbox;
  if (create) {
    try {
      await store.createFolder(user.id, mailbox);
      return mailbox;
    } catch (err) {
      if (await store.getFolder(user.id, mailbox)) return mailbox; // created meanwhile
      log.warn('sieve fileinto :create failed, filing into INBOX', { user: user.address, folder: mailbox, err, outcome: 'sieve-fileinto-inbox' });
      return 'INBOX';
    }
  }
  log.warn('sieve fileinto a folder that does not exist, filing into INBOX', { user: user.address, folder: mailbox, outcome: 'sieve-fileinto-inbox' });
  return 'INBOX';
}

/** Header fields and size of the spooled message. */
async function viewOf(message: SpooledMessage, from: string): Promise<SieveMessageView> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of message.open()) {
    chunks.push(chunk);
    length += chunk.length;
    const joined = chunks.length === 1 ? chunk : Buffer.concat(chunks);
    if (joined.indexOf('\r\n\r\n') >= 0 || joined.indexOf('\n\n') >= 0 || length >= HEADER_SECTION_LIMIT) break;
  }
  return { headers: parseHeaderSection(Buffer.concat(chunks).subarray(0, HEADER_SECTION_LIMIT)), envelope: { from, to: '' }, size: message.size };
}

/**
 * The redirected copy: our loop-marker field first, then the stored form of the message without
 * its Return-Path (a relayed message must not carry one, RFC 5321 section 4.4).
 */
async function* redirected(body: AsyncIterable<Buffer>, by: string): AsyncGenerator<Buffer> {
  yield Buffer.from(`${REDIRECT_HEADER}: ${by}\r\n`, 'utf8');
  let first = true;
  for await (const chunk of body) {
    if (first) {
      first = false;
      if (chunk.subarray(0, 12).toString('latin1').toLowerCase() === 'return-path:') {
        const nl = chunk.indexOf(0x0a);
        if (nl >= 0) { yield chunk.subarray(nl + 1); continue; }
      }
    }
    yield chunk;
  }
}

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').trim().slice(0, 400);
}

function describe(a: SieveAction): string {
  switch (a.type) {
    case 'keep': return a.flags.length ? `keep ${a.flags.join(' ')}` : 'keep';
    case 'fileinto': return `fileinto ${a.mailbox}${a.flags.length ? ' ' + a.flags.join(' ') : ''}`;
    case 'redirect': return `redirect ${a.address}`;
    case 'reject': return 'reject';
    case 'vacation': return 'vacation';
    case 'discard': return 'discard';
  }
}
