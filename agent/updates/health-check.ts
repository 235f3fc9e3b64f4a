// After an update the services must answer within a deadline: the SMTP banner (220), the IMAP
// greeting (* OK) and the agent's /api/v1/health. Each probe is retried until it passes or the
// deadline comes; the first probe that never passes is the reason given for the rollback.

import https from 'node:https';
import net from 'node:net';

export type HealthProbe =
  | { kind: 'smtp'; host: string; port: number }
  | { kind: 'imap'; host: string; port: number }
  | { kind: 'agent'; host: string; port: number };

export interface HealthResult {
  ok: boolean;
  /** One line per probe that failed, with its last error. */
  failures: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function describe(p: HealthProbe): string {
  return `${p.kind} ${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`;
}

/** Connects and reads until a full greeting line; resolves with it. */
function greeting(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    const done = (err: Error | null, line?: string) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err); else resolve(line!);
    };
    const timer = setTimeout(() => done(new Error('no greeting in time')), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      // SMTP greetings may be multi-line ("220-..."); the last line has a space after the code.
      const lines = text.split('\r\n');
      for (const line of lines.slice(0, -1)) {
        if (!/^220-/.test(line)) { done(null, line); return; }
      }
      if (text.length > 4096) done(new Error('greeting too long'));
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error('closed without a greeting')));
  });
}

function agentHealth(host: string, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // The agent's own certificate on loopback: self-signed until ACME replaces it, and what is
    // checked here is only that the restarted process answers, not who it is.
    const req = https.get({ host, port, path: '/api/v1/health', rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve(); else reject(new Error(`HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', reject);
  });
}

async function probeOnce(p: HealthProbe, timeoutMs: number): Promise<void> {
  if (p.kind === 'agent') return agentHealth(p.host, p.port, timeoutMs);
  const line = await greeting(p.host, p.port, timeoutMs);
  const ok = p.kind === 'smtp' ? /^220[ -]/.test(line) : /^\* (OK|PREAUTH)\b/i.test(line);
  if (!ok) throw new Error(`unexpected greeting: ${line.slice(0, 120)}`);
}

/** Waits until every probe passes, or until timeoutMs has passed. */
export async function checkHealth(probes: readonly HealthProbe[], timeoutMs: number, options: { retryMs?: number } = {}): Promise<HealthResult> {
  const deadline = Date.now() + timeoutMs;
  const retryMs = options.retryMs ?? 500;
  const results = await Promise.all(probes.map(async (p) => {
    let last = 'not tried';
    while (Date.now() < deadline) {
      try {
        await probeOnce(p, Math.max(1000, Math.min(10_000, deadline - Date.now())));
        return null;
      } catch (err) {
        last = (err as Error).message || String(err);
      }
      await sleep(Math.min(retryMs, Math.max(0, deadline - Date.now())));
    }
    return `${describe(p)} did not answer within ${Math.round(timeoutMs / 1000)} s (${last})`;
  }));
  const failures = results.filter((r): r is string => r !== null);
  return { ok: failures.length === 0, failures };
}

/** "127.0.0.1:25", "*:25", "[::]:25" -> the address to probe from this machine. */
export function probeAddress(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  let host = listen.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host === '*' || host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return { host, port: Number(listen.slice(i + 1)) };
}
