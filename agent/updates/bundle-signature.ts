// Ed25519 keys and signatures of update bundles. The release side signs the manifest's exact
// bytes with its private key; the appliance verifies them against its trusted public keys
// (config `updates.trustedKeys`, and the key files of `updates.keysDir` shipped in the image).
// A key is identified by the first 16 hex digits of the SHA-256 of its raw 32 bytes.

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UpdateError } from './update-errors.js';

export interface TrustedKey {
  id: string;
  key: KeyObject;
  /** Where it came from, for messages: "config" or the key file. */
  source: string;
}

/** What manifest.sig holds. */
export const signatureSchema = z.strictObject({
  alg: z.literal('ed25519'),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
export type BundleSignature = z.output<typeof signatureSchema>;

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw key follows it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

export function keyId(key: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(key)).digest('hex').slice(0, 16);
}

/** A public key as PEM, as base64 of its raw 32 bytes, or as base64 of its SPKI DER. */
export function parsePublicKey(text: string, source: string): TrustedKey {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      key = createPublicKey(trimmed);
    } else {
      const bytes = Buffer.from(trimmed, 'base64');
      const der = bytes.length === 32 ? Buffer.concat([SPKI_PREFIX, bytes]) : bytes;
      key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch (err) {
    throw new UpdateError('bundle_key_unknown', `cannot read the trusted key from ${source}: ${(err as Error).message}`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UpdateError('bundle_key_unknown', `the trusted key from ${source} is ${key.asymmetricKeyType ?? 'not a public key'}, not Ed25519`);
  return { id: keyId(key), key, source };
}

/** The keys of config and of the keys directory (*.pub and *.pem files; a missing directory is none). */
export function loadTrustedKeys(configKeys: readonly string[], keysDir: string | null): TrustedKey[] {
  const keys = configKeys.map((k, i) => parsePublicKey(k, `updates.trustedKeys[${i}]`));
  if (keysDir) {
    let names: string[] = [];
    try {
      names = readdirSync(keysDir).filter((n) => /\.(pub|pem)$/.test(n)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const n of names) keys.push(parsePublicKey(readFileSync(path.join(keysDir, n), 'utf8'), path.join(keysDir, n)));
  }
  return keys;
}

/** Refuses unless the signature is valid for the manifest's bytes under one trusted key. */
export function verifyManifestSignature(manifest: Buffer, signatureBytes: Buffer, keys: readonly TrustedKey[]): TrustedKey {
  let sig: BundleSignature;
  try {
    sig = signatureSchema.parse(JSON.parse(signatureBytes.toString('utf8')));
  } catch {
    throw new UpdateError('bundle_malformed', 'manifest.sig is not an Ed25519 signature record ({alg, keyId, signature})');
  }
  if (keys.length === 0) throw new UpdateError('bundle_key_unknown', 'no update signing key is trusted (set updates.trustedKeys or put a key in updates.keysDir)');
  const key = keys.find((k) => k.id === sig.keyId);
  if (!key) throw new UpdateError('bundle_key_unknown', `the bundle is signed by key ${sig.keyId}, which is not trusted (trusted: ${keys.map((k) => k.id).join(', ')})`);
  const raw = Buffer.from(sig.signature, 'base64');
  if (raw.length !== 64 || !verify(null, manifest, key.key, raw)) {
    throw new UpdateError('bundle_signature_invalid', `the bundle's signature does not match its manifest under key ${key.id}: it was changed after signing, or signed wrongly`);
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// The release side

export interface SigningKey {
  id: string;
  privateKey: KeyObject;
}

export function generateSigningKey(): { privatePem: string; publicPem: string; id: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    id: keyId(publicKey),
  };
}

export function parseSigningKey(pem: string, source: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new UpdateError('bundle_key_unknown', `cannot read the signing key ${source}: ${(err as Error).message}`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new UpdateError('bundle_key_unknown', `the signing key ${source} is not Ed25519`);
  return { id: keyId(createPublicKey(privateKey)), privateKey };
}

export function signManifest(manifest: Buffer, key: SigningKey): Buffer {
  const record: BundleSignature = { alg: 'ed25519', keyId: key.id, signature: sign(null, manifest, key.privateKey).toString('base64') };
  return Buffer.from(JSON.stringify(record) + '\n');
}
