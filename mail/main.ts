// The mail daemon's composition root: reads the config, opens the store, picks the
// implementations, starts the listeners and owns the process's signals. Nothing below here
// reads config files or the environment.
//
// Listeners: `listen.smtp` (the MX), `listen.submission` (587, STARTTLS),
// `listen.submissions` (465, implicit TLS), `listen.pop3` (110, STLS), `listen.pop3s` (995),
// `listen.imap` (143, STARTTLS) and `listen.imaps` (993).
// The outbound queue (DATA/queue + the queue tables) runs here too: the QueueRunner delivers
// what submission spooled, and DSNs go to local senders' mailboxes or back into the spool.
// Shutdown (SIGTERM/SIGINT): stop accepting, answer 421 4.3.2 to new commands, let messages
// being received finish (or abort them at the drain deadline), close the store and the
// database; a hard deadline ends the process 9.5 s after the signal whatever happens.

import dns from 'node:dns';
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, parseConfig, queueDir, type Config } from '../core/config.js';
import { gracefulStop } from '../core/graceful-stop.js';
import { writeSync } from 'node:fs';
import { createBufferedSink, createLogger, type Logger } from '../core/log.js';
import { createDiskReserveCheck } from './delivery/disk-reserve.js';
import { PregreetGate } from './pipeline/pregreet-gate.js';
import { SmtpListener } from './listener/smtp-listener.js';
import { TlsContextSource } from './listener/tls-context-source.js';
import { SmtpSessionServer } from './session/smtp/smtp-session-server.js';
import type { SmtpSessionDeps } from './session/smtp/deps.js';
import { DATABASE_FILE, openDatabase } from './store/sqlite/database.js';
import { migrateMailDatabase } from './store/sqlite/mail-database-schema.js';
import { SqliteDirectory } from './store/sqlite/directory.js';
import { SqliteMailStore } from './store/sqlite/mail-store.js';
import { FsBlobStore } from './store/fs/blob-store.js';
import { AuthPenalty } from './auth/auth-penalty.js';
import { BanList, banSettings } from './auth/ban-list.js';
import { credentialCacheFromConfig } from './auth/credential-cache.js';
import { createMxPolicyChecks } from './pipeline/mx-policy-checks.js';
import { SqliteGreylistStore } from './store/sqlite/greylist-store.js';
import { startPop3Service, type Pop3Service } from './session/pop3/index.js';
import { startImapService, type ImapService } from './session/imap/index.js';
import { createBounceHandOff } from './delivery/bounce-hand-off.js';
import { srsReversingBounceHandOff } from './delivery/forward-bounce.js';
import type { ForwardingSessionDeps } from './delivery/forward-delivery.js';
import { SqliteForwardStore } from './store/sqlite/forward-store.js';
import { loadSrsKey } from './srs/srs-key.js';
import { srsForward } from './srs/srs-codec.js';
import { dkimMessageSigner, startSigningDir } from './delivery/dkim-message-signer.js';
import type { MessageSigner } from './delivery/message-signer.js';
import { createWorkerDkimSigner, type WorkerDkimSigner } from './queue/dkim-worker-signer.js';
import { FsDkimKeyStore } from './store/fs/dkim-key-store.js';
import { createDnsLookup } from './queue/dns-lookup.js';
import { MessageSpool } from './store/fs/message-spool.js';
import { createMailauthResolver } from './pipeline/mailauth-resolver.js';
import { createMessageAuthenticator } from './pipeline/message-auth.js';
import { createContentFilters } from './pipeline/content-filters.js';
import { createMtaStsSource } from './queue/mta-sts-source.js';
import { createPolicyFetcher } from './queue/mta-sts-fetcher.js';
import { clientPorts } from './control/client-ports.js';
import { createCheckResolver } from './dns/check-resolver.js';
import { CONTROL_SOCKET } from './control/control-protocol.js';
import { startControlServer, type ControlServer } from './control/control-server.js';
import { createControlTap } from './control/control-tap.js';
import { deliverToDomain, relayDestination, relayTlsMode } from './queue/domain-delivery.js';
import { QueueRunner } from './queue/queue-runner.js';
import { SmtpConnectionCache } from './queue/smtp-connection-cache.js';
import { DEFAULT_RETRY_STEPS_MS } from './queue/retry-schedule.js';
import { OutboundSpool } from './queue/spool.js';
import type { SubmissionDeps } from './session/submission/deps.js';
import { SenderRateLimit } from './session/submission/sender-rate-limit.js';
import { createSubmissionSessionServer } from './session/submission/submission-session-server.js';
import { SqliteSieveStore } from './store/sqlite/sieve-store.js';
import { createSieveHook } from './delivery/sieve-delivery.js';
import { createListService } from './lists/list-setup.js';
import { listBounceHandOff } from './lists/list-bounce-hand-off.js';
import type { ListSessionDeps } from './lists/list-rcpt.js';
import { listPostingQueue } from './lists/list-submission-queue.js';
import { startManageSieveService, type ManageSieveService } from './session/managesieve/index.js';


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

