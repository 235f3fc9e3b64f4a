// What the certificate file in use says about itself: subject, names, issuer, validity. Read
// from the file (not from a running server), so `mailroom tls status` works with every daemon
// stopped; and whether it is due for renewal.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { MailroomError } from '../../core/errors.js';
import type { TlsCertificateStatus } from '../../ui/shared/api-types.js';
import { coversNames } from './certificate-names.js';

const DAY_MS = 86_400_000;
/** Renew when fewer days than this remain (Let's Encrypt's certificates last 90). */
export const RENEW_BEFORE_DAYS = 30;

export class CertificateReadError extends MailroomError {}

function commonName(dn: string): string {
  return /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn.replace(/\n/g, ', ');
}

/** Describes the leaf (first) certificate of a PEM chain. */
export function describeCertificate(file: string, pem: Buffer | string, now = new Date()): TlsCertificateStatus {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw new CertificateReadError('tls_cert_invalid', `${file} is not a PEM certificate`, { cause: err });
  }
  const notAfter = new Date(cert.validTo);
  return {
    file,
    subject: commonName(cert.subject),
    names: (cert.subjectAltName ?? '').split(/,\s*/).filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4)),
    issuer: commonName(cert.issuer),
    selfSigned: cert.issuer === cert.subject && cert.checkIssued(cert),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    fingerprint256: cert.fingerprint256,
  };
}

export async function readCertificateStatus(file: string, now = new Date()): Promise<TlsCertificateStatus> {
  let pem: Buffer;
  try {
    pem = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CertificateReadError('tls_cert_unreadable', code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${code ?? 'error'})`, { cause: err });
  }
  return describeCertificate(file, pem, now);
}

/**
 * Why a new certificate is needed, or null: none readable, self-signed (from `mailroom init`),
 * fewer than RENEW_BEFORE_DAYS left, or a wanted name missing (a domain was added).
 */
export function renewalReason(status: TlsCertificateStatus | null, wanted: readonly string[]): string | null {
  if (!status) return 'no usable certificate';
  if (status.selfSigned) return 'the certificate is self-signed';
  if (status.daysLeft < RENEW_BEFORE_DAYS) return `the certificate expires in ${status.daysLeft} day(s)`;
  if (!coversNames(status.names, wanted)) return 'the certificate lacks some names';
  return null;
}
