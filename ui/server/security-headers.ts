// Headers on every HTTPS answer: the panel runs only its own scripts, is never framed, leaks
// no referrer, and no type is sniffed. HSTS is left out on purpose while the certificate may
// still be the self-signed one from `mailroom init`: browsers refuse to let anyone past a
// certificate warning on an HSTS host, which would lock the admin out of a fresh appliance.

import type { RequestHandler } from 'express';

const HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set(HEADERS);
  next();
};