/**
 * Work every start does anyway, done ahead while `serve` waits for first boot's config (see
 * cli/commands/serve.ts): the SQLite addon's load (its first database) and zod's lazy set-up of
 * the config schema (its first parse; a later parse is about a fifth of it). Natively 15 ms;
 * under software emulation it is about a second the daemon would otherwise spend after the
 * config appears. Nothing here depends on the data directory.
 */
export function warmUpMailDaemon(): void {
  openDatabase(':memory:').close();
  parseConfig({ hostname: 'warm-up.invalid' }, '/nonexistent');
}

/** Runs the daemon until SIGTERM or SIGINT; resolves when it has shut down. */
export async function runMailDaemon(dataDir: string, beforeStart: Readonly<Record<string, number>> = {}): Promise<void> {
  const daemon = await startMailDaemon(dataDir, { handleSignals: true, beforeStart });
  await daemon.stopped;
}

export interface MailDaemonOptions {
  handleSignals?: boolean;
  logger?: Logger;
  /** Signing of submitted mail; default DKIM with the domain's active keys (DATA/dkim). */
  signer?: MessageSigner;
  /** Steps before the start, in ms since Node.js started, for startMs (`serve`: loaded, warmedUp, configSeen). */
  beforeStart?: Readonly<Record<string, number>>;
}

