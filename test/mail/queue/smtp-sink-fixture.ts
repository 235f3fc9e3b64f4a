// Postfix's smtp-sink as the remote MX: started on a loopback address and port, optionally
// answering 4xx (-r) or 5xx (-f) to chosen commands, appending what it accepts to a dump file.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SMTP_SINK = '/usr/sbin/smtp-sink';

export function smtpSinkAvailable(): boolean {
  return existsSync(SMTP_SINK);
}

export async function freeTcpPort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SmtpSink {
  /** Everything accepted so far (the dump file's text). */
  dump(): string;
  stop(): Promise<void>;
}

export async function startSmtpSink(host: string, port: number, options: { softReject?: string[]; hardReject?: string[] } = {}): Promise<SmtpSink> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-sink-'));
  chmodSync(dir, 0o777); // smtp-sink drops to `nobody`, who must write the dump
  const dumpFile = path.join(dir, 'dump');
  const args = ['-u', 'nobody', '-D', dumpFile, '-h', `sink-${host}`];
  if (options.softReject?.length) args.push('-r', options.softReject.join(','));
  if (options.hardReject?.length) args.push('-f', options.hardReject.join(','));
  if (options.hardReject?.length) args.push('-B', '550 5.1.1 Error: no such user');
  args.push(`${host}:${port}`, '64');
  const child: ChildProcess = spawn(SMTP_SINK, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`smtp-sink exited: ${stderr}`);
    if (await canConnect(host, port)) break;
    if (i > 50) throw new Error(`smtp-sink did not listen: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dump: () => (existsSync(dumpFile) ? readFileSync(dumpFile, 'latin1') : ''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port }, () => { sock.destroy(); resolve(true); });
    sock.on('error', () => resolve(false));
  });
}

export function isRoot(): boolean {
  return spawnSync('id', ['-u']).stdout.toString().trim() === '0';
}
