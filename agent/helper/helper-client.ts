// The agent's (and the CLI's) client of the privileged helper: one Unix socket connection,
// opened on first use and again after it drops, requests matched to responses by id, each with
// a timeout. Failures are HelperErrors with stable codes: helper_unavailable (no helper
// listening), helper_access_denied (the socket's permissions refuse us), helper_timeout,
// helper_protocol, or the code the helper answered with.

import net from 'node:net';
import { HelperError } from './helper-command.js';
import { parseResponseLine, type HelperResponse } from './helper-protocol.js';

const DEFAULT_TIMEOUT_MS = 30_000;

export interface HelperCaller {
  call<T = unknown>(command: string, args?: Record<string, unknown>, options?: { timeoutMs?: number }): Promise<T>;
}

interface Pending { resolve: (r: HelperResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }

export class HelperClient implements HelperCaller {
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private buffer = '';

  constructor(private readonly options: { socketPath: string; timeoutMs?: number }) {}

  get socketPath(): string { return this.options.socketPath; }

  private connectError(err: NodeJS.ErrnoException): HelperError {
    const where = this.options.socketPath;
    if (err.code === 'EACCES' || err.code === 'EPERM') return new HelperError('helper_access_denied', `not allowed to use the privileged helper's socket ${where} (the agent's group only)`, { cause: err });
    return new HelperError('helper_unavailable', `the privileged helper is not running (no answer on ${where}: ${err.code ?? err.message})`, { cause: err });
  }

  private connect(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(this.options.socketPath);
      socket.setEncoding('utf8');
      socket.once('connect', () => {
        this.connecting = null;
        this.socket = socket;
        this.buffer = '';
        resolve(socket);
      });
      socket.on('data', (chunk: string) => this.onData(chunk));
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (this.connecting && this.socket !== socket) { this.connecting = null; reject(this.connectError(err)); }
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        this.failAll(new HelperError('helper_unavailable', 'the privileged helper closed the connection'));
      });
    });
    return this.connecting;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const response = parseResponseLine(line);
      const id = typeof response?.id === 'number' ? response.id : null;
      const p = id === null ? undefined : this.pending.get(id);
      if (!response || !p) continue; // not ours (or answered after its timeout)
      this.pending.delete(id!);
      clearTimeout(p.timer);
      p.resolve(response);
    }
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) { clearTimeout(p.timer); this.pending.delete(id); p.reject(err); }
  }

  async call<T = unknown>(command: string, args: Record<string, unknown> = {}, options: { timeoutMs?: number } = {}): Promise<T> {
    const socket = await this.connect();
    const id = ++this.seq;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const response = await new Promise<HelperResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HelperError('helper_timeout', `the privileged helper did not answer ${command} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.write(JSON.stringify({ id, command, args }) + '\n');
    });
    if (!response.ok) throw new HelperError(response.error.code, response.error.message);
    return response.result as T;
  }

  close(): void {
    this.failAll(new HelperError('helper_unavailable', 'helper client closed'));
    this.socket?.destroy();
    this.socket = null;
  }
}
