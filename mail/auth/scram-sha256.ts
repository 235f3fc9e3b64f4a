// SCRAM-SHA-256 (RFC 5802 with RFC 7677's hash), the server side. The server keeps no password,
// only StoredKey and ServerKey derived from it, so a stolen directory does not let anyone log in
// with PLAIN, and the password never crosses the wire even inside TLS.
//
// Channel binding (SCRAM-SHA-256-PLUS) is not offered: a client that asks for it (gs2 flag `p`)
// is refused, and one that says it could have used it (`y`) while we do not advertise PLUS is
// accepted, as RFC 5802 section 6 says.
//
// Unknown users go through the same exchange with credentials derived from a per-process secret,
// so the server-first message does not reveal whether an account exists (RFC 5802 section 9).

import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { MailroomError } from '../../core/errors.js';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';

/** RFC 7677 asks for at least 4096; 8192 costs a client ~10 ms once per login. */
export const SCRAM_ITERATIONS = 8192;

export interface ScramCredentials {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** Why an exchange failed; the code is stable, the message safe to log. */
export class ScramError extends MailroomError {}

const hmac = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/** SASLprep's effect on what people type, approximated by NFKC (RFC 4013 maps with NFKC). */
function prepare(password: string): string {
  return password.normalize('NFKC');
}

export function deriveScramCredentials(password: string, options: { salt?: Buffer; iterations?: number } = {}): Promise<ScramCredentials> {
  const salt = options.salt ?? randomBytes(16);
  const iterations = options.iterations ?? SCRAM_ITERATIONS;
  return new Promise((resolve, reject) => {
    pbkdf2(prepare(password), salt, iterations, 32, 'sha256', (err, salted) => {
      if (err) return reject(err);
      const clientKey = hmac(salted, 'Client Key');
      resolve({ salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, 'Server Key') });
    });
  });
}

/** `iterations$salt$storedKey$serverKey` in base64: how the directory stores credentials. */
export function encodeScramCredentials(c: ScramCredentials): string {
  return [c.iterations, c.salt.toString('base64'), c.storedKey.toString('base64'), c.serverKey.toString('base64')].join('$');
}

export function decodeScramCredentials(text: string): ScramCredentials | null {
  const parts = text.split('$');
  if (parts.length !== 4) return null;
  const iterations = Number(parts[0]);
  if (!Number.isInteger(iterations) || iterations < 4096 || iterations > 1_000_000) return null;
  const [salt, storedKey, serverKey] = parts.slice(1).map((p) => Buffer.from(p, 'base64'));
  if (salt!.length < 8 || storedKey!.length !== 32 || serverKey!.length !== 32) return null;
  return { salt: salt!, iterations, storedKey: storedKey!, serverKey: serverKey! };
}

const FAKE_SECRET = randomBytes(32);

/** Stand-in credentials for an unknown user: stable per name, so probing twice looks the same. */
export function fakeScramCredentials(username: string): ScramCredentials {
  const seed = hmac(FAKE_SECRET, username);
  return { salt: seed.subarray(0, 16), iterations: SCRAM_ITERATIONS, storedKey: hmac(seed, 'stored'), serverKey: hmac(seed, 'server') };
}

/** `=2C` and `=3D` stand for `,` and `=` in a SCRAM username (RFC 5802 section 5.1). */
function decodeSaslName(text: string): string | null {
  if (/=(?!2C|3D)/.test(text)) return null;
  return text.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/** Splits `a=1,b=2` into a map, keeping attribute order irrelevant; null on malformed input. */
function attributes(text: string): Map<string, string> | null {
  const map = new Map<string, string>();
  for (const part of text.split(',')) {
    const m = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!m || map.has(m[1]!)) return null;
    map.set(m[1]!, m[2]!);
  }
  return map;
}

export interface ClientFirst {
  username: string;
  /** The authorization identity, if the client sent one (we only accept it equal to the username). */
  authzid: string | null;
  gs2Header: string;
  clientNonce: string;
  bare: string;
}

export function parseClientFirst(message: string): ClientFirst {
  const m = /^([nyp])(=[^,]*)?,(a=[^,]*)?,(.*)$/s.exec(message);
  if (!m) throw new ScramError('scram_malformed', 'malformed client-first message');
  if (m[1] === 'p') throw new ScramError('scram_channel_binding', 'channel binding is not supported');
  if (m[2]) throw new ScramError('scram_malformed', 'malformed gs2 header');
  const bare = m[4]!;
  if (bare.startsWith('m=')) throw new ScramError('scram_extension', 'mandatory extension not supported');
  const attrs = attributes(bare);
  const rawName = attrs?.get('n');
  const nonce = attrs?.get('r');
  if (!attrs || rawName === undefined || nonce === undefined || !/^[\x21-\x2b\x2d-\x7e]+$/.test(nonce)) {
    throw new ScramError('scram_malformed', 'malformed client-first message');
  }
  const username = decodeSaslName(rawName);
  const authzid = m[3] ? decodeSaslName(m[3].slice(2)) : null;
  if (!username || (m[3] && !authzid)) throw new ScramError('scram_malformed', 'malformed user name');
  return { username, authzid, gs2Header: message.slice(0, message.length - bare.length), clientNonce: nonce, bare };
}

/** One server-side exchange: client-first in, server-first out, client-final in, server-final out. */
export class ScramServerExchange {
  private readonly nonce: string;
  private readonly serverFirst: string;

  constructor(private readonly first: ClientFirst, private readonly credentials: ScramCredentials, serverNonce = randomBytes(18).toString('base64')) {
    this.nonce = first.clientNonce + serverNonce;
    this.serverFirst = `r=${this.nonce},s=${credentials.salt.toString('base64')},i=${credentials.iterations}`;
  }

  serverFirstMessage(): string {
    return this.serverFirst;
  }

  /**
   * Checks the client's proof. Returns the server-final message (`v=...`) when it is right;
   * throws ScramError with code scram_bad_proof when it is not.
   */
  finish(clientFinal: string): string {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('scram_malformed', 'malformed client-final message');
    const withoutProof = clientFinal.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (!attrs || attrs.get('r') !== this.nonce) throw new ScramError('scram_nonce', 'nonce mismatch');
    const binding = attrs.get('c');
    if (binding !== Buffer.from(this.first.gs2Header).toString('base64')) throw new ScramError('scram_channel_binding', 'channel binding mismatch');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const authMessage = `${this.first.bare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.credentials.storedKey, authMessage);
    if (proof.length !== signature.length) throw new ScramError('scram_bad_proof', 'wrong proof');
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ signature[i]!;
    if (!timingSafeEqual(sha256(clientKey), this.credentials.storedKey)) throw new ScramError('scram_bad_proof', 'wrong proof');
    return `v=${hmac(this.credentials.serverKey, authMessage).toString('base64')}`;
  }
}
