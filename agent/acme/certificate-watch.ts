// Notices a new certificate at tls.cert, whoever put it there (the agent's own renewal,
// `mailroom tls issue`, an admin with a certificate from elsewhere): a watch on the file's
// directory (the new file arrives by rename) and a slow poll as a backstop. The handler gets the
// new key and chain only when they differ from the last ones and belong together.

import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../../core/log.js';

export interface CertificateWatchOptions {
  files: { cert: string; key: string };
  onChange: (pair: { key: Buffer; cert: Buffer }) => Promise<void> | void;
  pollMs?: number;
  logger?: Logger;
}

export class CertificateWatch {
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastDigest: string | null = null;
  private checking: Promise<boolean> | null = null;
  private readonly logger: Logger;

  constructor(private readonly options: CertificateWatchOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /** Remembers the pair in use now, then watches. */
  async start(): Promise<void> {
    this.lastDigest = await this.digest().catch(() => null);
    try {
      this.watcher = watch(path.dirname(this.options.files.cert), () => this.soon());
      this.watcher.on('error', () => { this.watcher?.close(); this.watcher = null; });
    } catch (err) {
      this.logger.warn('cannot watch the certificate directory; polling only', { err });
    }
    this.timer = setInterval(() => this.soon(), this.options.pollMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = this.debounce = null;
  }

  /** Looks now; true when a new pair was handed on. */
  checkNow(): Promise<boolean> {
    this.checking ??= this.check().finally(() => { this.checking = null; });
    return this.checking;
  }

  private soon(): void {
    if (this.debounce) return;
    // Key and certificate are renamed into place one after the other: look once both are.
    this.debounce = setTimeout(() => { this.debounce = null; void this.checkNow(); }, 200);
    this.debounce.unref();
  }

  private async digest(pair?: { key: Buffer; cert: Buffer }): Promise<string> {
    const p = pair ?? await this.read();
    return createHash('sha256').update(p.key).update('\0').update(p.cert).digest('hex');
  }

  private async read(): Promise<{ key: Buffer; cert: Buffer }> {
    return { key: await readFile(this.options.files.key), cert: await readFile(this.options.files.cert) };
  }

  private async check(): Promise<boolean> {
    let pair: { key: Buffer; cert: Buffer };
    try {
      pair = await this.read();
    } catch {
      return false;
    }
    const digest = await this.digest(pair);
    if (digest === this.lastDigest) return false;
    try {
      if (!new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key))) return false; // mid-install: the next look sees both
    } catch {
      return false;
    }
    this.lastDigest = digest;
    try {
      await this.options.onChange(pair);
    } catch (err) {
      this.logger.warn('new certificate not applied', { err, outcome: 'error' });
    }
    return true;
  }
}
