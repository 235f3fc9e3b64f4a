// The socket side of the scripted clients in the POP3 and ManageSieve session tests: text in as
// latin1, reads by a caller-given length (a line, a literal, a multi-line body), the switch to
// TLS in the middle of a connection (STLS, STARTTLS), and waiting for the server to close.
// Timeouts are generous: the tests run on loaded machines.

import net from 'node:net';
import tls from 'node:tls';

/** A connected plain or implicit-TLS socket to 127.0.0.1:port. */
export async function openTestSocket(port: number, implicitTls = false): Promise<net.Socket | tls.TLSSocket> {
  const socket = implicitTls
    ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
    : net.connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => { socket.once(implicitTls ? 'secureConnect' : 'connect', resolve); socket.once('error', reject); });
  return socket;
}

export class ScriptedSocket {
  protected buffer = '';
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(private socket: net.Socket | tls.TLSSocket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.buffer += d; this.wake(); });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Takes the first `count()` characters once it is not negative; fails on close or timeout. */
  protected async take(count: () => number, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const n = count();
      if (n >= 0) { const out = this.buffer.slice(0, n); this.buffer = this.buffer.slice(n); return out; }
      if (this.closed) throw new Error(`connection closed; buffered: ${JSON.stringify(this.buffer)}`);
      if (Date.now() > deadline) throw new Error(`timeout; buffered: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50); });
    }
  }

  /** Up to and including the next CRLF. */
  protected takeLine(): Promise<string> {
    return this.take(() => { const i = this.buffer.indexOf('\r\n'); return i < 0 ? -1 : i + 2; });
  }

  send(line: string): void {
    this.socket.write(line + '\r\n');
  }

  /** Bytes as they are, no CRLF added. */
  write(text: string): void {
    this.socket.write(text);
  }

  /** The client side of STLS/STARTTLS, after the server's go-ahead. */
  protected async upgradeToTls(): Promise<void> {
    const raw = this.socket as net.Socket;
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const secure = tls.connect({ socket: raw, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => { secure.once('secureConnect', resolve); secure.once('error', reject); });
    this.socket = secure;
    this.attach(secure);
  }

  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}
