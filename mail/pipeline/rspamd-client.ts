// The spam check's client: POST /checkv2 on rspamd's normal worker with the raw message as the
// body and the SMTP envelope in request headers (rspamd's HTTP protocol: IP, Helo, Hostname,
// From, one Rcpt per recipient, Queue-Id, MTA-Name). rspamd then judges the message as the
// MTA saw it, without the trace fields Mailroom adds afterwards. With Mailroom's own SPF, DKIM
// and DMARC results (envelope.authentication) the SPF, DKIM and DMARC request headers of
// rspamd's http_headers module carry them (rspamd-auth-headers.ts).

import { createRspamdHttp, RspamdError, type MessageSource } from './rspamd-http.js';
import { parseRspamdReply, type RspamdReply } from './rspamd-reply.js';
import { rspamdAuthHeaders, type VerifiedResults } from './rspamd-auth-headers.js';

export interface RspamdEnvelope {
  ip: string;
  helo: string | null;
  /** The client's verified host name (PTR), or null: rspamd then looks it up itself. */
  hostname: string | null;
  /** MAIL FROM; "" for the null sender. */
  mailFrom: string | null;
  recipients: readonly string[];
  queueId: string | null;
  /** The authenticated user, if any (rspamd scores those differently). */
  user: string | null;
  /** Mailroom's verification of the message, when it ran (inbound.verify). */
  authentication?: VerifiedResults | null;
}

export interface RspamdScanner {
  check(message: MessageSource, envelope: RspamdEnvelope): Promise<RspamdReply>;
  close(): void;
}

export interface RspamdScannerOptions {
  /** The normal worker, e.g. "http://127.0.0.1:11333". */
  url: string;
  timeoutMs: number;
  /** Our host name, sent as MTA-Name. */
  mtaName: string;
}

export function createRspamdScanner(options: RspamdScannerOptions): RspamdScanner {
  const http = createRspamdHttp({ url: options.url, timeoutMs: options.timeoutMs });
  return {
    async check(message, env) {
      const headers: Record<string, string | string[]> = { IP: env.ip, 'MTA-Name': headerSafe(options.mtaName) };
      if (env.helo) headers.Helo = headerSafe(env.helo);
      if (env.hostname) headers.Hostname = headerSafe(env.hostname);
      // The null sender in its SMTP form, which rspamd's address parser knows.
      if (env.mailFrom !== null) headers.From = env.mailFrom === '' ? '<>' : headerSafe(env.mailFrom);
      if (env.recipients.length > 0) headers.Rcpt = env.recipients.map(headerSafe);
      if (env.queueId) headers['Queue-Id'] = headerSafe(env.queueId);
      if (env.user) headers.User = headerSafe(env.user);
      if (env.authentication) Object.assign(headers, rspamdAuthHeaders(env.authentication));
      const res = await http.post('/checkv2', message, headers);
      if (res.status !== 200) {
        throw new RspamdError('rspamd_http_status', `rspamd answered HTTP ${res.status} ${res.statusMessage}`.trim());
      }
      return parseRspamdReply(res.body);
    },
    close: () => http.close(),
  };
}

/** HELO names and addresses come from the client: nothing that could break the request header. */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}
