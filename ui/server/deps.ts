// What the admin web server is given by the agent's composition root (agent/main.ts). Only
// interfaces: the server never opens a database or the mail store itself, never starts a
// process; mail comes from the mail daemon's control API, the rest from the agent.

import type { Logger } from '../../core/log.js';
import type { MailControl } from '../../mail/control/control-client.js';
import type {
  Alert, AuditEntry, MetricsHistory, MetricsSample, RaidArray, SmartReport, SystemInfo,
} from '../shared/api-types.js';
import type { TlsStatus } from '../shared/api-types.js';
import type { BackupRun, BackupSnapshotView, BackupStatusResponse } from '../shared/api-types.js';
import type { LoginThrottle } from './auth/login-throttle.js';
import type { SessionStore } from './auth/session-store.js';

export interface AdminIdentity {
  name: string;
  totp: boolean;
}

/** The admin accounts (agent/admin/admin-store.ts). */
export interface AdminAccounts {
  count(): number;
  get(name: string): AdminIdentity | null;
  verifyPassword(name: string, password: string): Promise<AdminIdentity | null>;
  /** Uses the code up when it is valid. */
  checkTotp(name: string, code: string): boolean;
  /** Creates the first admin; refuses (setup_done) once any admin exists. */
  addFirst(name: string, password: string): Promise<AdminIdentity>;
}

/** The one-time setup token of a fresh appliance (agent/admin/setup-token.ts). */
export interface SetupGate {
  readonly active: boolean;
  matches(candidate: string): boolean;
  expire(): void;
}

export interface AuditTrail {
  record(entry: Omit<AuditEntry, 'time'>): AuditEntry;
  recent(limit?: number): AuditEntry[];
}

export interface MonitoringView {
  latest(): MetricsSample | null;
  history(range: '1h' | '7d'): MetricsHistory;
  smart(): SmartReport;
  raid(): RaidArray[];
}

export interface AlertView {
  list(): Alert[];
  recent(limit?: number): Alert[];
}

/** Where mail clients connect: the host name and the ports of the listeners (null: not offered). */
export interface ClientSetupInfo {
  hostname: string;
  imaps: number | null;
  imap: number | null;
  pop3s: number | null;
  pop3: number | null;
  submissions: number | null;
  submission: number | null;
}

/** The agent's ACME side (agent/acme/acme-service.ts and its challenge store). */
export interface AcmeApi {
  /** The key authorization of a pending HTTP-01 token, or null. */
  challenge(token: string): Promise<string | null>;
  status(): Promise<TlsStatus>;
  /** Orders and installs a certificate now; rejects with the ACME failure. */
  issue(): Promise<TlsStatus>;
}

export interface AdminServerDeps {
  hostname: string;
  version: string;
  control: MailControl;
  admins: AdminAccounts;
  setup: SetupGate;
  audit: AuditTrail;
  monitoring: MonitoringView;
  alerts: AlertView;
  systemInfo(): Promise<SystemInfo>;
  /** The Prometheus text for GET /metrics. */
  prometheus(): Promise<string>;
  metricsToken: string;
  clientSetup: ClientSetupInfo;
  sessions: SessionStore;
  throttle: LoginThrottle;
  /** The panel's built files (ui/client's build output); null or missing: a placeholder page. */
  panelDir: string | null;
  /** ACME certificates (agent/acme); absent: HTTP-01 answers 404 and /api/v1/tls 404. */
  acme?: AcmeApi;
  /** Backups (agent/backup/backup-service.ts); absent: /api/v1/backup answers 404. */
  backup?: BackupApi;
  /** The firewall through the privileged helper (agent/firewall/agent-firewall.ts); absent: 404. */
  firewall?: FirewallApi;
  /** Mailing lists through the control socket (mail/lists/list-control-client.ts); absent: /api/v1/lists answers 404. */
  lists?: import('../../mail/lists/list-control-client.js').ListControl;
  /** Live service and port probes (agent/services/service-probe.ts); absent: /api/v1/services 404. */
  services?: { report(): Promise<import('../shared/api-types.js').ServicesReport> };
  /** Updates (agent/updates/agent-updates.ts): installs go through the privileged helper; absent: 404. */
  updates?: UpdatesApi;
  logger: Logger;
}

/** The firewall (agent/firewall/agent-firewall.ts); failures carry a code and an HTTP status. */
export interface FirewallApi {
  status(): Promise<import('../shared/api-types.js').FirewallStatus>;
  apply(confirmSeconds: number | null): Promise<{ applied: true; pending: { deadline: string; secondsLeft: number } | null }>;
  confirm(): Promise<{ confirmed: true }>;
  block(ip: string, seconds?: number): Promise<{ ip: string; seconds: number }>;
  unblock(ip: string): Promise<{ ip: string; wasBlocked: boolean }>;
}

/** The agent's backup jobs, for the panel. begin() throws backup_running while a run is under way. */
export interface BackupApi {
  status(): BackupStatusResponse;
  begin(trigger: 'manual'): BackupRun;
  snapshots(): Promise<BackupSnapshotView[]>;
}

/** Updates for the panel (agent/updates/agent-updates.ts); failures carry a code (helper_unavailable, bundle_*, update_busy). */
export interface UpdatesApi {
  status(): Promise<import('../shared/api-types.js').UpdatesStatusResponse>;
  check(): Promise<import('../shared/api-types.js').UpdateCheckView>;
  applyBundle(options: { file?: string; force?: boolean; trigger: string }): Promise<{ outcome: 'installed' | 'rolled_back'; fromVersion: string; toVersion: string; slot: string; reason?: string }>;
  applyApt(options: { trigger: string }): Promise<{ changes: { package: string; from: string | null; to: string | null }[] }>;
}
