// Wire types of the admin REST API (/api/v1, described by /api/v1/openapi.json). The agent
// (ui/server) sends these and the panel (ui/client) reads them: both import this file, so the
// two cannot drift apart. Times are ISO 8601 strings, sizes bytes, percentages 0-100.

/** Every refusal: an HTTP status with this body. `code` is stable; `message` is for people. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

// ---- session and setup -------------------------------------------------------------------

export interface LoginRequest {
  username: string;
  password: string;
  /** Six digits from the authenticator app; required once `mailroom admin totp NAME` was run. */
  totp?: string;
}

export interface SessionInfo {
  username: string;
  /** Whether the admin logs in with a second factor. */
  totp: boolean;
  /** The session ends at this time at the latest (and earlier after idleTimeout without requests). */
  expiresAt: string;
}

export interface SetupStatus {
  /** No admin exists yet: the one-time setup token (printed by `mailroom agent`) creates the first. */
  required: boolean;
}

export interface SetupRequest {
  token: string;
  username: string;
  password: string;
}

export interface Health {
  status: 'ok';
}

// ---- system and hardware -----------------------------------------------------------------

export interface CpuSample {
  /** Busy share of all cores, 0-100. */
  usage: number;
  /** Busy share of each core, 0-100. */
  cores: number[];
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
}

export interface MemorySample {
  total: number;
  used: number;
  available: number;
  swapTotal: number;
  swapUsed: number;
}

export interface DiskUsage {
  mount: string;
  device: string;
  fsType: string;
  size: number;
  used: number;
  available: number;
  usedPercent: number;
}

export interface DiskIo {
  device: string;
  readBytesPerSec: number;
  writeBytesPerSec: number;
  readsPerSec: number;
  writesPerSec: number;
}

export interface NetworkIo {
  iface: string;
  rxBytesPerSec: number;
  txBytesPerSec: number;
}

export interface Temperature {
  sensor: string;
  celsius: number;
}

/** One hardware sample (or the average of several, in the downsampled history). */
export interface MetricsSample {
  /** Milliseconds since the epoch. */
  time: number;
  cpu: CpuSample;
  memory: MemorySample;
  disks: DiskUsage[];
  diskIo: DiskIo[];
  network: NetworkIo[];
  /** Empty where the machine exposes no sensors (VMs, containers). */
  temperatures: Temperature[];
  /** Seconds since boot. */
  uptime: number;
}

export interface MetricsHistory {
  range: '1h' | '7d';
  /** Seconds between samples: the sampling interval for 1h, the bucket size for 7d. */
  resolution: number;
  samples: MetricsSample[];
}

export interface SmartDevice {
  device: string;
  type: string | null;
  model: string | null;
  serial: string | null;
  /** SMART overall health: true passed, false FAILING, null unknown (could not be read). */
  passed: boolean | null;
  temperature: number | null;
  powerOnHours: number | null;
  /** smartctl's exit status bits (see smartctl(8), "EXIT STATUS"). */
  exitStatus: number;
  messages: string[];
}

export interface SmartReport {
  checkedAt: string | null;
  /** smartctl could be run at all. */
  available: boolean;
  error: string | null;
  devices: SmartDevice[];
}

export interface RaidArray {
  name: string;
  state: string;
  level: string | null;
  devices: { name: string; role: 'active' | 'failed' | 'spare' }[];
  /** Members the array should have and members working, from "[2/1]". */
  expected: number | null;
  working: number | null;
  degraded: boolean;
  /** A running resync, recovery, reshape or check. */
  sync: { action: string; percent: number } | null;
}

export interface SystemInfo {
  hostname: string;
  versions: { mailroom: string; node: string; os: string; kernel: string; mailDaemon: string | null };
  /** Seconds since boot. */
  uptime: number;
  /** `count` CPUs; usage and load from the latest sample (null before the first). */
  cpu: { model: string; count: number; usage: number | null; cores: number[]; load: [number, number, number] | null };
  memory: MemorySample | null;
  disks: DiskUsage[];
  temperatures: Temperature[];
  smart: SmartReport;
  raid: RaidArray[];
  mailDaemon: { up: boolean; uptime: number | null };
  sampledAt: string | null;
}

// ---- mail (through the mail daemon's control API) ----------------------------------------

export interface Domain {
  name: string;
  createdAt: string;
}

export interface MailUser {
  address: string;
  id: string;
  /** Bytes; null = unlimited. */
  quota: number | null;
  createdAt: string;
  usage: { bytes: number; messages: number };
  /** Logins refused; mail still accepted (PUT /api/v1/users/{address}/disabled). */
  disabled?: boolean;
}

