// Checks a certificate chain and private key before anything installs them: the chain is one or
// more PEM CERTIFICATE blocks and nothing else, every block parses, and the key (PEM, not
// encrypted) belongs to the first (leaf) certificate. Used by the agent's direct install and by
// the helper's tls.install, which must not write garbage or a mismatched pair as root.

import { X509Certificate, createPrivateKey } from 'node:crypto';
import { MailroomError } from '../../core/errors.js';

export class CertificateInstallError extends MailroomError {}

/** Far above any real chain (a leaf with 100 names plus two intermediates is about 10 KiB). */
export const MAX_CERTIFICATE_CHAIN_CHARS = 64 * 1024;
/** An RSA-8192 key in PEM is about 6.5 KiB. */
export const MAX_PRIVATE_KEY_CHARS = 16 * 1024;
const MAX_CHAIN_LENGTH = 10;

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----/g;
const KEY_PEM = /^\s*-----BEGIN (?:RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (?:RSA |EC )?PRIVATE KEY-----\s*$/;

function invalid(message: string, cause?: unknown): CertificateInstallError {
  return new CertificateInstallError('tls_pair_invalid', `refusing to install the certificate: ${message}`, cause === undefined ? undefined : { cause });
}

/** Throws tls_pair_invalid unless `pem` is a parseable chain with its leaf's private key. */
export function validateTlsPair(pem: { cert: string; key: string }): void {
  if (pem.cert.length > MAX_CERTIFICATE_CHAIN_CHARS) throw invalid(`the certificate chain is larger than ${MAX_CERTIFICATE_CHAIN_CHARS} bytes`);
  if (pem.key.length > MAX_PRIVATE_KEY_CHARS) throw invalid(`the private key is larger than ${MAX_PRIVATE_KEY_CHARS} bytes`);
  const blocks = pem.cert.match(CERT_BLOCK) ?? [];
  // Whatever is not a certificate block must be blank: no key, no text riding along in the file.
  if (blocks.length === 0 || pem.cert.replace(CERT_BLOCK, '').trim() !== '') throw invalid('the certificate is not a PEM certificate chain');
  if (blocks.length > MAX_CHAIN_LENGTH) throw invalid(`the chain has more than ${MAX_CHAIN_LENGTH} certificates`);
  if (!KEY_PEM.test(pem.key)) throw invalid('the private key is not an unencrypted PEM private key');
  let leaf: X509Certificate;
  try {
    const certs = blocks.map((b) => new X509Certificate(b));
    leaf = certs[0]!;
  } catch (err) {
    throw invalid(`a certificate of the chain does not parse (${(err as Error).message})`, err);
  }
  let matches: boolean;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(pem.key));
  } catch (err) {
    throw invalid(`the private key does not parse (${(err as Error).message})`, err);
  }
  if (!matches) throw invalid('the private key does not belong to the certificate');
}
