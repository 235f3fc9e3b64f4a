// Cross-site request forgery defence for state-changing requests (and the websocket, which
// browsers open cross-origin without asking). Browsers send Origin on every POST, PUT, DELETE
// and websocket handshake; it must be this server as the browser reached it: https and the
// Host the request was sent to. A request with no Origin is not from a browser page (curl, a
// script) unless Sec-Fetch-Site says it came from another site. Together with SameSite=Strict
// this refuses writes that another site makes the admin's browser send.

import type { IncomingHttpHeaders } from 'node:http';

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

export function checkOrigin(headers: IncomingHttpHeaders): OriginVerdict {
  const origin = headers.origin;
  const host = headers.host;
  const fetchSite = headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && fetchSite === 'cross-site') return { ok: false, reason: 'the request came from another site' };
  if (origin === undefined) return { ok: true };
  if (!host) return { ok: false, reason: 'no Host header' };
  if (origin === 'null') return { ok: false, reason: 'an opaque origin' };
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return { ok: false, reason: 'a malformed Origin header' };
  }
  if (url.protocol !== 'https:' || url.host.toLowerCase() !== host.toLowerCase()) return { ok: false, reason: `a foreign origin (${origin})` };
  return { ok: true };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string | undefined): boolean {
  return !SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}
