// The agent's composition root (`mailroom agent`): reads the config, opens the agent's own
// database (DIR/agent.db: admins), and starts
//   - the HTTPS server on listen.admin: REST API, OpenAPI, websocket, /metrics, the panel,
//     mail client setup; with the TLS certificate of config tls.{cert,key} (the self-signed one
//     from `mailroom init` until an ACME certificate replaces it);
//   - the HTTP server on listen.http: mail client setup and a redirect to HTTPS;
//   - the hardware monitor (agent.sampleInterval; SMART and RAID every agent.smartInterval);
//   - the alert checker (agent.alertInterval), which mails changes to agent.alertEmail;
//   - the bridge from the mail daemon's control socket (DIR/run/control.sock) to the websocket.
// It never opens the mail store: everything about mail goes through the control socket. On a
// fresh appliance (no admin) it prints a one-time setup token. Nothing below here reads the
// config or the environment.

import { readFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, splitHostPort, type Config } from '../core/config.js';
import { MailroomError } from '../core/errors.js';
import { gracefulStop } from '../core/graceful-stop.js';
import { createBufferedSink, createLogger, type Logger } from '../core/log.js';
import type { AuthPenaltyOptions } from '../mail/auth/auth-penalty.js';
import type { ScryptParams } from '../mail/auth/password-hash.js';
import { ControlClient } from '../mail/control/control-client.js';
import { CONTROL_SOCKET } from '../mail/control/control-protocol.js';
import { ListControlClient } from '../mail/lists/list-control-client.js';
import { packageVersion } from '../mail/control/package-version.js';
import type { SmartReport } from '../ui/shared/api-types.js';
import { createAdminApp } from '../ui/server/admin-app.js';
import { LoginThrottle } from '../ui/server/auth/login-throttle.js';
import { banSettings } from '../mail/auth/ban-list.js';
import { SessionStore } from '../ui/server/auth/session-store.js';
import type { AdminServerDeps } from '../ui/server/deps.js';
import { createHttpApp } from '../ui/server/http-app.js';
import { WsHub } from '../ui/server/ws-hub.js';
import { AGENT_DATABASE_FILE, openAgentDatabase } from './admin/agent-database.js';
import { AdminStore } from './admin/admin-store.js';
import { AUDIT_LOG_FILE, AuditLog } from './admin/audit-log.js';
import { loadSetupToken } from './admin/setup-token.js';
import { applyPreseededAdmin } from './admin/preseed-admin.js';
import { probeServices } from './services/service-probe.js';
import { AlertChecker } from './alerts/alert-checker.js';
import { AlertEngine } from './alerts/alert-engine.js';
import { AlertMailer } from './alerts/alert-mailer.js';
import { readCertificateExpiry } from './alerts/certificate-expiry.js';
import { ControlBridge } from './control-bridge.js';
import { createAgentBackup } from './backup/agent-backup.js';
import { resticBaseEnv } from './backup/restic-client.js';
import { loadMetricsToken } from './metrics-token.js';
import { ensureAgentStateDir } from './agent-state-dir.js';
import { createProcProbe, type HardwareProbe } from './monitoring/hardware-probe.js';
import { HardwareMonitor } from './monitoring/hardware-monitor.js';
import { renderPrometheus } from './monitoring/prometheus.js';
import { createSmartReader } from './monitoring/smart.js';
import { osPrettyName, systemInfo } from './system-info.js';
import { reportAcmeAttempt } from './acme/acme-alert.js';
import { AcmeService } from './acme/acme-service.js';
import { CertificateWatch } from './acme/certificate-watch.js';
import { challengeDir, FileChallengeStore } from './acme/challenge-store.js';
import { reloadMailTls } from './acme/mail-tls-reload.js';
import { RenewalScheduler } from './acme/renewal-scheduler.js';
import { agentCertificateInstaller } from './acme/certificate-installer.js';
import { FallbackChallengeStore } from './acme/fallback-challenge-store.js';
import { legacyAccountKeySource } from './acme/legacy-account-key.js';
import { HelperClient } from './helper/helper-client.js';
import { helperSocketPath } from './helper/helper-socket-path.js';
import { AgentFirewall } from './firewall/agent-firewall.js';
import { AgentUpdates } from './updates/agent-updates.js';
import { createBanForwarder } from './firewall/ban-forwarder.js';
import { policyFromConfig } from './firewall/firewall-policy.js';

const HARD_DEADLINE_MS = 9_500;

