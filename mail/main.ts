// The mail daemon's composition root: reads the config, opens the store, picks the
// implementations, starts the listeners and owns the process's signals. Nothing below here
// reads config files or the environment.
//
// Listeners: `listen.smtp` (the MX) for now; submission, IMAP and POP3 belong to later issues.
// Shutdown (SIGTERM/SIGINT): stop accepting, answer 421 4.3.2 to new commands, let messages
// being received finish (or abort them at the drain deadline), close the store and the
// database; a hard deadline ends the process 9.5 s after the signal whatever happens.

import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, type Config } from '../core/config.js';
import { writeSync } from 'node:fs';
import { createBufferedSink, createLogger, type Logger } from '../core/log.js';
import { createDiskReserveCheck } from './delivery/disk-reserve.js';
import { PregreetGate } from './pipeline/pregreet-gate.js';
import { SmtpListener } from './listener/smtp-listener.js';
import { SmtpSessionServer } from './session/smtp/smtp-session-server.js';
import type { SmtpSessionDeps } from './session/smtp/deps.js';
import { DATABASE_FILE, openDatabase } from './store/sqlite/database.js';
import { SqliteDirectory } from './store/sqlite/directory.js';
import { SqliteMailStore } from './store/sqlite/mail-store.js';
import { FsBlobStore } from './store/fs/blob-store.js';

/** Whole-process deadline after a stop signal. */
const HARD_DEADLINE_MS = 9_500;
/** How long open sessions get to finish before they are cut off. */
const DRAIN_MS = 7_000;

export interface MailDaemon {
  /** Resolves once the daemon has stopped (after stop() or a signal). */
  readonly stopped: Promise<void>;
  /** The bound addresses by listener name. */
  readonly addresses: Record<string, { address: string; port: number }>;
  stop(reason?: string): Promise<void>;
}

/** Runs the daemon until SIGTERM or SIGINT; resolves when it has shut down. */
export async function runMailDaemon(dataDir: string): Promise<void> {
  const daemon = await startMailDaemon(dataDir, { handleSignals: true });
  await daemon.stopped;
}

export async function startMailDaemon(dataDir: string, options: { handleSignals?: boolean; logger?: Logger } = {}): Promise<MailDaemon> {
  const config = loadConfig(dataDir);
  const logger = options.logger ?? createLogger({ level: config.log.level, bindings: { component: 'mail' }, sink: stdoutSink() });
  const db = openDatabase(path.join(config.dataDir, DATABASE_FILE));
  let blobs: FsBlobStore;
  let mailStore: SqliteMailStore;
  try {
    blobs = await FsBlobStore.open({ dataDir: config.dataDir, logger });
    mailStore = new SqliteMailStore({ db, blobs, logger });
  } catch (err) {
    db.close();
    throw err;
  }
  const directory = new SqliteDirectory({ db, mailStore, logger });
  // A crash between a body's commit and its index entry leaves an unreferenced file; sweep them
  // in the background (only old ones, so deliveries in flight are never touched).
  void mailStore.sweepOrphanBlobs().then(
    (removed) => { if (removed) logger.info('removed orphan message files', { removed, outcome: 'swept' }); },
    (err: unknown) => logger.warn('orphan sweep failed', { err, outcome: 'error' }),
  );

  const disk = createDiskReserveCheck({
    reserve: config.limits.diskReserve,
    probe: async () => {
      const s = await statfs(config.dataDir);
      return Number(s.bavail) * Number(s.bsize);
    },
  });

  const session = new SmtpSessionServer({
    hostname: config.hostname,
    limits: {
      maxMessageSize: config.limits.maxMessageSize,
      maxRecipients: config.limits.maxRecipients,
      maxLineLength: config.limits.maxLineLength,
      idleTimeout: config.limits.idleTimeout,
      maxErrors: config.limits.maxErrors,
    },
    tls: readTls(config, logger),
    directory,
    mailStore,
    checks: [disk],
    logger,
    reverseLookup: reverseLookup(config),
    pregreet: new PregreetGate({ waitMs: config.limits.greetingWait }),
  });

  const listeners: SmtpListener[] = [];
  const addresses: Record<string, { address: string; port: number }> = {};
  const closeAll = async () => {
    await Promise.allSettled(listeners.map((l) => l.close(DRAIN_MS)));
    await session.settled();
    // smtp-server reports closed sessions on the next turn; let their log lines out first.
    await new Promise((resolve) => setImmediate(resolve));
    await mailStore.close();
    db.close();
  };

  try {
    if (config.listen.smtp) {
      const smtp = new SmtpListener({ name: 'smtp', hostname: config.hostname, limits: config.limits, session, logger });
      listeners.push(smtp);
      const bound = await smtp.listen(config.listen.smtp);
      addresses.smtp = { address: bound.address, port: bound.port };
    } else {
      logger.warn('no SMTP listener configured (listen.smtp is null)', { outcome: 'disabled' });
    }
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => { resolveStopped = r; });
  let stopping: Promise<void> | null = null;

  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals) => { void stop(signal); };

  const stop = (reason = 'stop'): Promise<void> => {
    if (stopping) return stopping;
    logger.info('shutting down', { reason, outcome: 'stopping' });
    const hard = setTimeout(() => {
      logger.error('shutdown deadline passed, exiting', { outcome: 'killed' });
      process.exit(1);
    }, HARD_DEADLINE_MS);
    hard.unref();
    stopping = closeAll().then(
      () => {
        clearTimeout(hard);
        if (options.handleSignals) for (const s of signals) process.off(s, onSignal);
        logger.info('stopped', { outcome: 'stopped' });
        resolveStopped();
      },
      (err: unknown) => {
        logger.error('shutdown failed', { err, outcome: 'error' });
        resolveStopped();
      },
    );
    return stopping;
  };

  if (options.handleSignals) for (const s of signals) process.on(s, onSignal);
  logger.info('mail daemon started', { hostname: config.hostname, dataDir: config.dataDir, outcome: 'started' });
  return { stopped, addresses, stop };
}

/** The STARTTLS certificate from `mailroom init` (or the operator); without it no STARTTLS. */
function readTls(config: Config, logger: Logger): SmtpSessionDeps['tls'] {
  try {
    return { key: readFileSync(config.tls.key), cert: readFileSync(config.tls.cert) };
  } catch (err) {
    logger.warn('TLS certificate not readable; STARTTLS disabled', { key: config.tls.key, cert: config.tls.cert, err, outcome: 'no-tls' });
    return null;
  }
}

/** Reverse DNS for Received fields and logs, through dns.servers when configured. */
function reverseLookup(config: Config): SmtpSessionDeps['reverseLookup'] {
  const resolver = new dns.Resolver({ timeout: 1500, tries: 1 });
  if (config.dns.servers.length > 0) resolver.setServers([...config.dns.servers]);
  // Loopback clients (local tools, tests, a local filter) need no PTR query.
  return (ip, cb) => (isLoopback(ip) ? cb(null, ['localhost']) : resolver.reverse(ip, cb));
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
}

/** JSON lines to stdout, one write per event-loop turn; what is pending is written at exit. */
function stdoutSink() {
  let exiting = false;
  // At exit there are no more turns: write the rest synchronously.
  const sink = createBufferedSink((text) => { if (exiting) writeSync(1, text); else process.stdout.write(text); });
  process.once('exit', () => { exiting = true; sink.flush(); });
  return sink;
}
