// The DNS form of a DKIM public key (RFC 6376 3.6.1, RFC 8463 4): RSA keys are published as
// base64 of the SubjectPublicKeyInfo DER, Ed25519 keys as base64 of the bare 32-byte key.

import { createPublicKey, type KeyObject } from 'node:crypto';
import type { DkimAlgorithm } from './dkim-selector.js';

/** The `p=` value for a private or public key. */
export function dkimPublicKeyValue(key: KeyObject, algorithm: DkimAlgorithm): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const der = pub.export({ type: 'spki', format: 'der' });
  // An Ed25519 SPKI is a fixed 12-byte prefix and then the raw key.
  return (algorithm === 'ed25519' ? der.subarray(der.length - 32) : der).toString('base64');
}

/** The whole TXT record value for `SELECTOR._domainkey.DOMAIN`. */
export function dkimTxtValue(key: KeyObject, algorithm: DkimAlgorithm): string {
  return `v=DKIM1; k=${algorithm}; p=${dkimPublicKeyValue(key, algorithm)}`;
}
