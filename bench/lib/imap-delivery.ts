// One new message into some mailboxes while IMAP clients watch, the way each server really gets
// mail: Mailroom over SMTP on its MX port (one transaction, every recipient), Dovecot through
// dovecot-lda (what Postfix's mailbox_command or a pipe transport runs), one per recipient.

import { spawn } from 'node:child_process';
import net from 'node:net';

export function idleProbeMessage(to: string, n: number): string {
  return [
    'From: <probe@client.bench.test>',
    `To: <${to}>`,
    `Subject: idle notification probe ${n}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <idle-probe-${n}-${Date.now()}@client.bench.test>`,
    '',
    'A new message for the clients in IDLE.',
    '',
  ].join('\r\n');
}

/** A plain SMTP transaction; resolves on the final 250, rejects on anything else. */
export function smtpDeliver(port: number, from: string, rcpts: string[], message: string, timeoutMs = 30000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const steps = [
      { send: null as string | null, expect: 2 },
      { send: 'EHLO client.bench.test', expect: 2 },
      { send: `MAIL FROM:<${from}>`, expect: 2 },
      ...rcpts.map((r) => ({ send: `RCPT TO:<${r}>`, expect: 2 })),
      { send: 'DATA', expect: 3 },
      { send: message.replace(/(^|\r\n)\./g, '$1..') + (message.endsWith('\r\n') ? '' : '\r\n') + '.', expect: 2 },
      { send: 'QUIT', expect: 2 },
    ];
    let step = 0;
    let buf = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('SMTP delivery timed out')); }, timeoutMs);
    let finished = false;
    const fail = (e: Error) => { if (finished) return; finished = true; clearTimeout(timer); sock.destroy(); reject(e); };
    sock.on('error', fail);
    sock.on('data', (d: Buffer) => {
      if (finished) return;
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (line[3] === '-') continue;
        const code = Number(line.slice(0, 3));
        if (Math.floor(code / 100) !== steps[step]!.expect) { fail(new Error(`SMTP ${steps[step]!.send ?? 'greeting'}: ${line}`)); return; }
        step++;
        // The message is durable at the 250 after DATA: QUIT's reply does not matter.
        if (step === steps.length - 1) { finished = true; clearTimeout(timer); sock.end('QUIT\r\n'); resolve(); return; }
        sock.write(steps[step]!.send + '\r\n');
      }
    });
  });
}

/** dovecot-lda -d USER for one recipient; resolves when it exits 0. */
export function dovecotLda(confFile: string, user: string, message: string, timeoutMs = 30000): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/lib/dovecot/dovecot-lda', ['-c', confFile, '-d', user, '-f', 'probe@client.bench.test'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(); else reject(new Error(`dovecot-lda -d ${user} exited ${code ?? signal}: ${err.trim()}`));
    });
    child.stdin.end(message.replace(/\r\n/g, '\n'));
  });
}
