// The mail daemon's TLS certificate as a value that can change while the daemon runs. Every
// listener and STARTTLS path asks for (or is told about) the current context at handshake time,
// so a renewed certificate applies to the next handshake while open connections keep the one
// they negotiated. reload() reads the key and certificate again (through the reader the
// composition root hands in: only it touches the disk) and keeps the old context when the new
// pair is unreadable or does not match, so a half-finished renewal never takes TLS down.

import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { MailroomError } from '../../core/errors.js';

export interface TlsCredentials {
  key: string | Buffer;
  cert: string | Buffer;
}

/** What is being served, for logs and the control API. */
export interface TlsCertificateInfo {
  /** SHA-256 of the leaf certificate (DER), hex with colons as openssl prints it. */
  fingerprint256: string;
  subject: string;
  issuer: string;
  names: string[];
  notAfter: string;
}

export class TlsReloadError extends MailroomError {}

export interface TlsContextSourceOptions {
  /** Reads the PEM key and certificate chain; throws when they cannot be read. */
  read: () => TlsCredentials;
  /** Options every context gets besides key and cert. */
  minVersion?: tls.SecureVersion;
}

type Listener = (credentials: TlsCredentials, context: tls.SecureContext, info: TlsCertificateInfo) => void;

export class TlsContextSource {
  private credentials: TlsCredentials | null = null;
  private context: tls.SecureContext | null = null;
  private info: TlsCertificateInfo | null = null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly options: TlsContextSourceOptions) {}

  /** The first read at start; null (no TLS) when the files cannot be used, with the reason. */
  load(): { credentials: TlsCredentials; context: tls.SecureContext } | { error: TlsReloadError } {
    try {
      this.install(this.build());
      return { credentials: this.credentials!, context: this.context! };
    } catch (err) {
      return { error: err as TlsReloadError };
    }
  }

  get current(): { credentials: TlsCredentials; context: tls.SecureContext; info: TlsCertificateInfo } | null {
    return this.credentials && this.context && this.info ? { credentials: this.credentials, context: this.context, info: this.info } : null;
  }

  /** Called with every new certificate after reload(). */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /**
   * Reads the files again and hands the new context to every listener. Throws TlsReloadError
   * (and keeps serving the old certificate) when they are unreadable or do not match.
   */
  reload(): TlsCertificateInfo {
    const next = this.build();
    this.install(next);
    for (const l of this.listeners) l(next.credentials, next.context, next.info);
    return next.info;
  }

  private install(next: { credentials: TlsCredentials; context: tls.SecureContext; info: TlsCertificateInfo }): void {
    this.credentials = next.credentials;
    this.context = next.context;
    this.info = next.info;
  }

  private build(): { credentials: TlsCredentials; context: tls.SecureContext; info: TlsCertificateInfo } {
    let credentials: TlsCredentials;
    try {
      credentials = this.options.read();
    } catch (err) {
      throw new TlsReloadError('tls_unreadable', `cannot read the TLS key or certificate: ${(err as Error).message}`, { cause: err });
    }
    let context: tls.SecureContext;
    try {
      // createSecureContext refuses a key that does not belong to the certificate.
      context = tls.createSecureContext({ key: credentials.key, cert: credentials.cert, minVersion: this.options.minVersion ?? 'TLSv1.2' });
    } catch (err) {
      throw new TlsReloadError('tls_invalid', `the TLS key and certificate cannot be used together: ${(err as Error).message}`, { cause: err });
    }
    return { credentials, context, info: describeCertificate(credentials.cert) };
  }
}

/** The leaf (first) certificate of a PEM chain, described. */
export function describeCertificate(pem: string | Buffer): TlsCertificateInfo {
  const cert = new X509Certificate(pem);
  const cn = (dn: string) => /(?:^|\n)CN=([^\n]*)/.exec(dn)?.[1] ?? dn;
  const names = (cert.subjectAltName ?? '').split(/,\s*/).filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  return {
    fingerprint256: cert.fingerprint256,
    subject: cn(cert.subject),
    issuer: cn(cert.issuer),
    names,
    notAfter: new Date(cert.validTo).toISOString(),
  };
}