export async function startMailDaemon(dataDir: string, options: MailDaemonOptions = {}): Promise<MailDaemon> {
  // How long each part of the start took, in the "mail daemon started" line: under software
  // emulation (the image's boot test) a start takes seconds, and this says where they went.
  const startTimes = startClock(options.beforeStart);
  const config = loadConfig(dataDir);
  startTimes.mark('config');
  // The control tap sees every log line and queue event, for the agent's live views and counters.
  const controlTap = createControlTap();
  const logger = options.logger ?? createLogger({ level: config.log.level, bindings: { component: 'mail' }, sink: controlTap.sink(stdoutSink()) });
  const db = openDatabase(path.join(config.dataDir, DATABASE_FILE));
  try {
    migrateMailDatabase(db);
  } catch (err) {
    db.close();
    throw err;
  }
  startTimes.mark('database');
  let blobs: FsBlobStore;
  let mailStore: SqliteMailStore;
  let spool: OutboundSpool;
  try {
    blobs = await FsBlobStore.open({ dataDir: config.dataDir, logger });
    // The daemon is the one process that moves small bodies from the intake to their files.
    mailStore = new SqliteMailStore({ db, blobs, logger, intake: true });
  } catch (err) {
    db.close();
    throw err;
  }
  try {
    spool = await OutboundSpool.open({ db, spoolDir: queueDir(config), logger: logger.child({ component: 'queue' }) });
    startTimes.mark('stores');
  } catch (err) {
    await mailStore.close().catch(() => undefined);
    db.close();
    throw err;
  }
  // auth.cache: a repeated password login within its ttl skips scrypt (null when ttl is 0).
  const directory = new SqliteDirectory({ db, mailStore, logger, credentialCache: credentialCacheFromConfig(config.auth.cache) });
  // Forwarders and SRS (mail/delivery/forward-*.ts): the key from srs.secret or DIR/secrets.
  const forwardStore = new SqliteForwardStore({ db, logger });
  const srs = { key: loadSrsKey(config.dataDir, config.srs.secret), domain: config.srs.domain ?? config.hostname, maxAgeDays: config.srs.maxAgeDays };
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

  // DKIM: every submitted message is signed for the sender's domain with its active keys (none:
  // unsigned). Messages being signed spill to DATA/signing, never whole into memory. Up to
  // 256 KiB they are signed on a worker thread, off the thread that runs the sessions.
  const signingDir = path.join(config.dataDir, 'signing');
  let signer: MessageSigner;
  let dkimWorker: WorkerDkimSigner | null = null;
  try {
    await startSigningDir(signingDir);
    if (options.signer) signer = options.signer;
    else {
      dkimWorker = createWorkerDkimSigner({ keys: new FsDkimKeyStore({ dataDir: config.dataDir }), logger: logger.child({ component: 'dkim' }) });
      signer = dkimMessageSigner(dkimWorker, signingDir);
    }
  } catch (err) {
    await mailStore.close().catch(() => undefined);
    db.close();
    throw err;
  }

  // Inbound verification on the MX: messages wait in DATA/tmp/inbound (memory up to 256 KB)
  // while SPF/DKIM/DMARC/ARC are checked. DNS timeouts are short (2 s, 2 tries per query) and
  // the whole verification is bounded (inbound.verifyTimeout): a dead resolver gives temperror
  // results and the message is still accepted, it never hangs the session.
  let inboundAuth: SmtpSessionDeps['inboundAuth'] = null;
  if (config.inbound.verify) {
    try {
      inboundAuth = {
        spool: await MessageSpool.start(path.join(config.dataDir, 'tmp', 'inbound')),
        authenticator: createMessageAuthenticator({
          hostname: config.hostname,
          resolver: createMailauthResolver({ servers: config.dns.servers, timeoutMs: 2000, tries: 2 }),
          dmarcQuarantine: config.dmarc.quarantine,
          timeoutMs: config.inbound.verifyTimeout * 1000,
        }),
      };
    } catch (err) {
      await mailStore.close().catch(() => undefined);
      db.close();
      throw err;
    }
  }

  // Content filters on the MX (antivirus.clamd, spam.rspamd; an engine left out is not asked):
  // the message waits in the same spool as for verification while clamd and rspamd read it.
  const contentFilters = createContentFilters(config, { logger: logger.child({ component: 'filter' }) });
  let dataChecks: SmtpSessionDeps['dataChecks'] = null;
  if (contentFilters.checks.length > 0) {
    try {
      dataChecks = { checks: contentFilters.checks, spool: inboundAuth?.spool ?? await MessageSpool.start(path.join(config.dataDir, 'tmp', 'inbound')) };
    } catch (err) {
      contentFilters.close();
      await mailStore.close().catch(() => undefined);
      db.close();
      throw err;
    }
  }

  const dnsLookup = createDnsLookup({ servers: config.dns.servers });
  // MTA-STS (RFC 8461): policies fetched over HTTPS with the system's trust store, resolved
  // through dns.servers like every other lookup of the queue; not used through a smarthost.
  const mtaSts = createMtaStsSource({ dns: dnsLookup, fetchPolicy: createPolicyFetcher({ dns: dnsLookup }) });
  const relay = config.outbound.relay;
  // Outbound sessions reused for the next message to the same destination (queue.connectionReuse).
  const outboundSessions = new SmtpConnectionCache({
    maxTransactions: config.queue.connectionReuse.messagesPerConnection,
    idleTimeoutMs: config.queue.connectionReuse.idleTimeout * 1000, maxAgeMs: config.queue.connectionReuse.maxAge * 1000,
  });
  // Called only once the runner exists (after an enqueue).
  const kickQueue = () => runner.kick();
  const runner: QueueRunner = new QueueRunner({
    spool,
    deliver: (domain, message) => deliverToDomain(domain, message, {
      dns: dnsLookup,
      heloName: config.hostname,
      mxPort: config.outbound.port,
      mtaSts,
      connections: outboundSessions,
      relay: relay ? {
        host: relay.host, port: relay.port, tls: relayTlsMode(relay.tls),
        ...(relay.username !== undefined ? { username: relay.username } : {}), ...(relay.password !== undefined ? { password: relay.password } : {}),
      } : null,
    }),
    // Behind a smarthost every domain goes to one destination: the per-destination limit is its.
    ...(relay ? { destinationOf: () => relayDestination(relay) } : {}),
    connections: outboundSessions,
    // DSNs to a list's VERP address count for the member (mail/lists/list-bounce-hand-off.ts).
    handOffBounce: listBounceHandOff(() => lists, srsReversingBounceHandOff({ srs, now: () => new Date(), logger: logger.child({ component: 'queue' }), queue: spool, onQueued: kickQueue },
      createBounceHandOff({ directory, mailStore, queue: spool, onQueued: kickQueue }))),
    hostname: config.hostname,
    retry: { steps: DEFAULT_RETRY_STEPS_MS, maxAgeMs: config.queue.maxAge * 1000 },
    limits: { total: config.queue.concurrency.total, perDomain: config.queue.concurrency.perDomain },
    pollIntervalMs: config.queue.pollInterval * 1000,
    onEvent: controlTap.onQueueEvent,
    logger: logger.child({ component: 'queue' }),
  });

  const tls = readTls(config, logger);
  // Renewed certificates (`tls reload` on the control socket, or SIGHUP) reach every listener
  // and STARTTLS path below without a restart; open connections keep what they negotiated.
  const tlsSource = new TlsContextSource({ read: () => ({ key: readFileSync(config.tls.key), cert: readFileSync(config.tls.cert) }) });
  if (tls) tlsSource.load();
  // The listeners share the source's context: each building its own from the same key and
  // certificate cost 2-3 ms of CPU apiece natively, seconds in all on the appliance's emulated boot.
  const listenerTls = tls && tlsSource.current ? { ...tls, context: tlsSource.current.context } : tls;
  // Failed logins on any port count towards a ban of the address (auth.ban); a ban is enforced
  // here and announced on the control socket, where the agent feeds the firewall's blocklist.
  const bans = new BanList({ ...banSettings(config.auth.ban), onBan: (ban) => {
    logger.warn('address banned after failed logins', { remote: ban.ip, seconds: ban.seconds, reason: ban.reason, outcome: 'banned' });
    controlTap.events.publish({ type: 'auth.ban', ip: ban.ip, seconds: ban.seconds, reason: ban.reason });
  } });
  const sessionDeps: SmtpSessionDeps = {
    hostname: config.hostname,
    limits: {
      maxMessageSize: config.limits.maxMessageSize,
      maxRecipients: config.limits.maxRecipients,
      maxLineLength: config.limits.maxLineLength,
      idleTimeout: config.limits.idleTimeout,
      maxErrors: config.limits.maxErrors,
    },
    tls,
    directory,
    mailStore,
    checks: [disk],
    bans,
    logger,
    reverseLookup: reverseLookup(config),
    pregreet: new PregreetGate({ waitMs: config.limits.greetingWait }),
  };
  // Verification belongs to the MX only; submission's own DATA handler never looks at it.
  // MX-only policy (rate, DNSBL, HELO, reverse DNS, greylisting): submission clients are our users.
  const mxChecks = createMxPolicyChecks(config, { logger, greylistStore: () => new SqliteGreylistStore(db) });
  const forwarding: ForwardingSessionDeps = { forwarding: { srs, forwards: forwardStore, directory, mailStore, queue: spool, onQueued: kickQueue, now: () => new Date() } };
  // Submission honours forwards too (delivery/forward-submission.ts): local recipients who forward.
  Object.assign(sessionDeps, forwarding);
  // Mailing lists (mail/lists): the MX's RCPT and DATA hooks read `lists` from the session deps.
  const lists = createListService({ config, db, directory, mailStore, queue: spool, onQueued: kickQueue, signer, logger });
  Object.assign(sessionDeps, { lists } satisfies ListSessionDeps);
  // Sieve on the MX (delivery/sieve-delivery.ts) and ManageSieve share one script store.
  const sieveStore = new SqliteSieveStore(db);
  const sieveSessionDeps = async () => ({ sieve: createSieveHook({
    store: sieveStore, mailStore, directory, queue: spool, onQueued: kickQueue, hostname: config.hostname, limits: config.limits.sieve,
    // A redirected copy leaves with an SRS sender, as a forwarded one does, so it passes SPF.
    redirectEnvelopeSender: (sender: string) => srsForward(sender, srs, new Date()),
    spool: inboundAuth?.spool ?? dataChecks?.spool ?? await MessageSpool.start(path.join(config.dataDir, 'tmp', 'inbound')),
  }) });
  const session = new SmtpSessionServer({ ...sessionDeps, checks: [disk, ...mxChecks], inboundAuth, dataChecks, ...forwarding, ...await sieveSessionDeps() });
  // One penalty table for every protocol: an IP's failed logins count across SMTP, POP3 and IMAP.
  const authPenalty = new AuthPenalty({ bans });
  let pop3: Pop3Service | null = null;
  let imap: ImapService | null = null;
  let managesieve: ManageSieveService | null = null;
  const submissionDeps: SubmissionDeps = {
    queue: spool,
    onQueued: kickQueue,
    penalty: authPenalty,
    rateLimit: new SenderRateLimit(config.limits.submission),
    signer,
    allowInsecureAuth: config.auth.allowInsecure,
    implicitTls: false,
  };
  // Members' posts through submission go to the list, not round through our MX (mail/lists/list-submission-queue.ts).
  submissionDeps.queue = listPostingQueue(lists, submissionDeps.queue, logger.child({ component: 'lists' }));
  const submission = createSubmissionSessionServer(sessionDeps, submissionDeps);
  const submissions = createSubmissionSessionServer(sessionDeps, { ...submissionDeps, implicitTls: true });

  const listeners: SmtpListener[] = [];
  const addresses: Record<string, { address: string; port: number }> = {};
  let control: ControlServer | null = null;
  const closeAll = async () => {
    await control?.close().catch(() => undefined);
    // The runner's attempts get the same drain time as the sessions; what is still running then
    // stays pending in the spool and is tried again after the restart.
    await Promise.allSettled([...listeners.map((l) => l.close(DRAIN_MS)), pop3?.close(DRAIN_MS), imap?.close(DRAIN_MS), managesieve?.close(DRAIN_MS), runner.stop(DRAIN_MS)]);
    await Promise.allSettled([session.settled(), submission.settled(), submissions.settled()]);
    await dkimWorker?.close().catch(() => undefined);
    // smtp-server reports closed sessions on the next turn; let their log lines out first.
    await new Promise((resolve) => setImmediate(resolve));
    await mailStore.close();
    // The spool's commit worker: its writes in flight finish, then the thread stops.
    await spool.close().catch(() => undefined);
    db.close();
    contentFilters.close();
  };

  startTimes.mark('sessions');
  try {
    if (config.listen.smtp) {
      const smtp = new SmtpListener({ name: 'smtp', hostname: config.hostname, limits: config.limits, session, logger });
      listeners.push(smtp);
      const bound = await smtp.listen(config.listen.smtp);
      addresses.smtp = { address: bound.address, port: bound.port };
      startTimes.mark('smtp');
    } else {
      logger.warn('no SMTP listener configured (listen.smtp is null)', { outcome: 'disabled' });
    }
    if (config.listen.submission) {
      const l = new SmtpListener({ name: 'submission', hostname: config.hostname, limits: config.limits, session: submission, logger });
      listeners.push(l);
      const bound = await l.listen(config.listen.submission);
      addresses.submission = { address: bound.address, port: bound.port };
    }
    if (config.listen.submissions && tls) {
      const l = new SmtpListener({ name: 'submissions', hostname: config.hostname, limits: config.limits, session: submissions, logger, implicitTls: listenerTls });
      listeners.push(l);
      const bound = await l.listen(config.listen.submissions);
      addresses.submissions = { address: bound.address, port: bound.port };
    } else if (config.listen.submissions) {
      logger.warn('no TLS certificate: implicit-TLS submission (listen.submissions) disabled', { outcome: 'disabled' });
    }
    pop3 = await startPop3Service({
      hostname: config.hostname,
      listen: { pop3: config.listen.pop3, pop3s: config.listen.pop3s },
      tls: listenerTls, // null: no STLS and no 995 listener (it warns)
      // RFC 1939 section 3: the autologout timer is at least 10 minutes.
      limits: { ...config.limits, idleTimeout: Math.max(config.limits.idleTimeout, 600) },
      allowInsecureAuth: config.auth.allowInsecure,
      directory, mailStore, logger, authPenalty,
    });
    Object.assign(addresses, pop3.addresses);
    imap = await startImapService({
      hostname: config.hostname,
      listen: { imap: config.listen.imap, imaps: config.listen.imaps },
      tls: listenerTls, // null: no STARTTLS and no 993 listener (it warns)
      limits: {
        connectionsPerIp: config.limits.connectionsPerIp,
        maxConnections: config.limits.maxConnections,
        maxErrors: config.limits.maxErrors,
        appendLimit: config.limits.maxMessageSize,
        maxLineLength: config.limits.imap.maxLineLength,
        // A literal outside APPEND (a search string, a password) is a piece of a command line.
        maxLiteralSize: config.limits.imap.maxLineLength,
        idleTimeout: config.limits.imap.idleTimeout,
        preAuthTimeout: config.limits.imap.preAuthTimeout,
        connectionsPerUser: config.limits.imap.connectionsPerUser,
      },
      allowInsecureAuth: config.auth.allowInsecure,
      directory, mailStore, logger, authPenalty,
      version: packageVersion(),
      spamLearner: contentFilters.learner,
      diskSpace: { freeBytes: disk.freeBytes, reserve: config.limits.diskReserve },
      // List archives as the members' "Shared/LIST" folders (mail/lists/list-archive-folders.ts).
      sharedFolders: lists.archiveFolders(),
    });
    Object.assign(addresses, imap.addresses);
    managesieve = await startManageSieveService({
      hostname: config.hostname, listen: config.listen.managesieve, tls: listenerTls, allowInsecureAuth: config.auth.allowInsecure,
      limits: { ...config.limits.sieve, connectionsPerIp: config.limits.connectionsPerIp, maxConnections: config.limits.maxConnections, maxLineLength: config.limits.maxLineLength, idleTimeout: config.limits.idleTimeout, maxErrors: config.limits.maxErrors },
      directory, scripts: sieveStore, logger, authPenalty, version: packageVersion(),
    });
    Object.assign(addresses, managesieve.addresses);
    tlsSource.onChange((credentials, context) => {
      // smtp-server takes STARTTLS's context from its own map at each upgrade.
      for (const s of [session, submission, submissions]) s.server.updateSecureContext({ key: credentials.key, cert: credentials.cert });
      for (const l of listeners) l.setSecureContext(context);
      pop3?.setSecureContext(context);
      imap?.setSecureContext(context);
    });
    runner.start();
    // The agent's way in (domains, users, queue, logs, events): a Unix socket in the data dir.
    startTimes.mark('listeners');
    control = await startControlServer({
      socketPath: path.join(config.dataDir, 'run', CONTROL_SOCKET),
      hostname: config.hostname,
      clientPorts: clientPorts(config.listen),
      directory, mailStore, spool,
      forwards: forwardStore,
      dkimKeys: new FsDkimKeyStore({ dataDir: config.dataDir }),
      tap: controlTap,
      // The panel's live DNS record check asks the servers the daemon resolves with.
      dnsCheck: createCheckResolver(config.dns.servers),
      kickQueue,
      lists,
      // `quota report` shows the data directory's space and the reserve.
      disk: { path: config.dataDir, reserve: config.limits.diskReserve, stat: async () => { const s = await statfs(config.dataDir); return { free: Number(s.bavail) * Number(s.bsize), total: Number(s.blocks) * Number(s.bsize) }; } },
      logger: logger.child({ component: 'control' }),
      version: packageVersion(),
      ...(tls ? { tls: { current: () => tlsSource.current?.info ?? null, reload: () => tlsSource.reload() } } : {}),
    });
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }

  const { stopped, stop } = gracefulStop({ logger, close: closeAll, handleSignals: options.handleSignals === true, hardDeadlineMs: HARD_DEADLINE_MS });
  if (options.handleSignals && tls) {
    // SIGHUP: read tls.cert/tls.key again (as `tls reload` on the control socket does).
    const onHup = () => {
      try {
        const info = tlsSource.reload();
        logger.info('tls certificate reloaded', { subject: info.subject, issuer: info.issuer, notAfter: info.notAfter, fingerprint: info.fingerprint256, outcome: 'reloaded' });
      } catch (err) {
        logger.warn('tls certificate reload refused; the previous certificate stays in use', { err, outcome: 'refused' });
      }
    };
    process.on('SIGHUP', onHup);
    void stopped.then(() => process.off('SIGHUP', onHup));
  }
  startTimes.mark('control');
  logger.info('mail daemon started', { hostname: config.hostname, dataDir: config.dataDir, startMs: startTimes.marks, outcome: 'started' });
  return { stopped, addresses, stop };
}

/**
 * Milliseconds since the daemon's start at each named step; `process` (the daemon's start) and
 * the steps before it (`beforeStart`) are in milliseconds since Node.js started instead: its own
 * start and the code's load, which the daemon's clock does not see.
 */
function startClock(beforeStart: Readonly<Record<string, number>> = {}): { marks: Record<string, number>; mark(name: string): void } {
  const t0 = performance.now();
  const marks: Record<string, number> = { ...beforeStart, process: Math.round(t0) };
  return { marks, mark: (name) => { marks[name] = Math.round(performance.now() - t0); } };
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

/** The version in package.json (for IMAP ID); the compiled file is dist/mail/main.js. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
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
