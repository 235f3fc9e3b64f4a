// DKIM signing of outgoing mail (RFC 6376, RFC 8463): one signature per active key of the
// domain, rsa-sha256 and ed25519-sha256, relaxed/relaxed. The message is read once; the body is
// hashed as it streams (both algorithms hash the same relaxed body with SHA-256, so one hash
// serves every signature). The caller prepends the returned header lines to the message.
//
// Written here rather than with mailauth's signer because that one lists in h= only the fields
// present, and From must be over-signed (named once more than it occurs) so that nobody can add
// a second From that some reader would display.

import { createHash, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { MailroomError } from '../../core/errors.js';
import { relaxedHeader, RelaxedBodyHash, type HeaderField } from './dkim-canonical.js';
import { readHeadersThenBody, type MessageInput } from './dkim-message-reader.js';

export type { MessageInput } from './dkim-message-reader.js';

/** A key to sign with; store/fs/dkim-key-store.ts's DkimSigningKey has this shape. */
export interface DkimKey {
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  privateKey: KeyObject;
}

/** Where the signer finds a domain's active keys (FsDkimKeyStore in production). */
export interface DkimKeySource {
  activeKeys(domain: string): Promise<DkimKey[]>;
}

export interface DkimSigner {
  /**
   * `DKIM-Signature:` header lines (each ending in CRLF) to put in front of the message, one per
   * active key of `domain`; '' when the domain has no keys.
   */
  sign(domain: string, message: MessageInput): Promise<string>;
}

/** Signed when present. Each present field is signed as often as it occurs. */
export const SIGNED_HEADERS = [
  'from', 'sender', 'reply-to', 'subject', 'date', 'message-id', 'to', 'cc',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-id', 'content-description',
  'in-reply-to', 'references',
  'list-id', 'list-help', 'list-unsubscribe', 'list-unsubscribe-post', 'list-subscribe', 'list-post', 'list-owner', 'list-archive',
] as const;

/** Named once more than they occur, so that adding one breaks the signature. */
export const OVERSIGNED_HEADERS = ['from'] as const;

export interface DkimSignerOptions {
  keys: DkimKeySource;
  now?: () => Date;
  /** Header fields to sign (lower case); default SIGNED_HEADERS. */
  headers?: readonly string[];
  oversign?: readonly string[];
  /**
   * Sign RSA on the calling thread rather than on libuv's pool: for a thread that does nothing
   * else (the signing worker, dkim-sign-worker.ts), where a pool trip only adds a hand-off.
   */
  rsaInline?: boolean;
}

export function createDkimSigner(options: DkimSignerOptions): DkimSigner {
  const now = options.now ?? (() => new Date());
  const signedNames = options.headers ?? SIGNED_HEADERS;
  const oversigned = new Set<string>(options.oversign ?? OVERSIGNED_HEADERS);

  return {
    async sign(domain, message) {
      const keys = await options.keys.activeKeys(domain);
      if (keys.length === 0) {
        // Still drain a stream, so a caller piping a file does not leave it open.
        if (!Buffer.isBuffer(message) && typeof message !== 'string') for await (const _ of message) { /* discard */ }
        return '';
      }
      const body = new RelaxedBodyHash('sha256');
      const fields = await readHeadersThenBody(message, (chunk) => body.update(chunk));
      if (!fields.some((f) => f.key === 'from')) throw new MailroomError('dkim_no_from', 'cannot DKIM-sign a message without a From header');
      const bh = body.digest();
      const h = headerList(fields, signedNames, oversigned);
      const signedPart = canonicalHeaders(fields, h);
      const t = Math.floor(now().getTime() / 1000);
      return (await Promise.all(keys.map((key) => signatureLine(domain, key, h, bh, t, signedPart, options.rsaInline === true)))).join('');
    },
  };
}

/** h=: each signed field name as often as it occurs, plus once more for over-signed ones. */
function headerList(fields: HeaderField[], names: readonly string[], oversigned: Set<string>): string[] {
  const out: string[] = [];
  for (const name of names) {
    const count = fields.filter((f) => f.key === name).length;
    if (count === 0 && !oversigned.has(name)) continue;
    for (let i = 0; i < count + (oversigned.has(name) ? 1 : 0); i++) out.push(name);
  }
  return out;
}

/** The canonical header fields in h= order, each instance taken from the bottom up (RFC 6376 5.4.2). */
function canonicalHeaders(fields: HeaderField[], h: string[]): string {
  const used = new Set<number>();
  let out = '';
  for (const name of h) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (fields[i]!.key === name && !used.has(i)) {
        used.add(i);
        out += relaxedHeader(fields[i]!.raw) + '\r\n';
        break;
      }
    }
    // A name with no instance left (over-signing) contributes nothing.
  }
  return out;
}

async function signatureLine(domain: string, key: DkimKey, h: string[], bh: string, t: number, signedPart: string, rsaInline: boolean): Promise<string> {
  const a = key.algorithm === 'rsa' ? 'rsa-sha256' : 'ed25519-sha256';
  // The header is folded only where it has a space, so relaxed canonicalization of what we
  // write is exactly what we sign.
  const unsigned = `DKIM-Signature: v=1; a=${a}; c=relaxed/relaxed; d=${domain}; s=${key.selector};\r\n` +
    ` t=${t}; h=${h.join(':')};\r\n bh=${bh};\r\n b=`;
  const data = Buffer.from(signedPart + relaxedHeader(unsigned), 'latin1');
  const signature = key.algorithm === 'rsa'
    ? (rsaInline ? cryptoSign('sha256', data, key.privateKey) : await signAsync('sha256', data, key.privateKey))
    // RFC 8463: Ed25519 signs the SHA-256 hash of the data (PureEdDSA over the digest). In line:
    // an Ed25519 signature costs about 50 µs, less than a trip through the thread pool.
    : cryptoSign(null, createHash('sha256').update(data).digest(), key.privateKey);
  // Whitespace inside b= is ignored by verifiers, so the long value may be folded.
  const b = signature.toString('base64').replace(/(.{72})(?=.)/g, '$1\r\n  ');
  return unsigned + b + '\r\n';
}

/**
 * crypto.sign's callback form runs on libuv's thread pool: an RSA-2048 signature costs about a
 * millisecond of CPU, which the event loop (every other session) need not wait for.
 */
function signAsync(algorithm: string | null, data: Buffer, key: KeyObject): Promise<Buffer> {
  return new Promise((resolve, reject) => cryptoSign(algorithm, data, key, (err, signature) => (err ? reject(err) : resolve(signature))));
}
