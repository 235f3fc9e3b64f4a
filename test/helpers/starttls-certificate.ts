// The certificate a mail server presents after SMTP STARTTLS: greeting, EHLO, STARTTLS, then the
// TLS handshake on the same connection (any certificate accepted: the caller checks it), QUIT.
// (test/e2e/acme-tls.test.ts has its own line reader that keeps the session open.)

import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

/** Reads SMTP replies from `socket` until a final line (code and a space). */
function reply(socket: net.Socket, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => { done(); reject(new Error(`no SMTP reply within ${timeoutMs} ms; got ${JSON.stringify(text.slice(-200))}`)); }, timeoutMs);
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      const lines = text.split('\r\n');
      if (lines.slice(0, -1).some((l) => /^\d{3} /.test(l))) { done(); resolve(text); }
    };
    const onError = (err: Error) => { done(); reject(err); };
    const done = () => { clearTimeout(timer); socket.off('data', onData); socket.off('error', onError); };
    socket.on('data', onData);
    socket.on('error', onError);
  });
}

export async function smtpStartTlsCertificate(port: number, options: { host?: string; servername: string; timeoutMs?: number }): Promise<X509Certificate> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const raw = net.connect({ host: options.host ?? '127.0.0.1', port });
  try {
    await new Promise<void>((resolve, reject) => { raw.once('connect', resolve); raw.once('error', reject); });
    const expect = async (code: string) => {
      const r = await reply(raw, timeoutMs);
      if (!r.split('\r\n').some((l) => l.startsWith(`${code} `))) throw new Error(`expected ${code}, got ${JSON.stringify(r.slice(0, 300))}`);
    };
    await expect('220');
    raw.write('EHLO client.example.test\r\n');
    await expect('250');
    raw.write('STARTTLS\r\n');
    await expect('220');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: raw, servername: options.servername, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    const cert = secure.getPeerX509Certificate();
    if (!cert) throw new Error('no certificate after STARTTLS');
    secure.end('QUIT\r\n');
    return cert;
  } finally {
    setTimeout(() => raw.destroy(), 1000).unref();
  }
}
