// The real agent (agent/main.ts's startAgent: HTTPS and HTTP listeners on free loopback ports,
// its own agent.db, the real monitor) in a data directory made by the real `mailroom init`,
// talking to a real control server over the real socket DIR/run/control.sock, which serves a
// real SQLite store in the same data directory. Only the mail daemon's listeners are missing.
// An HTTPS client with a cookie jar that trusts the directory's self-signed certificate.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createLogger } from '../../core/log.js';
import { startAgent, type Agent, type AgentOptions } from '../../agent/main.js';
import { startControlServer, type ControlServer } from '../../mail/control/control-server.js';
import { createControlTap, type ControlTap } from '../../mail/control/control-tap.js';
import { OutboundSpool } from '../../mail/queue/spool.js';
import { FsBlobStore } from '../../mail/store/fs/blob-store.js';
import { FsDkimKeyStore } from '../../mail/store/fs/dkim-key-store.js';
import { openDatabase, type Db } from '../../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../../mail/store/sqlite/mail-store.js';
import { silentLogger } from '../../core/log.js';
import { loadConfig } from '../../core/config.js';
import { dkimMessageSigner, startSigningDir } from '../../mail/delivery/dkim-message-signer.js';
import { createListService } from '../../mail/lists/list-setup.js';
import { createDkimSigner } from '../../mail/queue/dkim-signer.js';
import { SqliteForwardStore } from '../../mail/store/sqlite/forward-store.js';

export const PASSWORD = 'Vq7!trellis-Oxbow-42';
export const HOSTNAME = 'mx.example.com';
export const FAST_HASH = { ln: 10, r: 8, p: 1 };

/** The compiled CLI of this same build (cli/main.js beside this test in the output tree), run directly. */
export const CLI_MAIN = fileURLToPath(new URL('../../cli/main.js', import.meta.url));

