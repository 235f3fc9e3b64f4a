// The agent's client of the /v1/lists control routes (mail/control/routes/lists.ts), over the
// mail daemon's Unix socket. Refusals come back as ControlError with the daemon's code, message
// and status, as from the main control client, so the admin API passes them on unchanged.

import http from 'node:http';
import { ControlError, ControlUnavailableError } from '../control/control-client.js';
import type { HeldPostJson, ListJson, ListMemberJson } from './list-wire.js';

export interface ListControl {
  listLists(domain?: string): Promise<ListJson[]>;
  createList(input: Record<string, unknown>): Promise<ListJson>;
  updateList(address: string, changes: Record<string, unknown>): Promise<ListJson>;
  removeList(address: string): Promise<{ removed: string }>;
  listMembers(list: string): Promise<ListMemberJson[]>;
  addMember(list: string, address: string, confirm: boolean): Promise<ListMemberJson>;
  setMemberStatus(list: string, address: string, status: 'active' | 'disabled'): Promise<ListMemberJson>;
  removeMember(list: string, address: string): Promise<{ removed: string }>;
  listHeld(list: string): Promise<HeldPostJson[]>;
  moderate(list: string, id: number, verdict: 'approve' | 'reject', reason?: string): Promise<HeldPostJson & { verdict: string }>;
  unsubscribe(token: string): Promise<{ list: string; address: string; removed: boolean }>;
  describeConfirmation(token: string): Promise<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' }>;
  confirm(token: string): Promise<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' }>;
}

const seg = encodeURIComponent;

export class ListControlClient implements ListControl {
  constructor(private readonly options: { socketPath: string; timeoutMs?: number }) {}

  listLists(domain?: string) { return this.request<ListJson[]>('GET', `/v1/lists${domain ? `?domain=${seg(domain)}` : ''}`); }
  createList(input: Record<string, unknown>) { return this.request<ListJson>('POST', '/v1/lists', input); }
  updateList(address: string, changes: Record<string, unknown>) { return this.request<ListJson>('PUT', `/v1/lists/${seg(address)}`, changes); }
  removeList(address: string) { return this.request<{ removed: string }>('DELETE', `/v1/lists/${seg(address)}`); }
  listMembers(list: string) { return this.request<ListMemberJson[]>('GET', `/v1/lists/${seg(list)}/members`); }
  addMember(list: string, address: string, confirm: boolean) { return this.request<ListMemberJson>('POST', `/v1/lists/${seg(list)}/members`, { address, confirm }); }
  setMemberStatus(list: string, address: string, status: 'active' | 'disabled') { return this.request<ListMemberJson>('PUT', `/v1/lists/${seg(list)}/members/${seg(address)}`, { status }); }
  removeMember(list: string, address: string) { return this.request<{ removed: string }>('DELETE', `/v1/lists/${seg(list)}/members/${seg(address)}`); }
  listHeld(list: string) { return this.request<HeldPostJson[]>('GET', `/v1/lists/${seg(list)}/held`); }
  moderate(list: string, id: number, verdict: 'approve' | 'reject', reason?: string) {
    return this.request<HeldPostJson & { verdict: string }>('POST', `/v1/lists/${seg(list)}/held/${id}`, { verdict, ...(reason ? { reason } : {}) });
  }
  unsubscribe(token: string) { return this.request<{ list: string; address: string; removed: boolean }>('POST', '/v1/list-tokens/unsubscribe', { token }); }
  describeConfirmation(token: string) { return this.request<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' }>('GET', `/v1/list-tokens/confirm/${seg(token)}`); }
  confirm(token: string) { return this.request<{ list: string; address: string; action: 'subscribe' | 'unsubscribe' }>('POST', '/v1/list-tokens/confirm', { token }); }

  private request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      const req = http.request({
        socketPath: this.options.socketPath, path, method, agent: false,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
      });
      const timer = setTimeout(() => req.destroy(new ControlUnavailableError(`the mail daemon did not answer ${method} ${path} within ${timeoutMs} ms`)), timeoutMs);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => { clearTimeout(timer); reject(new ControlUnavailableError(`the mail daemon's answer broke off: ${err.message}`, { cause: err })); });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let value: unknown = null;
          try { value = text ? JSON.parse(text) : null; } catch {
            reject(new ControlError(502, 'control_protocol', `the mail daemon answered ${method} ${path} with something that is not JSON`));
            return;
          }
          const status = res.statusCode ?? 502;
          if (status >= 200 && status < 300) { resolve(value as T); return; }
          const error = (value as { error?: { code?: unknown; message?: unknown } } | null)?.error;
          reject(new ControlError(status, typeof error?.code === 'string' ? error.code : 'control_error', typeof error?.message === 'string' ? error.message : `the mail daemon answered ${status}`));
        });
      });
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof ControlError ? err : new ControlUnavailableError(`the mail daemon is not reachable on ${this.options.socketPath}`, { cause: err }));
      });
      req.end(payload);
    });
  }
}
