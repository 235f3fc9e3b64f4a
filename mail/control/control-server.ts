// The mail daemon's control server: HTTP + JSON on a Unix socket (DIR/run/control.sock, mode
// 0660), for the agent (the admin panel's backend) and nothing else. The socket's file mode and
// its directory (0750) are the access control: whoever may connect may administer mail, so
// the agent's user is put in the daemon's group and nobody else is.
//
// Routes (all JSON; refusals as {error: {code, message}} with the directory's codes):
//   GET    /v1/health                       the daemon answers
//   GET    /v1/domains   POST /v1/domains {name}   DELETE /v1/domains/:name
//   GET    /v1/domains/:name/dns            records to publish (as `mailroom dns --json`)
//   GET    /v1/users?domain=   GET /v1/users/:address   POST /v1/users {address, password, quota?}
//   DELETE /v1/users/:address   PUT /v1/users/:address/password {password}   PUT /v1/users/:address/quota {quota}
//   GET    /v1/aliases?domain=   POST /v1/aliases {address, targets}   DELETE /v1/aliases/:address
//   GET    /v1/queue   GET /v1/queue/summary   POST /v1/queue/:id/retry   DELETE /v1/queue/:id
//   GET    /v1/stats                        today's counters and the queue's size
//   GET    /v1/logs?limit=&level=&since=    recent log lines
//   GET    /v1/events                       live events, newline-delimited JSON
//   POST   /v1/system-mail {to, subject, text}
//   GET    /v1/quota   PUT /v1/domains/:name/quota {quota}   quota report; a domain's quota
//   GET    /v1/tls   POST /v1/tls/reload   the served certificate; read tls.cert/tls.key again

import { chmod, mkdir, unlink } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { MailroomError } from '../../core/errors.js';
import type { ControlDeps } from './control-deps.js';
import { ControlRequestError, errorBody, statusForError } from './control-errors.js';
import { ControlRouter, type ControlMethod, type ControlRoute } from './control-router.js';
import { summarizeQueue } from './queue-view.js';
import { aliasRoutes } from './routes/aliases.js';
import { forwardRoutes } from './routes/forwards.js';
import { dnsRoutes } from './routes/dns.js';
import { domainRoutes } from './routes/domains.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { logRoutes } from './routes/logs.js';
import { queueRoutes } from './routes/queue.js';
import { quotaRoutes } from './routes/quota.js';
import { listRoutes } from './routes/lists.js';
import { statsRoutes } from './routes/stats.js';
import { systemMailRoutes } from './routes/system-mail.js';
import { tlsRoutes } from './routes/tls.js';
import { userRoutes } from './routes/users.js';

/** Request bodies are small JSON objects; anything bigger is not ours. */
const MAX_BODY_BYTES = 64 * 1024;
const SOCKET_MODE = 0o660;
const RUN_DIR_MODE = 0o750;

export interface ControlServerOptions extends Omit<ControlDeps, 'startedAt' | 'version'> {
  /** DIR/run/control.sock */
  socketPath: string;
  version?: string;
  startedAt?: Date;
}

export interface ControlServer {
  readonly socketPath: string;
  /** Ends the event streams, stops accepting and removes the socket file. */
  close(): Promise<void>;
}

export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const deps: ControlDeps = { ...options, version: options.version ?? '0.0.0', startedAt: options.startedAt ?? new Date() };
  const log = deps.logger;
  const streams = new Set<() => void>();
  const routes: ControlRoute[] = [
    ...healthRoutes(deps), ...domainRoutes(deps), ...dnsRoutes(deps), ...userRoutes(deps), ...aliasRoutes(deps),
    ...queueRoutes(deps), ...statsRoutes(deps), ...logRoutes(deps), ...eventRoutes(deps, streams), ...systemMailRoutes(deps),
    ...tlsRoutes(deps),
    ...quotaRoutes(deps),
    ...listRoutes(deps),
    ...forwardRoutes(deps),
  ];
  const router = new ControlRouter(routes);
  deps.tap.setQueueSummary(() => summarizeQueue(deps.spool.list()));

  const server = http.createServer((req, res) => {
    void handle(router, req, res, log);
  });
  // The event stream stays open for as long as the agent runs.
  server.requestTimeout = 0;
  server.headersTimeout = 10_000;

  await prepareSocketPath(options.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => { server.off('error', reject); resolve(); });
  });
  await chmod(options.socketPath, SOCKET_MODE);
  log.info('control socket listening', { socket: options.socketPath, outcome: 'listening' });

  let closing: Promise<void> | null = null;
  return {
    socketPath: options.socketPath,
    close() {
      closing ??= (async () => {
        for (const end of [...streams]) end();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await unlink(options.socketPath).catch(() => undefined);
      })();
      return closing;
    },
  };
}

/**
 * Creates DIR/run (0750) and removes a socket file left by a daemon that died; refuses when a
 * live daemon still answers on it (two daemons on one data directory would corrupt nothing, the
 * database serialises them, but the second could not be administered).
 */
async function prepareSocketPath(socketPath: string): Promise<void> {
  await mkdir(path.dirname(socketPath), { recursive: true, mode: RUN_DIR_MODE });
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new MailroomError('control_socket_in_use', `another mail daemon answers on ${socketPath}`);
  await unlink(socketPath).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
}

async function handle(router: ControlRouter, req: http.IncomingMessage, res: http.ServerResponse, log: ControlDeps['logger']): Promise<void> {
  const started = Date.now();
  const method = (req.method ?? 'GET') as ControlMethod;
  let pathname = '/';
  try {
    const url = new URL(req.url ?? '/', 'http://control');
    pathname = url.pathname;
    const { route, params } = router.match(method, pathname);
    const body = method === 'POST' || method === 'PUT' ? await readJsonBody(req) : undefined;
    const reply = await route.handle({ params, query: url.searchParams, body, req, res });
    if ('streaming' in reply) return;
    sendJson(res, reply.status, reply.body);
    log.debug('control request', { method, path: pathname, status: reply.status, ms: Date.now() - started });
  } catch (err) {
    const status = statusForError(err);
    if (status === 500) log.error('control request failed', { method, path: pathname, err, outcome: 'error' });
    else log.info('control request refused', { method, path: pathname, status, code: (err as MailroomError).code, outcome: 'refused' });
    if (res.headersSent) res.destroy();
    else sendJson(res, status, errorBody(err));
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readJsonBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ControlRequestError(413, 'body_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ControlRequestError(415, 'unsupported_media_type', 'request bodies must be application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ControlRequestError(400, 'invalid_json', 'the request body is not valid JSON');
  }
}