/** GET /api/v1/quota: as `mailroom quota report --json`. Bytes; percent with one decimal, null = unlimited. */
export interface QuotaReport {
  users: { address: string; domain: string; used: number; quota: number | null; percent: number | null; messages: number }[];
  domains: { name: string; used: number; quota: number | null; percent: number | null; users: number; messages: number }[];
  /** The data directory's space and limits.diskReserve; null when unknown. */
  disk: { path: string; free: number; total: number; reserve: number; belowReserve: boolean } | null;
}

export interface NewUserRequest {
  address: string;
  password: string;
  /** Bytes, a size like "500M", "unlimited", or null. */
  quota?: number | string | null;
}

export interface Alias {
  address: string;
  targets: string[];
}

/** A forwarder: mail for `address` also (keepCopy) or only goes to `targets` outside our domains. */
export interface Forward {
  address: string;
  targets: string[];
  keepCopy: boolean;
}

export interface NewAliasRequest {
  address: string;
  /** Addresses, or one comma-separated string as the CLI takes it. */
  targets: string[] | string;
}

export interface DnsRecord {
  type: string;
  name: string;
  value: string;
}

/** GET /api/v1/domains/{name}/dns/check: present = found as published, wrong = something else is there. */
export interface DnsRecordCheck extends DnsRecord {
  status: 'present' | 'missing' | 'wrong';
  found: string[];
  error?: string;
}

// --- The admin's mailbox view (GET /api/v1/users/{address}/folders, .../messages): read-only.
export interface MailFolder { name: string; specialUse: string | null; messages: number; unseen: number; size: number }
export interface MailMessageSummary { uid: number; folder: string; from: string | null; subject: string | null; size: number; date: string; flags: string[] }
export interface MailMessageView extends MailMessageSummary {
  headers: { name: string; value: string }[];
  text: string | null;
  textTruncated: boolean;
  attachments: { filename: string | null; contentType: string; size: number }[];
}

// --- GET /api/v1/services: services answering, and the config's listeners accepting connections.
export interface ServiceStatus {
  name: 'mail' | 'agent' | 'helper' | 'rspamd' | 'clamd';
  state: 'up' | 'down';
  detail: string | null;
  version: string | null;
  /** Seconds. */
  uptime?: number;
}
export interface ListenerStatus {
  name: string;
  address: string | null;
  tls: boolean;
  state: 'listening' | 'closed' | 'disabled';
  error: string | null;
  certificateExpires: string | null;
  tlsError: string | null;
}
export interface ServicesReport { services: ServiceStatus[]; listeners: ListenerStatus[]; checkedAt: string }

export interface QueueMessage {
  id: string;
  sender: string;
  size: number;
  queuedAt: string;
  isBounce: boolean;
  recipients: {
    address: string;
    state: 'pending' | 'deferred' | 'delivered' | 'failed';
    attempts: number;
    nextAttemptAt: string;
    lastReply: string | null;
    status: string | null;
  }[];
}

export interface QueueSummary {
  messages: number;
  waiting: number;
  deferred: number;
  oldest: string | null;
}

export interface QueueResponse {
  summary: QueueSummary;
  messages: QueueMessage[];
}

export interface MailStats {
  since: string;
  startedAt: string;
  received: number;
  submitted: number;
  delivered: number;
  deferred: number;
  failed: number;
  bounced: number;
  refused: number;
  queue: QueueSummary;
}

export interface LogLine {
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

/** What the outbound queue did with one recipient (or one DSN). */
export type DeliveryEvent =
  | { type: 'delivered'; qid: string; recipient: string; reply: string; remoteMta: string | null }
  | { type: 'deferred'; qid: string; recipient: string; reply: string; status: string; nextAttemptAt: number }
  | { type: 'failed'; qid: string; recipient: string; reply: string; status: string; expired: boolean }
  | { type: 'bounced'; qid: string; to: string; recipients: string[] };

// ---- alerts and audit ----------------------------------------------------------------------

export type AlertKind = 'disk' | 'smart' | 'raid' | 'queue' | 'certificate' | 'service' | 'acme';

export interface Alert {
  /** Stable per condition, e.g. "disk:/", "smart:/dev/sda", "service:mail". */
  id: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  state: 'firing' | 'resolved';
  message: string;
  /** When it started firing. */
  since: string;
  resolvedAt: string | null;
}

export interface AlertsResponse {
  active: Alert[];
  /** The latest changes of state, newest first. */
  recent: Alert[];
}

export interface AuditEntry {
  time: string;
  /** The admin's name, "cli:USER" for the command line, or "anonymous" before login. */
  actor: string;
  /** The client's address; null for the command line. */
  ip: string | null;
  /** What was done, e.g. "user.add", "session.login". */
  action: string;
  target: string | null;
  outcome: 'ok' | 'refused' | 'error';
  /** The error code when the outcome is not ok. */
  code?: string;
}

// ---- TLS certificate (agent/acme) ------------------------------------------------------------

/** The certificate in config tls.cert, as `mailroom tls status --json` prints it. */
export interface TlsCertificateStatus {
  file: string;
  /** The subject's CN. */
  subject: string;
  /** DNS names (subjectAltName). */
  names: string[];
  /** The issuer's CN. */
  issuer: string;
  selfSigned: boolean;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative: expired). */
  daysLeft: number;
  fingerprint256: string;
}