export function runCli(dataDir: string, args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [CLI_MAIN, '--data', dataDir, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      if (code === -1) { reject(err); return; }
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(input);
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

/** HTTPS requests to the agent with a cookie jar; state-changing requests send the agent's own Origin unless told otherwise. */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie header received, raw, for attribute checks. */
  readonly setCookies: string[] = [];

  constructor(readonly port: number, readonly ca: Buffer) {}

  get origin(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  cookieHeader(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  request(method: string, pathname: string, options: { json?: unknown; body?: string; headers?: Record<string, string>; origin?: string | null; cookies?: boolean } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const cookie = options.cookies === false ? undefined : this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    const unsafe = !['GET', 'HEAD'].includes(method);
    const origin = options.origin === undefined ? (unsafe ? this.origin : null) : options.origin;
    if (origin) headers.origin = origin;
    let payload: string | undefined = options.body;
    if (options.json !== undefined) { payload = JSON.stringify(options.json); headers['content-type'] = 'application/json'; }
    // Explicit: Node frames a DELETE's body only when told its length.
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: this.port, path: pathname, method, headers, ca: this.ca }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          const set = res.headers['set-cookie'] ?? [];
          for (const line of set) {
            this.setCookies.push(line);
            const [pair, ...attrs] = line.split(';');
            const eq = pair!.indexOf('=');
            const name = pair!.slice(0, eq).trim();
            const value = pair!.slice(eq + 1).trim();
            if (attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          let json: unknown = null;
          try { json = JSON.parse(text); } catch { json = null; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  async login(username: string, password = PASSWORD, totp?: string): Promise<HttpResult> {
    return this.request('POST', '/api/v1/session', { json: { username, password, ...(totp ? { totp } : {}) } });
  }

  /** A websocket to /api/v1/events with this client's cookies. */
  websocket(options: { origin?: string; cookies?: boolean } = {}): WebSocket {
    const headers: Record<string, string> = {};
    const cookie = options.cookies === false ? undefined : this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    return new WebSocket(`wss://127.0.0.1:${this.port}/api/v1/events`, { ca: this.ca, headers, origin: options.origin ?? this.origin });
  }
}

/** A plain HTTP request (the agent's port-80 listener). */
export function plainRequest(port: number, method: string, pathname: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const headers = { ...(options.headers ?? {}), ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}) };
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        let json: unknown = null;
        try { json = JSON.parse(text); } catch { json = null; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface AgentFixture {
  root: string;
  dataDir: string;
  ca: Buffer;
  agent: Agent;
  httpsPort: number;
  httpPort: number;
  /** The agent's log lines, parsed. */
  logs: Record<string, unknown>[];
  db: Db;
  directory: SqliteDirectory;
  mailStore: SqliteMailStore;
  spool: OutboundSpool;
  tap: ControlTap;
  control: ControlServer;
  client(): ApiClient;
  /** Stops the control server (the mail daemon "goes down"). */
  stopControl(): Promise<void>;
  cleanup(): Promise<void>;
}

export interface AgentFixtureOptions {
  editConfig?: (cfg: Record<string, unknown>) => void;
  agent?: AgentOptions;
}

export async function startAgentFixture(options: AgentFixtureOptions = {}): Promise<AgentFixture> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-agent-'));
  const dataDir = path.join(root, 'data');
  let control: ControlServer | null = null;
  let db: Db | null = null;
  let mailStore: SqliteMailStore | null = null;
  let agent: Agent | null = null;
  try {
    const init = await runCli(dataDir, ['init', '--hostname', HOSTNAME]);
    if (init.code !== 0) throw new Error(`mailroom init failed: ${init.stderr}`);
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    const file = path.join(dataDir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    // Only the agent listens; the mail ports are what clients are told (no mail daemon runs).
    cfg.listen = {
      smtp: null, submission: '127.0.0.1:587', submissions: '127.0.0.1:465', imap: '127.0.0.1:143', imaps: '127.0.0.1:993',
      pop3: null, pop3s: '127.0.0.1:995', admin: `127.0.0.1:${httpsPort}`, http: `127.0.0.1:${httpPort}`,
    };
    cfg.agent = { sampleInterval: 1, alertInterval: 3600 };
    options.editConfig?.(cfg);
    writeFileSync(file, JSON.stringify(cfg, null, 2));

    db = openDatabase(path.join(dataDir, 'mailroom.db'));
    const blobs = await FsBlobStore.open({ dataDir });
    mailStore = new SqliteMailStore({ db, blobs });
    const directory = new SqliteDirectory({ db, mailStore, logger: silentLogger, passwordParams: FAST_HASH });
    const spool = await OutboundSpool.open({ db, spoolDir: path.join(dataDir, 'queue') });
    const tap = createControlTap();
    // Forwarders and mailing lists behind the control socket, as mail/main.ts serves them: the
    // panel's pages for them ask the agent, which asks the daemon.
    const forwards = new SqliteForwardStore({ db, logger: silentLogger });
    const signingDir = path.join(dataDir, 'signing');
    await startSigningDir(signingDir);
    const lists = createListService({
      config: loadConfig(dataDir), db, directory, mailStore, queue: spool, onQueued: () => undefined,
      signer: dkimMessageSigner(createDkimSigner({ keys: new FsDkimKeyStore({ dataDir }) }), signingDir), logger: silentLogger,
    });
    const startControl = () => startControlServer({
      socketPath: path.join(dataDir, 'run', 'control.sock'), hostname: HOSTNAME,
      clientPorts: { submission: 587, submissions: 465, imaps: 993, pop3s: 995 },
      directory, mailStore: mailStore!, spool, forwards, lists, dkimKeys: new FsDkimKeyStore({ dataDir }), tap, kickQueue: () => undefined, logger: silentLogger, version: '0.1.0',
    });
    control = await startControl();

    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', sink: { write(line: string) { logs.push(JSON.parse(line) as Record<string, unknown>); return true; } } });
    agent = await startAgent(dataDir, {
      logger, passwordParams: FAST_HASH, panelDir: null,
      readSmart: async () => ({ checkedAt: new Date().toISOString(), available: true, error: null, devices: [] }),
      throttle: { baseMs: 50, maxMs: 400 },
      ...(options.agent ?? {}),
    });
    const ca = readFileSync(path.join(dataDir, 'tls', 'cert.pem'));
    const fixture: AgentFixture = {
      root, dataDir, ca, agent, httpsPort, httpPort, logs, db, directory, mailStore, spool, tap, control,
      client: () => new ApiClient(httpsPort, ca),
      async stopControl() { await fixture.control.close(); },
      async cleanup() {
        await agent!.stop('test');
        await fixture.control.close();
        await mailStore!.close();
        db!.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
    return fixture;
  } catch (err) {
    await agent?.stop('test').catch(() => undefined);
    await control?.close().catch(() => undefined);
    await mailStore?.close().catch(() => undefined);
    db?.close();
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

/** Logs in as a fresh admin created with the setup token (the first visitor's path). */
export async function setupFirstAdmin(f: AgentFixture, client: ApiClient, username = 'root'): Promise<void> {
  const res = await client.request('POST', '/api/v1/setup', { json: { token: f.agent.setupToken, username, password: PASSWORD } });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${res.text}`);
}

export function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      const v = fn();
      if (v) { resolve(v); return; }
      if (Date.now() > deadline) { reject(new Error(`timed out waiting for ${what}`)); return; }
      setTimeout(tick, 25);
    };
    tick();
  });
}
