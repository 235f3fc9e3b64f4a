// Inbound message authentication on the MX: SPF, DKIM, DMARC and ARC through mailauth, turned
// into an RFC 8601 Authentication-Results header and a CheckResult. DMARC fail under p=reject
// refuses the message (550 5.7.1); under p=quarantine it goes to Junk (or is accepted, by
// config); everything else is accepted with the header added. The message is read once, as a
// stream.
//
// mailauth is loaded when the first message needs it, not with the daemon: it pulls in Node's
// fetch (undici) and its own tree, which under the appliance's emulated first boot cost seconds
// before the listeners could open. Nor right after they open: loading is synchronous, and the
// appliance's boot test saw the first SMTP greeting wait 8 s for it. Natively the first message
// waits about 0.1 s, once.

import { Readable } from 'node:stream';
import type { authenticate, AuthenticateResult, MailauthResolver } from 'mailauth';
import type { Check, CheckContext, CheckResult } from './contracts.js';

export interface MessageAuthOptions {
  /** Our host name: the authserv-id of the header and the name in SPF comments. */
  hostname: string;
  /** DNS for every lookup (see mailauth-resolver.ts); inject one built on `dns.servers`. */
  resolver: MailauthResolver;
  /** What DMARC fail under p=quarantine does: file into Junk (default) or accept. */
  dmarcQuarantine?: 'junk' | 'accept';
  /**
   * Upper bound for one verification, DNS included. Past it (or when mailauth throws) the
   * message gets spf/dkim/dmarc=temperror and is accepted: a slow or dead resolver must delay
   * mail by seconds at most, never refuse it.
   */
  timeoutMs?: number;
  /** The authentication library; tests may replace it. */
  authenticate?: typeof authenticate;
}

export interface MessageAuthInput {
  /** The raw message, headers included, as received. */
  message: Buffer | AsyncIterable<Buffer>;
  /** The SMTP client's IP address. */
  ip: string;
  helo: string | null;
  /** The MAIL FROM address; '' or null for the null sender. */
  mailFrom: string | null;
}

export interface MessageAuthVerdict {
  /** The Authentication-Results field value (folded, without the field name or final CRLF). */
  authenticationResults: string;
  check: CheckResult;
  spf: string;
  dkim: string[];
  dmarc: string;
  arc: string;
  /** The DMARC policy that applied to the From domain (after sp=), or null when it has none. */
  dmarcPolicy: string | null;
}

export interface MessageAuthenticator {
  verify(input: MessageAuthInput): Promise<MessageAuthVerdict>;
}

export const AUTHENTICATION_RESULTS = 'Authentication-Results';

const DEFAULT_TIMEOUT_MS = 15_000;

/** When verification could not finish: say so (RFC 8601 temperror) and accept. */
function temperrorVerdict(hostname: string, why: string): MessageAuthVerdict {
  const spf = `spf=temperror (${why})`;
  const dkim = ['dkim=temperror'];
  const dmarc = 'dmarc=temperror';
  const arc = 'arc=none';
  const authenticationResults = [hostname, spf, ...dkim, dmarc, arc].join(';\r\n\t');
  return { authenticationResults, check: { action: 'add-headers', headers: [[AUTHENTICATION_RESULTS, authenticationResults]] }, spf, dkim, dmarc, arc, dmarcPolicy: null };
}

type Authenticate = typeof authenticate;

let loading: Promise<Authenticate> | undefined;
/** One import for the process, shared by every authenticator. */
function loadMailauth(): Promise<Authenticate> {
  loading ??= import('mailauth').then((m) => m.authenticate);
  return loading;
}

export function createMessageAuthenticator(options: MessageAuthOptions): MessageAuthenticator {
  const library = (): Promise<Authenticate> => (options.authenticate ? Promise.resolve(options.authenticate) : loadMailauth());
  const quarantine = options.dmarcQuarantine ?? 'junk';
  return {
    async verify(input) {
      let run: Authenticate;
      try {
        run = await library();
      } catch {
        return temperrorVerdict(options.hostname, 'verification unavailable');
      }
      const helo = input.helo?.trim() || undefined;
      // RFC 7208 2.4: for the null sender SPF checks postmaster@HELO.
      const sender = input.mailFrom || (helo ? `postmaster@${helo}` : undefined);
      const message = Buffer.isBuffer(input.message) ? input.message : Readable.from(input.message);
      const work = run(message, {
        ip: input.ip, helo, sender, mta: options.hostname, resolver: options.resolver,
        disableBimi: true, trustReceived: false,
      });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? DEFAULT_TIMEOUT_MS); });
      try {
        const result = await Promise.race([work, deadline]);
        if (result === 'timeout') {
          work.catch(() => undefined);
          return temperrorVerdict(options.hostname, 'verification timed out');
        }
        return verdictFor(result, options.hostname, quarantine);
      } catch {
        return temperrorVerdict(options.hostname, 'verification failed');
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** The same as a pipeline Check at the DATA stage. Authenticated submissions are not checked. */
export function createMessageAuthCheck(authenticator: MessageAuthenticator): Check {
  return {
    name: 'message-auth',
    async data(ctx: CheckContext, message) {
      if (ctx.authenticatedUser) return { action: 'accept' };
      const verdict = await authenticator.verify({ message: message.open(), ip: ctx.remoteAddress, helo: ctx.helo, mailFrom: ctx.mailFrom });
      return verdict.check;
    },
  };
}

function verdictFor(result: AuthenticateResult, hostname: string, quarantine: 'junk' | 'accept'): MessageAuthVerdict {
  const spf = result.spf ? oneLine(result.spf.info) : 'spf=none';
  const dkimRows = result.dkim.results ?? [];
  const dkim = dkimRows.length > 0 ? dkimRows.map((r) => oneLine(r.info)) : ['dkim=none'];
  const dmarc = result.dmarc && result.dmarc.info ? oneLine(result.dmarc.info) : 'dmarc=none';
  const arc = result.arc && result.arc.info ? oneLine(result.arc.info) : `arc=${result.arc ? result.arc.status.result : 'none'}`;
  // One method per line: a long signature list stays readable and under the line limit.
  const authenticationResults = [hostname, spf, ...dkim, dmarc, arc].join(';\r\n\t');
  const header: [string, string] = [AUTHENTICATION_RESULTS, authenticationResults];
  const dmarcPolicy = result.dmarc ? result.dmarc.policy ?? null : null;
  const fromDomain = result.dmarc ? result.dmarc.status.header?.from ?? result.dmarc.domain ?? '' : '';

  let check: CheckResult = { action: 'add-headers', headers: [header] };
  if (result.dmarc && result.dmarc.status.result === 'fail') {
    const reason = `dmarc=fail policy=${dmarcPolicy ?? 'none'} header.from=${fromDomain}`;
    if (dmarcPolicy === 'reject') {
      check = { action: 'reject', code: 550, enhanced: '5.7.1', message: `Message refused: the DMARC policy of ${fromDomain} says to reject mail that fails authentication`, reason };
    } else if (dmarcPolicy === 'quarantine' && quarantine === 'junk') {
      check = { action: 'junk', reason, headers: [header] };
    }
  }
  return { authenticationResults, check, spf, dkim, dmarc, arc, dmarcPolicy };
}

/** mailauth folds long results; the header is re-folded here, one method per line. */
function oneLine(text: string): string {
  return text.replace(/\r?\n[ \t]*/g, ' ').trim();
}
