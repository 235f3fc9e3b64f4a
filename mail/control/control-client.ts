// The typed client of the mail daemon's control API (control-server.ts), over its Unix socket.
// The agent uses it for everything it shows or changes about mail. A refusal comes back as a
// ControlError carrying the daemon's code, message and HTTP status, so the agent can pass it on
// unchanged; a daemon that does not answer is a ControlUnavailableError.

import http from 'node:http';
import { MailroomError } from '../../core/errors.js';
import type {
  ControlAlias, ControlDnsRecord, ControlDomain, ControlErrorBody, ControlEvent, ControlHealth, ControlLogLine,
  ControlQueueMessage, ControlQueueSummary, ControlStats, ControlSystemMail, ControlSystemMailResult, ControlUser,
} from './control-protocol.js';
import type { ControlQuotaReport } from './control-protocol.js';
import { requestRaw } from './control-raw-stream.js';
import type { ControlForward } from './control-protocol.js';

/** The daemon refused the request; `code` and `message` are its own. */
export class ControlError extends MailroomError {
  constructor(readonly status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Nothing answers on the socket (daemon stopped, starting, or hung). */
export class ControlUnavailableError extends ControlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(503, 'mail_daemon_unavailable', message, options);
  }
}

export interface LogsQuery { limit?: number; level?: ControlLogLine['level']; since?: Date }

export interface EventSubscription {
  close(): void;
}

/** Everything the agent asks of the mail daemon. */
export interface MailControl {
  health(): Promise<ControlHealth>;
  listDomains(): Promise<ControlDomain[]>;
  addDomain(name: string): Promise<ControlDomain>;
  removeDomain(name: string): Promise<{ removed: string }>;
  dnsRecords(domain: string): Promise<ControlDnsRecord[]>;
  listUsers(domain?: string): Promise<ControlUser[]>;
  getUser(address: string): Promise<ControlUser>;
  addUser(input: { address: string; password: string; quota?: number | string | null }): Promise<ControlUser>;
  removeUser(address: string): Promise<{ removed: string }>;
  setPassword(address: string, password: string): Promise<{ changed: string }>;
  setQuota(address: string, quota: number | string | null): Promise<{ address: string; quota: number | null }>;
  listAliases(domain?: string): Promise<ControlAlias[]>;
  addAlias(address: string, targets: string[] | string): Promise<ControlAlias>;
  removeAlias(address: string): Promise<{ removed: string }>;
  listForwards(domain?: string): Promise<ControlForward[]>;
  setForward(input: { address: string; targets: string[] | string; keepCopy?: boolean | null }): Promise<ControlForward>;
  removeForward(address: string): Promise<{ removed: string }>;
  listQueue(): Promise<ControlQueueMessage[]>;
  queueSummary(): Promise<ControlQueueSummary>;
  retryQueued(id: string): Promise<{ id: string; due: number }>;
  removeQueued(id: string): Promise<{ removed: string }>;
  stats(): Promise<ControlStats>;
  logs(query?: LogsQuery): Promise<ControlLogLine[]>;
  sendSystemMail(mail: ControlSystemMail): Promise<ControlSystemMailResult>;
  quotaReport(): Promise<ControlQuotaReport>;
  setDomainQuota(domain: string, quota: number | string | null): Promise<{ domain: string; quota: number | null }>;
  // The live DNS check, disabling accounts, and the admin's read-only mailbox view.
  dnsCheck(domain: string): Promise<import('./control-protocol.js').ControlDnsCheck[]>;
  setUserDisabled(address: string, disabled: boolean): Promise<ControlUser>;
  listFolders(address: string): Promise<import('./control-protocol.js').ControlFolder[]>;
  listMessages(address: string, folder: string): Promise<import('./control-protocol.js').ControlMailboxMessage[]>;
  readMessage(address: string, folder: string, uid: number): Promise<import('./control-protocol.js').ControlMessageView>;
  /** The raw RFC 5322 bytes, streamed; a refusal (unknown message) rejects before any byte. */
  openRawMessage(address: string, folder: string, uid: number): Promise<import('./control-raw-stream.js').RawAnswer>;
  /**
   * Live events until close() or the stream ends; `onEnd` is called once when it ends for any
   * reason other than close() (the caller reconnects).
   */
  subscribe(onEvent: (event: ControlEvent) => void, onEnd: (err: Error | null) => void): EventSubscription;
}

