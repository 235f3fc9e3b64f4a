// The HTTPS half of MTA-STS (RFC 8461 §3.3): GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt
// with the certificate checked against the name (a policy from an unauthenticated server would
// let whoever sits on the path downgrade the delivery), no redirects, a 200 with text/plain, at
// most 64 KB, within 10 s. The host is resolved through the queue's own DnsLookup so
// `dns.servers` governs this lookup too, like every other lookup the queue makes.

import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { MailroomError } from '../../core/errors.js';
import type { DnsLookup } from './dns-lookup.js';
import type { PolicyFetcher } from './mta-sts-source.js';

export class PolicyFetchError extends MailroomError {}

export interface PolicyFetcherOptions {
  dns: DnsLookup;
  /** Largest policy body; RFC 8461 §3.3 suggests 64 KB. */
  maxBytes?: number;
  timeoutMs?: number;
  /** Trust anchors other than the system's (tests pass their own CA). */
  ca?: string | Buffer;
  /** Port other than 443 (tests). */
  port?: number;
}

/** Resolves through our DnsLookup: AAAA and A both asked, IPv6 first as the MX delivery does. */
function lookupThrough(dns: DnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options === 'object' ? options.family : 0;
    const v6 = family === 4 ? Promise.resolve([]) : dns.resolve6(hostname).catch(() => [] as string[]);
    const v4 = family === 6 ? Promise.resolve([]) : dns.resolve4(hostname).catch(() => [] as string[]);
    Promise.all([v6, v4]).then(([six, four]) => {
      const all = [...six.map((a) => ({ address: a, family: 6 })), ...four.map((a) => ({ address: a, family: 4 }))];
      if (all.length === 0) {
        const err = Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' });
        return (callback as (e: Error) => void)(err);
      }
      if (typeof options === 'object' && options.all) return (callback as (e: null, a: typeof all) => void)(null, all);
      callback(null, all[0]!.address, all[0]!.family);
    }, (err: Error) => (callback as (e: Error) => void)(err));
  };
}

export function createPolicyFetcher(options: PolicyFetcherOptions): PolicyFetcher {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const lookup = lookupThrough(options.dns);
  return (url) => new Promise<string>((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'https:' || net.isIP(target.hostname)) {
      return reject(new PolicyFetchError('mta_sts_fetch_url', `not a policy URL: ${url}`));
    }
    const fail = (code: string, message: string) => {
      req.destroy();
      reject(new PolicyFetchError(code, message));
    };
    const req = https.request({
      host: target.hostname,
      servername: target.hostname,
      port: options.port ?? 443,
      path: target.pathname,
      method: 'GET',
      lookup,
      ...(options.ca ? { ca: options.ca } : {}),
      headers: { 'user-agent': 'Mailroom MTA-STS', accept: 'text/plain' },
      agent: false,
      timeout: timeoutMs,
    }, (res) => {
      if (res.statusCode !== 200) return fail('mta_sts_fetch_status', `policy fetch got HTTP ${res.statusCode ?? '?'} (redirects are not followed)`);
      const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (type !== 'text/plain') return fail('mta_sts_fetch_type', `policy served as ${JSON.stringify(type)}, not text/plain`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return fail('mta_sts_fetch_size', `policy larger than ${maxBytes} bytes`);
        chunks.push(chunk);
      });
      res.on('end', () => { if (size <= maxBytes) resolve(Buffer.concat(chunks).toString('utf8')); });
      res.on('error', (err) => reject(new PolicyFetchError('mta_sts_fetch_failed', `policy fetch failed: ${err.message}`, { cause: err })));
    });
    // `timeout` only covers idle sockets; the whole exchange gets one deadline too.
    const deadline = setTimeout(() => fail('mta_sts_fetch_timeout', `policy fetch took longer than ${timeoutMs} ms`), timeoutMs);
    deadline.unref();
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => fail('mta_sts_fetch_timeout', `policy fetch took longer than ${timeoutMs} ms`));
    req.on('error', (err) => reject(new PolicyFetchError('mta_sts_fetch_failed', `policy fetch failed: ${err.message}`, { cause: err })));
    req.end();
  });
}
