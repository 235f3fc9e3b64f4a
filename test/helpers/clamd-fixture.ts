// Debian's clamd (ClamAV 1.4) as a test peer (see shared/PEERS.md): a private instance in a
// temporary directory with a one-line signature database (EICAR's MD5, so no signature download
// is needed), listening on a free 127.0.0.1 TCP port and on a Unix socket in the directory, in
// the foreground. StreamMaxLength is small by default (1M) so the "size limit exceeded" answer
// is cheap to reach. Stopped by the process id we started; the directory is removed. Spawning,
// readiness and stopping are shared with rspamd's fixture (peer-fixture.ts, peer-process.ts).

import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PeerFixture } from './peer-fixture.js';
import { freeLoopbackPort } from './peer-process.js';

export const CLAMD_BIN = '/usr/sbin/clamd';
/** The EICAR test file (68 bytes); its MD5 is 44d88612fea8a8f36de82e1278abb02f. */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
export const EICAR_SIGNATURE_DB = '44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature';

/** A MIME message with EICAR as a base64 attachment (clamd decodes MIME and finds it). */
export function eicarMessage(headers: string[] = ['From: <alice@sender.example>', 'To: <bob@example.test>', 'Subject: invoice']): string {
  const b64 = Buffer.from(EICAR, 'latin1').toString('base64');
  return [
    ...headers, 'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', 'See the attachment.',
    '--b1', 'Content-Type: application/octet-stream; name="invoice.com"', 'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="invoice.com"', '', b64, '--b1--', '',
  ].join('\r\n');
}

export function clamdMissing(): string | null {
  if (!existsSync(CLAMD_BIN)) return 'clamd is not installed (apt-get install clamav-daemon)';
  return null;
}

/** clamd answers PONG to PING once its database is loaded. */
function pingClamd(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(1000, () => done(false));
    s.on('connect', () => s.write('zPING\0'));
    s.on('data', (d) => { reply += d.toString('latin1'); if (reply.includes('\0')) done(reply.startsWith('PONG')); });
    s.on('error', () => done(false));
    s.on('end', () => done(reply.startsWith('PONG')));
  });
}

export interface ClamdFixtureOptions {
  /** clamd's StreamMaxLength, e.g. "1M" (default). */
  streamMaxLength?: string;
}

export class ClamdFixture extends PeerFixture {
  readonly socketPath: string;
  port = 0;

  private constructor(readonly options: ClamdFixtureOptions) {
    super('clamd');
    this.socketPath = path.join(this.dir, 'clamd.sock');
  }

  protected override get logFile(): string { return path.join(this.dir, 'clamd.log'); }

  /** antivirus.clamd for the TCP listener. */
  get tcpAddress(): string { return `tcp://127.0.0.1:${this.port}`; }
  /** antivirus.clamd for the Unix socket. */
  get unixAddress(): string { return `unix:${this.socketPath}`; }

  static async start(options: ClamdFixtureOptions = {}): Promise<ClamdFixture> {
    const f = new ClamdFixture(options);
    try {
      writeFileSync(path.join(f.dir, 'test.hdb'), EICAR_SIGNATURE_DB + '\n');
      await f.start();
      return f;
    } catch (err) {
      await f.cleanup();
      throw err;
    }
  }

  protected override async start(): Promise<void> {
    if (this.port === 0) this.port = await freeLoopbackPort();
    const conf = path.join(this.dir, 'clamd.conf');
    writeFileSync(conf, [
      'Foreground yes',
      `DatabaseDirectory ${this.dir}`,
      `TCPSocket ${this.port}`,
      'TCPAddr 127.0.0.1',
      `LocalSocket ${this.socketPath}`,
      // As root clamd would switch to the clamav user, which cannot read our directory.
      ...(process.getuid?.() === 0 ? ['User root'] : []),
      `LogFile ${this.logFile}`,
      `PidFile ${path.join(this.dir, 'clamd.pid')}`,
      `StreamMaxLength ${this.options.streamMaxLength ?? '1M'}`,
      '',
    ].join('\n'));
    await this.process.start(CLAMD_BIN, ['-c', conf], {
      probe: async () => (await pingClamd(this.port)) && existsSync(this.socketPath),
      timeoutMs: 60_000,
      logTail: () => this.logTail(),
    });
  }
}