export interface ControlClientOptions {
  socketPath: string;
  /** Per request (not for the event stream). */
  timeoutMs?: number;
}

const seg = (s: string) => encodeURIComponent(s);

export class ControlClient implements MailControl {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly timeoutMs: number;

  constructor(private readonly options: ControlClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  get socketPath(): string {
    return this.options.socketPath;
  }

  /** Closes idle keep-alive connections (open requests finish). */
  close(): void {
    this.agent.destroy();
  }

  health() { return this.request<ControlHealth>('GET', '/v1/health'); }
  listDomains() { return this.request<ControlDomain[]>('GET', '/v1/domains'); }
  addDomain(name: string) { return this.request<ControlDomain>('POST', '/v1/domains', { name }); }
  removeDomain(name: string) { return this.request<{ removed: string }>('DELETE', `/v1/domains/${seg(name)}`); }
  dnsRecords(domain: string) { return this.request<ControlDnsRecord[]>('GET', `/v1/domains/${seg(domain)}/dns`); }
  listUsers(domain?: string) { return this.request<ControlUser[]>('GET', `/v1/users${domain === undefined ? '' : `?domain=${seg(domain)}`}`); }
  getUser(address: string) { return this.request<ControlUser>('GET', `/v1/users/${seg(address)}`); }
  addUser(input: { address: string; password: string; quota?: number | string | null }) { return this.request<ControlUser>('POST', '/v1/users', input); }
  removeUser(address: string) { return this.request<{ removed: string }>('DELETE', `/v1/users/${seg(address)}`); }
  setPassword(address: string, password: string) { return this.request<{ changed: string }>('PUT', `/v1/users/${seg(address)}/password`, { password }); }
  setQuota(address: string, quota: number | string | null) { return this.request<{ address: string; quota: number | null }>('PUT', `/v1/users/${seg(address)}/quota`, { quota }); }
  listAliases(domain?: string) { return this.request<ControlAlias[]>('GET', `/v1/aliases${domain === undefined ? '' : `?domain=${seg(domain)}`}`); }
  addAlias(address: string, targets: string[] | string) { return this.request<ControlAlias>('POST', '/v1/aliases', { address, targets }); }
  removeAlias(address: string) { return this.request<{ removed: string }>('DELETE', `/v1/aliases/${seg(address)}`); }
  listForwards(domain?: string) { return this.request<ControlForward[]>('GET', `/v1/forwards${domain === undefined ? '' : `?domain=${seg(domain)}`}`); }
  setForward(input: { address: string; targets: string[] | string; keepCopy?: boolean | null }) { return this.request<ControlForward>('POST', '/v1/forwards', input); }
  removeForward(address: string) { return this.request<{ removed: string }>('DELETE', `/v1/forwards/${seg(address)}`); }
  listQueue() { return this.request<ControlQueueMessage[]>('GET', '/v1/queue'); }
  queueSummary() { return this.request<ControlQueueSummary>('GET', '/v1/queue/summary'); }
  retryQueued(id: string) { return this.request<{ id: string; due: number }>('POST', `/v1/queue/${seg(id)}/retry`); }
  removeQueued(id: string) { return this.request<{ removed: string }>('DELETE', `/v1/queue/${seg(id)}`); }
  stats() { return this.request<ControlStats>('GET', '/v1/stats'); }
  sendSystemMail(mail: ControlSystemMail) { return this.request<ControlSystemMailResult>('POST', '/v1/system-mail', mail); }
  quotaReport() { return this.request<ControlQuotaReport>('GET', '/v1/quota'); }
  setDomainQuota(domain: string, quota: number | string | null) { return this.request<{ domain: string; quota: number | null }>('PUT', `/v1/domains/${seg(domain)}/quota`, { quota }); }
  dnsCheck(domain: string) { return this.request<import('./control-protocol.js').ControlDnsCheck[]>('GET', `/v1/domains/${seg(domain)}/dns/check`); }
  setUserDisabled(address: string, disabled: boolean) { return this.request<ControlUser>('PUT', `/v1/users/${seg(address)}/disabled`, { disabled }); }
  listFolders(address: string) { return this.request<import('./control-protocol.js').ControlFolder[]>('GET', `/v1/users/${seg(address)}/folders`); }
  listMessages(address: string, folder: string) { return this.request<import('./control-protocol.js').ControlMailboxMessage[]>('GET', `/v1/users/${seg(address)}/messages?folder=${seg(folder)}`); }
  readMessage(address: string, folder: string, uid: number) { return this.request<import('./control-protocol.js').ControlMessageView>('GET', `/v1/users/${seg(address)}/messages/${uid}?folder=${seg(folder)}`); }
  openRawMessage(address: string, folder: string, uid: number) {
    return requestRaw(this.options.socketPath, `/v1/users/${seg(address)}/messages/${uid}/raw?folder=${seg(folder)}`, this.timeoutMs,
      (status, code, message) => new ControlError(status, code, message), (err) => unavailable(this.options.socketPath, err));
  }

  logs(query: LogsQuery = {}) {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.level) params.set('level', query.level);
    if (query.since) params.set('since', query.since.toISOString());
    const qs = params.toString();
    return this.request<ControlLogLine[]>('GET', `/v1/logs${qs ? `?${qs}` : ''}`);
  }