/** GET /api/v1/tls: the certificate and the ACME state. */
export interface TlsStatus {
  /** null: the file cannot be read (`error` says why). */
  certificate: TlsCertificateStatus | null;
  error: string | null;
  acme: {
    enabled: boolean;
    directoryUrl: string;
    /** The names a new certificate would carry. */
    names: string[];
    /** Whether the next scheduled run would renew (fewer than 30 days left, names missing, not from a CA). */
    renewalDue: boolean;
    nextRun: string | null;
    lastAttempt: { at: string; ok: boolean; error: string | null } | null;
  };
}

// --- Backups (agent/backup): GET /api/v1/backup, POST /api/v1/backup, GET /api/v1/backup/snapshots

export interface BackupProgressView {
  percentDone: number;
  filesDone: number;
  totalFiles: number;
  bytesDone: number;
  totalBytes: number;
}

/** One backup run of the agent, as the panel and the `backup` websocket channel show it. */
export interface BackupRun {
  id: string;
  trigger: 'manual' | 'scheduled';
  state: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  progress: BackupProgressView | null;
  snapshotId: string | null;
  messages: number | null;
  dataAdded: number | null;
  error: { code: string; message: string } | null;
}

export interface BackupStatusResponse {
  enabled: boolean;
  repository: string | null;
  schedule: string | null;
  keep: { daily: number; weekly: number; monthly: number };
  current: BackupRun | null;
  /** Finished runs since the agent started, newest first. */
  recent: BackupRun[];
}

/** GET /api/v1/firewall: the policy from the config, and what the helper has in force. */
export interface FirewallStatus {
  policy: { openTcpPorts: number[]; rateLimitedTcpPorts: number[]; ratePerMinute: number; rateBurst: number; adminTcpPorts: number[]; adminNetworks: string[]; sshPort: number | null; sshNetworks: string[] };
  /** down: the privileged helper does not answer (error says why); nothing else is known. */
  helper: 'up' | 'down';
  active: boolean;
  blocked: { ip: string; timeoutSeconds: number | null; expiresSeconds: number | null }[];
  /** An applied change that reverts by itself at `deadline` unless confirmed. */
  pending: { deadline: string; secondsLeft: number } | null;
  ruleset: string | null;
  error: string | null;
}

export interface BackupSnapshotView {
  id: string;
  shortId: string;
  time: string;
  hostname: string;
  tags: string[];
}

/** Updates (agent/updates): a bundle found in updates.bundleDir, verified (or why not). */
export interface UpdateBundleView { file: string; version: string | null; createdAt: string | null; files: number | null; bytes: number | null; keyId: string | null; newer: boolean; error: { code: string; message: string } | null }
export interface UpdatePackageView { package: string; from: string | null; to: string | null; origins: string[]; security: boolean; arch: string | null }
export interface UpdateCheckView { checkedAt: string; running: string; bundles: UpdateBundleView[]; apt: { pending: UpdatePackageView[]; refreshed: boolean; error: { code: string; message: string } | null } | null }
export interface UpdateRecordView { id: number; kind: 'bundle' | 'apt'; trigger: string; startedAt: string; finishedAt: string | null; fromVersion: string | null; toVersion: string | null; outcome: string; reason: string | null; changes: { package: string; from: string | null; to: string | null }[] }
/** GET /api/v1/updates */
export interface UpdatesStatusResponse {
  running: { version: string; slot: string | null };
  slots: { active: string | null; slots: { name: string; version: string | null; installedAt: string | null; active: boolean }[] };
  lastCheck: UpdateCheckView | null;
  history: UpdateRecordView[];
  window: { enabled: boolean; cron: string; next: string | null; open: boolean };
}
