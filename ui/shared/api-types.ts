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

export type AlertKind = 'disk' | 'smart' | 'raid' | 'queue' | 'certificate' | 'service';

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