export interface AgentOptions {
  handleSignals?: boolean;
  logger?: Logger;
  // Test seams; production uses the defaults.
  probe?: HardwareProbe;
  readSmart?: () => Promise<SmartReport>;
  passwordParams?: ScryptParams;
  throttle?: AuthPenaltyOptions;
  panelDir?: string | null;
  /** Alert checks without an answer before the mail daemon counts as down (default 2). */
  downAfter?: number;
}

export interface Agent {
  readonly addresses: { https: AddressInfo | null; http: AddressInfo | null };
  /** The one-time setup token, while no admin exists. */
  readonly setupToken: string | null;
  readonly stopped: Promise<void>;
  stop(reason?: string): Promise<void>;
}

export async function runAgent(dataDir: string): Promise<void> {
  const agent = await startAgent(dataDir, { handleSignals: true });
  await agent.stopped;
}

/** The panel's build output (ui/client), beside the compiled tree's root. */
function defaultPanelDir(): string {
  return fileURLToPath(new URL('../../ui/client/dist/', import.meta.url));
}

function listenPort(value: string | null): number | null {
  return value === null ? null : splitHostPort(value).port;
}

function readOsName(): string {
  try {
    return osPrettyName(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return osPrettyName('');
  }
}

function readTls(config: Config): { key: Buffer; cert: Buffer } {
  try {
    return { key: readFileSync(config.tls.key), cert: readFileSync(config.tls.cert) };
  } catch (err) {
    throw new MailroomError('tls_unreadable', `the agent serves HTTPS only and cannot read its certificate (${config.tls.cert}, ${config.tls.key}): ${(err as Error).message}`, { cause: err });
  }
}

function listen(server: http.Server | https.Server, hostPort: string): Promise<AddressInfo> {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startAgent(dataDir: string, options: AgentOptions = {}): Promise<Agent> {
  const config = loadConfig(dataDir);
  const sink = options.logger ? null : stdoutSink();
  const logger = options.logger ?? createLogger({ level: config.log.level, bindings: { component: 'agent' }, sink: sink! });
  // The setup token is printed whatever the log level: it is the only way into a fresh appliance.
  const announce = options.logger ?? createLogger({ level: 'info', bindings: { component: 'agent' }, sink: sink! });
  const tls = readTls(config);
  const version = packageVersion();

  // The agent's own files (agent.stateDir; DIR in development): never in the mail daemon's DIR on the appliance.
  const stateDir = ensureAgentStateDir(config);
  const db = openAgentDatabase(path.join(stateDir, AGENT_DATABASE_FILE));
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => db.close()];
  const cleanup = async () => { for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined); };
  try {
    const admins = new AdminStore(db, options.passwordParams ? { passwordParams: options.passwordParams } : {});
    const audit = new AuditLog(path.join(stateDir, AUDIT_LOG_FILE));
    const metricsToken = loadMetricsToken(stateDir, config.agent.metricsToken);
    const control = new ControlClient({ socketPath: path.join(config.dataDir, 'run', CONTROL_SOCKET) });
    cleanups.push(() => control.close());

    const monitor = new HardwareMonitor({
      probe: options.probe ?? createProcProbe(),
      intervalMs: config.agent.sampleInterval * 1000,
      readSmart: options.readSmart ?? createSmartReader(),
      smartIntervalMs: config.agent.smartInterval * 1000,
      logger: logger.child({ component: 'monitor' }),
    });
    const sessions = new SessionStore({ idleTimeoutMs: config.agent.session.idleTimeout * 1000, maxAgeMs: config.agent.session.maxAge * 1000 });
    const hub = new WsHub({ sessions, admins, logger });
    cleanups.push(() => hub.close());
    // Backups (backup.*): scheduled with retention, or started from the panel; progress on the ws.
    const backup = createAgentBackup(config, { publish: (run) => hub.publish({ type: 'backup', run }), logger: logger.child({ component: 'backup' }), baseEnv: resticBaseEnv(process.env) });
    backup.start();
    cleanups.push(() => backup.stop());
    // The privileged helper (helper.socket). The client connects on first use and again after
    // a drop, so a helper that starts after the agent (or restarts) is picked up; while it is
    // away calls fail with helper_unavailable. Brute-force bans go to the firewall's blocklist.
    const helper = new HelperClient({ socketPath: helperSocketPath(config) });
    cleanups.push(() => helper.close());
    const firewall = new AgentFirewall({ helper, policy: () => policyFromConfig(config), defaultBlockSeconds: Math.min(Math.round(config.firewall.blockDuration), 365 * 86400) });
    const banForwarder = createBanForwarder({ control, block: (ip, seconds) => firewall.block(ip, seconds), logger: logger.child({ component: 'firewall' }) });
    banForwarder.start();
    cleanups.push(() => banForwarder.stop());
    // Updates (updates.*): the maintenance window when enabled; installs go through the helper.
    const updates = new AgentUpdates({ config, db, helper, logger: logger.child({ component: 'updates' }), baseVersion: version });
    updates.start();
    cleanups.push(() => updates.stop());

    const engine = new AlertEngine();
    const mailer = config.agent.alertEmail
      ? new AlertMailer({ to: config.agent.alertEmail, hostname: config.hostname, send: (m) => control.sendSystemMail(m), logger: logger.child({ component: 'alerts' }) })
      : null;
    engine.onChange((change) => {
      hub.publish({ type: 'alerts', alert: change.alert });
      mailer?.notify(change);
    });
    const checker = new AlertChecker({
      engine, monitor, control, mailer,
      thresholds: config.agent.alerts,
      readCertificate: () => readCertificateExpiry(config.tls.cert),
      intervalMs: config.agent.alertInterval * 1000,
      ...(options.downAfter !== undefined ? { downAfter: options.downAfter } : {}),
      logger: logger.child({ component: 'alerts' }),
    });
    // TLS certificates from the ACME CA (acme.*): HTTP-01 answered on listen.http from the
    // challenge store; a new certificate at tls.cert (ours, or `mailroom tls issue`'s) reaches
    // the HTTPS server and the mail daemon without a restart. Failures raise the "acme" alert.
    // ACME state in the agent's own directory; `mailroom tls issue`'s challenges (DIR) answered too.
    const acmeChallenges = new FallbackChallengeStore(new FileChallengeStore(challengeDir(stateDir)), stateDir === config.dataDir ? [] : [new FileChallengeStore(challengeDir(config.dataDir))]);
    let adminServer: https.Server | null = null;
    const certificateWatch = new CertificateWatch({
      files: config.tls, logger: logger.child({ component: 'acme' }),
      onChange: async (pair) => {
        adminServer?.setSecureContext({ key: pair.key, cert: pair.cert, minVersion: 'TLSv1.2' });
        const mail = await reloadMailTls(path.join(config.dataDir, 'run', CONTROL_SOCKET));
        logger.info('tls certificate reloaded', { mail: mail.reloaded, outcome: 'reloaded' });
      },
    });
    let renewal: RenewalScheduler | null = null;
    const acmeService: AcmeService = new AcmeService({
      dataDir: config.dataDir, hostname: config.hostname, acme: config.acme, tlsFiles: config.tls,
      stateDir, install: agentCertificateInstaller(config, helper),
      // An earlier release's account key (DIR/acme) is adopted once, through the helper if need be.
      ...(stateDir === config.dataDir ? {} : { legacyAccountKey: legacyAccountKeySource(config.dataDir, helper) }),
      domains: async () => (await control.listDomains()).map((d) => d.name),
      challenges: acmeChallenges,
      onInstalled: async () => { await certificateWatch.checkNow(); },
      onAttempt: (attempt) => { void acmeService.certificate().then(({ certificate }) => reportAcmeAttempt(engine, attempt, certificate?.daysLeft ?? null)); },
      nextRun: () => renewal?.nextRun() ?? null,
      logger: logger.child({ component: 'acme' }),
    });

    // First boot's files (agent.firstBootDir): a preseeded admin (created once), and the setup
    // token the console banner shows (used instead of a new one; removed once used up).
    if (config.agent.firstBootDir) applyPreseededAdmin({ dir: config.agent.firstBootDir, db, logger: logger.child({ component: 'setup' }) });
    const { setup } = loadSetupToken(config.agent.firstBootDir, (err) => logger.warn('the first boot setup token file cannot be used', { err }));
    if (admins.count() > 0) setup.expire();
    const osName = readOsName();
    const deps: AdminServerDeps = {
      hostname: config.hostname, version, control, admins, setup, audit, sessions, metricsToken: metricsToken.token,
      // Mailing lists (mail/lists), and the public one-click unsubscribe and confirmation pages.
      lists: new ListControlClient({ socketPath: path.join(config.dataDir, 'run', CONTROL_SOCKET) }),
      // auth.ban: the mail ports' ban rule for the panel's logins too.
      throttle: new LoginThrottle({ ...(options.throttle ?? {}), ban: banSettings(config.auth.ban) }),
      monitoring: monitor,
      alerts: engine,
      systemInfo: () => systemInfo({ hostname: config.hostname, version, osName, monitoring: monitor, control }),
      prometheus: async () => renderPrometheus({
        sample: monitor.latest(), smart: monitor.smart(), raid: monitor.raid(), alerts: engine.list(),
        mailDaemonUp: checker.mailDaemonUp ?? false,
        mail: await control.stats().catch(() => null),
        process: { residentBytes: process.memoryUsage.rss(), cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6 },
      }),
      clientSetup: {
        hostname: config.hostname,
        imaps: listenPort(config.listen.imaps), imap: listenPort(config.listen.imap),
        pop3s: listenPort(config.listen.pop3s), pop3: listenPort(config.listen.pop3),
        submissions: listenPort(config.listen.submissions), submission: listenPort(config.listen.submission),
      },
      panelDir: options.panelDir === undefined ? defaultPanelDir() : options.panelDir,
      logger,
      acme: {
        challenge: (token) => acmeChallenges.get(token),
        status: () => acmeService.status(),
        issue: async () => { await acmeService.issue('api'); return acmeService.status(); },
      },
      backup,
      firewall,
      updates,
      // The services page: what answers and which configured ports accept connections.
      services: {
        report: () => probeServices({
          hostname: config.hostname, version, listen: config.listen, rspamd: config.spam.rspamd, clamd: config.antivirus.clamd,
          mailHealth: () => control.health(),
          helperSocket: helperSocketPath(config),
          helperPing: () => helper.call<{ version?: string; pid?: number }>('helper.ping', {}, { timeoutMs: 3000 }),
        }),
      },
    };

    const addresses: { https: AddressInfo | null; http: AddressInfo | null } = { https: null, http: null };
    const servers: (http.Server | https.Server)[] = [];
    if (config.listen.admin) {
      const { app } = createAdminApp(deps);
      const server = https.createServer({ key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' }, app);
      server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
      adminServer = server; // setSecureContext() on a renewed certificate
      server.headersTimeout = 20_000;
      server.requestTimeout = 60_000;
      servers.push(server);
      addresses.https = await listen(server, config.listen.admin);
      logger.info('listening', { listener: 'admin', address: addresses.https.address, port: addresses.https.port, outcome: 'listening' });
    } else {
      logger.warn('no admin listener configured (listen.admin is null): the panel and API are off', { outcome: 'disabled' });
    }
    if (config.listen.http) {
      const server = http.createServer(createHttpApp(deps, { httpsPort: addresses.https?.port ?? null }));
      server.headersTimeout = 20_000;
      server.requestTimeout = 30_000;
      servers.push(server);
      addresses.http = await listen(server, config.listen.http);
      logger.info('listening', { listener: 'http', address: addresses.http.address, port: addresses.http.port, outcome: 'listening' });
    }
    cleanups.push(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); }))));

    await monitor.start();
    cleanups.push(() => monitor.stop());
    monitor.onSample((sample) => hub.publish({ type: 'metrics', sample }));
    checker.start();
    cleanups.push(() => checker.stop());
    const bridge = new ControlBridge({ control, publish: (m) => hub.publish(m), logger });
    bridge.start();
    cleanups.push(() => bridge.stop());
    await certificateWatch.start();
    cleanups.push(() => certificateWatch.stop());
    if (config.acme.enabled) {
      renewal = new RenewalScheduler({ hostname: config.hostname, renew: () => acmeService.renewIfDue('schedule'), logger: logger.child({ component: 'acme' }) });
      renewal.start();
      cleanups.push(() => renewal?.stop());
    }
    const sweep = setInterval(() => sessions.sweep(), 60_000);
    sweep.unref();
    cleanups.push(() => clearInterval(sweep));

    if (setup.active) {
      const port = addresses.https && addresses.https.port !== 443 ? `:${addresses.https.port}` : '';
      announce.info('no admin yet: open the panel and create the first admin with this one-time setup token', { setupToken: setup.token, url: `https://${config.hostname}${port}/` });
    }
    logger.info('agent started', { hostname: config.hostname, dataDir: config.dataDir, version, outcome: 'started' });

    const { stopped, stop } = gracefulStop({ logger, close: cleanup, handleSignals: options.handleSignals === true, hardDeadlineMs: HARD_DEADLINE_MS });
    return { addresses, setupToken: setup.active ? setup.token : null, stopped, stop };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** JSON lines to stdout, one write per event-loop turn; what is pending is written at exit. */
function stdoutSink() {
  let exiting = false;
  const sink = createBufferedSink((text) => { if (exiting) writeSync(1, text); else process.stdout.write(text); });
  process.once('exit', () => { exiting = true; sink.flush(); });
  return sink;
}
