// When the TLS certificate in use (config tls.cert) stops being valid.

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export async function readCertificateExpiry(file: string): Promise<{ validTo: Date } | { error: string }> {
  try {
    const cert = new X509Certificate(await readFile(file));
    return { validTo: new Date(cert.validTo) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `${file} does not exist` : code === 'EACCES' ? `${file} is not readable by the agent` : `${file} is not a PEM certificate` };
  }
}
