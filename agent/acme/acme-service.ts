// Certificates from the ACME CA for this server: which names are wanted, whether the file in
// use needs renewing, and one issuance at a time (order, install at tls.cert/tls.key, then the
// onInstalled hook tells the daemons). Used by the agent (scheduled renewals and the panel) and
// by `mailroom tls issue`; each hands in how to list the domains and what to do after installing.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MailroomError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { TlsCertificateStatus, TlsStatus } from '../../ui/shared/api-types.js';
import { loadOrCreateAccountKey } from './account-key-store.js';
import { AcmeError, describeFailure, orderCertificate, type AcmeOrderOptions } from './acme-order.js';
import { directCertificateInstaller, type CertificateInstaller } from './certificate-installer.js';
import { certificateNames, MAX_CERTIFICATE_NAMES } from './certificate-names.js';
import { readCertificateStatus, renewalReason } from './certificate-status.js';
import type { ChallengeStore } from './challenge-store.js';

export interface AcmeSettings {
  enabled: boolean;
  directoryUrl: string;
  email: string | null;
  /** Relative paths are under the data directory. */
  caCertFile: string | null;
  names: readonly string[];
}

export interface AcmeServiceOptions {
  dataDir: string;
  /** Where DIR-independent ACME state goes (STATE/acme/account-key.pem); default dataDir. */
  stateDir?: string;
  /** The account key of releases before stateDir, adopted once when STATE has none (account-key-store.ts). */
  legacyAccountKey?: () => Promise<Buffer | null>;
  hostname: string;
  acme: AcmeSettings;
  tlsFiles: { cert: string; key: string };
  /** Writes an issued pair to tlsFiles; default: this process writes them itself. */
  install?: CertificateInstaller;
  /** The mail domains (each adds its autoconfig, autodiscover and mta-sts names). */
  domains: () => Promise<string[]>;
  challenges: ChallengeStore;
  /** After a new certificate is in place: make the daemons serve it. */
  onInstalled?: (status: TlsCertificateStatus) => Promise<void>;
  /** Every attempt's outcome (the agent turns failures into an alert). */
  onAttempt?: (attempt: AcmeAttempt) => void;
  /** When the scheduler runs next, for status(). */
  nextRun?: () => Date | null;
  poll?: AcmeOrderOptions['poll'];
  logger?: Logger;
}

export interface AcmeAttempt {
  at: Date;
  ok: boolean;
  error: MailroomError | null;
  /** What asked: "schedule", "api", "cli". */
  trigger: string;
}

export class AcmeService {
  private running: Promise<TlsCertificateStatus> | null = null;
  private last: AcmeAttempt | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: AcmeServiceOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get lastAttempt(): AcmeAttempt | null {
    return this.last;
  }

  async wantedNames(): Promise<string[]> {
    let domains: string[];
    try {
      domains = await this.options.domains();
    } catch (err) {
      throw new AcmeError('acme_domains_unknown', `cannot list the mail domains for the certificate's names: ${describeFailure(err)}`, { cause: err });
    }
    const names = certificateNames(this.options.hostname, domains, this.options.acme.names);
    if (names.length > MAX_CERTIFICATE_NAMES) throw new AcmeError('acme_too_many_names', `${names.length} names do not fit in one certificate (at most ${MAX_CERTIFICATE_NAMES})`);
    return names;
  }

  async certificate(): Promise<{ certificate: TlsCertificateStatus | null; error: string | null }> {
    try {
      return { certificate: await readCertificateStatus(this.options.tlsFiles.cert), error: null };
    } catch (err) {
      return { certificate: null, error: (err as Error).message };
    }
  }

  async status(): Promise<TlsStatus> {
    const { certificate, error } = await this.certificate();
    const names = await this.wantedNames().catch(() => [this.options.hostname]);
    const next = this.options.nextRun?.() ?? null;
    return {
      certificate, error,
      acme: {
        enabled: this.options.acme.enabled,
        directoryUrl: this.options.acme.directoryUrl,
        names,
        renewalDue: renewalReason(certificate, names) !== null,
        nextRun: next ? next.toISOString() : null,
        lastAttempt: this.last ? { at: this.last.at.toISOString(), ok: this.last.ok, error: this.last.error?.message ?? null } : null,
      },
    };
  }

  /** Renews when due (see renewalReason); null when nothing was needed. */
  async renewIfDue(trigger = 'schedule'): Promise<TlsCertificateStatus | null> {
    const names = await this.attempt(trigger, () => this.wantedNames(), false);
    const { certificate } = await this.certificate();
    const reason = renewalReason(certificate, names);
    if (!reason) {
      this.logger.info('tls certificate is current', { daysLeft: certificate?.daysLeft, outcome: 'skipped' });
      return null;
    }
    this.logger.info('renewing the tls certificate', { reason, outcome: 'renewing' });
    return this.issue(trigger);
  }

  /** Orders a certificate for the wanted names and installs it; one at a time. */
  issue(trigger = 'api'): Promise<TlsCertificateStatus> {
    this.running ??= this.attempt(trigger, () => this.issueNow(), true).finally(() => { this.running = null; });
    return this.running;
  }

  private async issueNow(): Promise<TlsCertificateStatus> {
    const { acme, dataDir, tlsFiles } = this.options;
    const names = await this.wantedNames();
    let caCert: Buffer | null = null;
    if (acme.caCertFile) {
      const file = path.resolve(dataDir, acme.caCertFile);
      caCert = await readFile(file).catch((err: unknown) => {
        throw new AcmeError('acme_ca_unreadable', `cannot read acme.caCertFile ${file}: ${describeFailure(err)}`, { cause: err });
      });
    }
    const accountKey = await loadOrCreateAccountKey(this.options.stateDir ?? dataDir, { ...(this.options.legacyAccountKey ? { adoptLegacy: this.options.legacyAccountKey } : {}), logger: this.logger });
    const started = Date.now();
    const issued = await orderCertificate(names, {
      directoryUrl: acme.directoryUrl, email: acme.email, caCert, accountKey,
      challenges: this.options.challenges, logger: this.logger,
      ...(this.options.poll ? { poll: this.options.poll } : {}),
    });
    await (this.options.install ?? directCertificateInstaller(tlsFiles))(issued);
    const status = await readCertificateStatus(tlsFiles.cert);
    this.logger.info('tls certificate installed', { names: status.names.length, issuer: status.issuer, notAfter: status.notAfter, ms: Date.now() - started, outcome: 'issued' });
    await this.options.onInstalled?.(status);
    return status;
  }

  /** Runs one step of an attempt; a failure is recorded (and alerted), success only when `final`. */
  private async attempt<T>(trigger: string, work: () => Promise<T>, final: boolean): Promise<T> {
    try {
      const value = await work();
      if (final) this.record({ at: new Date(), ok: true, error: null, trigger });
      return value;
    } catch (err) {
      const error = err instanceof MailroomError ? err : new AcmeError('acme_failed', describeFailure(err), { cause: err });
      this.logger.warn('tls certificate issuance failed', { trigger, code: error.code, err: error, outcome: 'failed' });
      this.record({ at: new Date(), ok: false, error, trigger });
      throw error;
    }
  }

  private record(attempt: AcmeAttempt): void {
    this.last = attempt;
    this.options.onAttempt?.(attempt);
  }
}
