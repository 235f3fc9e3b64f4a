// SASL PLAIN (RFC 4616) as POP3 carries it (RFC 5034): base64 of authzid NUL authcid NUL passwd.
// Pure. We only allow acting as oneself, so an authzid must be empty or equal the authcid.

export type PlainResult = { ok: true; username: string; password: string } | { ok: false; reason: 'base64' | 'format' | 'authzid' };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function decodeSaslPlain(encoded: string): PlainResult {
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) return { ok: false, reason: 'base64' };
  const parts = Buffer.from(encoded, 'base64').toString('utf8').split('\0');
  if (parts.length !== 3) return { ok: false, reason: 'format' };
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '' || password === '') return { ok: false, reason: 'format' };
  if (authzid !== '' && authzid !== authcid) return { ok: false, reason: 'authzid' };
  return { ok: true, username: authcid, password };
}
