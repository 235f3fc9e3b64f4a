// What the admin web server is given by the agent's composition root (agent/main.ts). Only
// interfaces: the server never opens a database or the mail store itself, never starts a
// process; mail comes from the mail daemon's control API, the rest from the agent.

import type { Logger } from '../../core/log.js';
import type { MailControl } from '../../mail/control/control-client.js';
import type {
  Alert, AuditEntry, MetricsHistory, MetricsSample, RaidArray, SmartReport, SystemInfo,
} from '../shared/api-types.js';
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
  logger: Logger;
}