  subscribe(onEvent: (event: ControlEvent) => void, onEnd: (err: Error | null) => void): EventSubscription {
    let closed = false;
    let ended = false;
    const end = (err: Error | null) => {
      if (closed || ended) return;
      ended = true;
      onEnd(err);
    };
    // A connection of its own: the stream must not hold one of the pooled keep-alive sockets.
    const req = http.request({ socketPath: this.options.socketPath, path: '/v1/events', method: 'GET', agent: false, headers: { accept: 'application/x-ndjson' } });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        end(new ControlError(res.statusCode ?? 502, 'events_refused', `the event stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let partial = '';
      res.on('data', (chunk: string) => {
        partial += chunk;
        let i: number;
        while ((i = partial.indexOf('\n')) >= 0) {
          const line = partial.slice(0, i).trim();
          partial = partial.slice(i + 1);
          if (!line) continue; // heartbeat
          let event: ControlEvent;
          try {
            event = JSON.parse(line) as ControlEvent;
          } catch {
            continue;
          }
          if (!closed) onEvent(event);
        }
      });
      res.on('end', () => end(null));
      res.on('error', (err) => end(err));
      res.on('close', () => end(null));
    });
    req.on('error', (err) => end(unavailable(this.options.socketPath, err)));
    req.end();
    return {
      close() {
        closed = true;
        req.destroy();
      },
    };
  }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = http.request({
        socketPath: this.options.socketPath, path, method, agent: this.agent,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      });
      const timer = setTimeout(() => req.destroy(new ControlUnavailableError(`the mail daemon did not answer ${method} ${path} within ${this.timeoutMs} ms`)), this.timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => { clearTimeout(timer); reject(unavailable(this.options.socketPath, err)); });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let value: unknown;
          try {
            value = text ? JSON.parse(text) : null;
          } catch {
            reject(new ControlError(502, 'control_protocol', `the mail daemon answered ${method} ${path} with something that is not JSON`));
            return;
          }
          const status = res.statusCode ?? 502;
          if (status >= 200 && status < 300) { resolve(value as T); return; }
          const error = (value as Partial<ControlErrorBody> | null)?.error;
          reject(new ControlError(status, typeof error?.code === 'string' ? error.code : 'control_error', typeof error?.message === 'string' ? error.message : `the mail daemon answered ${status}`));
        });
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof ControlError ? err : unavailable(this.options.socketPath, err));
      });
      req.end(payload);
    });
  }
}

function unavailable(socketPath: string, err: Error): ControlUnavailableError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'is not running' : `did not answer (${code ?? err.message})`;
  return new ControlUnavailableError(`the mail daemon ${why} (control socket ${socketPath})`, { cause: err });
}
