// The services page's answer (GET /api/v1/services): each service the appliance runs and
// whether it answers, and each listener of the config and whether it accepts a connection.
// Probes run in parallel, each with its own time limit, so one hung service costs one timeout.
//   mail daemon: the control socket's health; agent: itself; helper: helper.ping (when a socket
//   is configured); rspamd: GET /ping; clamd: PING (when configured).

import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { ListenerStatus, ServiceStatus, ServicesReport } from '../../ui/shared/api-types.js';
import { splitHostPort } from '../../core/config.js';
import { probePort } from './port-probe.js';

/** Listeners that speak TLS from the first byte (the rest are plain or STARTTLS). */
const IMPLICIT_TLS = new Set(['submissions', 'imaps', 'pop3s', 'admin']);

export interface ServiceProbeDeps {
  hostname: string;
  version: string;
  /** config.listen: name -> "host:port" or null. */
  listen: Record<string, string | null>;
  mailHealth: () => Promise<{ version: string; uptime: number; pid: number }>;
  /** The helper's socket: the helper is listed when the file exists (it is optional in development). */
  helperSocket?: string;
  helperPing?: () => Promise<{ version?: string; pid?: number }>;
  /** spam.rspamd, antivirus.clamd (null: not configured). */
  rspamd: string | null;
  clamd: string | null;
  timeoutMs?: number;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms); }),
  ]);
}

function rspamdPing(url: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL('/ping', url), { timeout: timeoutMs }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve(); else reject(new Error(`answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

/** clamd's "zPING\0" -> "PONG\0", over its Unix socket or TCP (`unix:/path`, `tcp://host:port`). */
function clamdPing(address: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = address.startsWith('unix:')
      ? net.connect({ path: address.slice('unix:'.length) })
      : (() => { const u = new URL(address); return net.connect({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) }); })();
    let answer = '';
    const fail = (err: Error) => { socket.destroy(); reject(err); };
    socket.setTimeout(timeoutMs, () => fail(new Error('timed out')));
    socket.once('error', fail);
    socket.once('connect', () => socket.write('zPING\0'));
    socket.on('data', (d: Buffer) => {
      answer += d.toString('latin1');
      if (answer.includes('\0') || answer.includes('\n')) {
        socket.destroy();
        if (answer.startsWith('PONG')) resolve(); else reject(new Error(`answered "${answer.replace(/\0/g, '').trim()}"`));
      }
    });
  });
}

export async function probeServices(deps: ServiceProbeDeps): Promise<ServicesReport> {
  const t = deps.timeoutMs ?? 3000;
  const started = Date.now();
  const service = async (name: ServiceStatus['name'], check: () => Promise<Partial<ServiceStatus>>): Promise<ServiceStatus> => {
    try {
      return { name, state: 'up', detail: null, version: null, ...(await withTimeout(check(), t, name)) };
    } catch (err) {
      return { name, state: 'down', detail: message(err), version: null };
    }
  };
  const services: Promise<ServiceStatus>[] = [
    service('mail', async () => {
      const h = await deps.mailHealth();
      return { version: h.version, detail: `pid ${h.pid}`, uptime: h.uptime };
    }),
    Promise.resolve({
      name: 'agent', state: 'up', version: deps.version, uptime: Math.round(process.uptime()),
      detail: `pid ${process.pid}, ${Math.round(process.memoryUsage.rss() / 1024 / 1024)} MB resident`,
    } satisfies ServiceStatus),
  ];
  if (deps.helperPing && (deps.helperSocket === undefined || existsSync(deps.helperSocket))) {
    const ping = deps.helperPing;
    services.push(service('helper', async () => { const p = await ping(); return { version: p.version ?? null, detail: p.pid ? `pid ${p.pid}` : null }; }));
  }
  if (deps.rspamd) { const url = deps.rspamd; services.push(service('rspamd', async () => { await rspamdPing(url, t); return { detail: url }; })); }
  if (deps.clamd) { const address = deps.clamd; services.push(service('clamd', async () => { await clamdPing(address, t); return { detail: address }; })); }

  const listeners = Object.entries(deps.listen).map(async ([name, value]): Promise<ListenerStatus> => {
    if (value === null) return { name, address: null, tls: IMPLICIT_TLS.has(name), state: 'disabled', error: null, certificateExpires: null, tlsError: null };
    const { host, port } = splitHostPort(value);
    const tls = IMPLICIT_TLS.has(name);
    const result = await probePort(host, port, { tls, timeoutMs: t, servername: deps.hostname });
    return { name, address: value, tls, ...result };
  });
  return { services: await Promise.all(services), listeners: await Promise.all(listeners), checkedAt: new Date(started).toISOString() };
}
