// The config file (DIR/config.json): one schema with defaults shared by every process.
// It is validated at start, every problem reported with its path, then frozen.
// Only composition roots (cli/, */main.ts) call loadConfig; everything else is handed values.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseSize } from './size.js';

const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+|\*):\d{1,5}$/, 'must be "host:port" (IPv6 as "[::1]:25")')
  .refine((v) => { const p = Number(v.slice(v.lastIndexOf(':') + 1)); return p >= 0 && p <= 65535; }, 'port must be 0-65535');

const listener = hostPort.nullable();

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = parseSize(v);
  if (n === null) { ctx.addIssue({ code: 'custom', message: 'must be a size like 60K, 500M, 2G or a number of bytes' }); return z.NEVER; }
  return n;
});

/** Seconds, as a number or "90s", "30m", "12h", "5d". */
const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const m = typeof v === 'number' ? [String(v), String(v), 's'] : /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(v.trim());
  const n = m ? Number(m[1]) * ({ s: 1, '': 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]!]! : NaN;
  if (!Number.isFinite(n) || n <= 0) { ctx.addIssue({ code: 'custom', message: 'must be a positive number of seconds or a duration like 30m, 12h, 5d' }); return z.NEVER; }
  return n;
});

/** An http(s) URL without credentials, query or fragment, e.g. "http://127.0.0.1:11333". */
const httpUrl = z.string().refine((v) => {
  try { const u = new URL(v); return (u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password && !u.search && !u.hash; } catch { return false; }
}, 'must be an http:// or https:// URL like "http://127.0.0.1:11333"');

/** A clamd socket: "unix:/absolute/path" or "tcp://host:port". */
const clamdAddress = z.string().regex(/^(unix:\/\S+|tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5})$/, 'must be "unix:/path/to/clamd.ctl" or "tcp://host:port"');

const hostname = z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'must be a DNS host name');

export const DEV_LISTEN = {
  smtp: '127.0.0.1:2525',
  submission: '127.0.0.1:2587',
  submissions: '127.0.0.1:2465',
  imap: '127.0.0.1:2143',
  imaps: '127.0.0.1:2993',
  pop3: '127.0.0.1:2110',
  pop3s: '127.0.0.1:2995',
  admin: '127.0.0.1:8443',
  http: '127.0.0.1:8080',
} as const;

export const configSchema = z.strictObject({
  hostname,
  listen: z.strictObject({
    smtp: listener.default(DEV_LISTEN.smtp),
    submission: listener.default(DEV_LISTEN.submission),
    submissions: listener.default(DEV_LISTEN.submissions),
    imap: listener.default(DEV_LISTEN.imap),
    imaps: listener.default(DEV_LISTEN.imaps),
    pop3: listener.default(DEV_LISTEN.pop3),
    pop3s: listener.default(DEV_LISTEN.pop3s),
    admin: listener.default(DEV_LISTEN.admin),
    http: listener.default(DEV_LISTEN.http),
  }).prefault({}),
  tls: z.strictObject({
    cert: z.string().min(1).default('tls/cert.pem'),
    key: z.string().min(1).default('tls/key.pem'),
  }).prefault({}),
  limits: z.strictObject({
    /** Largest message accepted, advertised with SIZE. */
    maxMessageSize: size.default(25 * 1024 * 1024),
    /** Recipients in one transaction. */
    maxRecipients: z.number().int().min(1).max(10000).default(100),
    /** Longest command line, in bytes (RFC 5321 says 512; some clients send more with extensions). */
    maxLineLength: z.number().int().min(512).max(65536).default(4096),
    /** Connections from one IP address at once. */
    connectionsPerIp: z.number().int().min(1).max(100000).default(20),
    /** Connections in all at once, per protocol listener. */
    maxConnections: z.number().int().min(1).max(1000000).default(5000),
    /** Seconds a client may stay silent before it is disconnected. */
    idleTimeout: z.number().int().min(5).max(3600).default(300),
    /**
     * Milliseconds a client the MX has not seen in the last day waits for its greeting; one that
     * talks first is refused (the pregreet test). 0 greets everyone at once.
     */
    greetingWait: z.number().int().min(0).max(60_000).default(1000),
    /** Unrecognised or refused commands in one session before it is closed. */
    maxErrors: z.number().int().min(1).max(1000).default(10),
    /** Below this much free space in the data directory, mail is deferred with 452 4.3.1. */
    diskReserve: size.default(512 * 1024 * 1024),
    /** Per authenticated user on the submission ports; over them: 450 4.7.1. */
    submission: z.strictObject({
      messagesPerHour: z.number().int().min(1).max(1_000_000).default(200),
      recipientsPerHour: z.number().int().min(1).max(10_000_000).default(1000),
    }).prefault({}),
    /** IMAP (143/993) only; connectionsPerIp, maxConnections and maxErrors above apply too. */
    imap: z.strictObject({
      /**
       * Seconds a logged-in client (IDLE included) may stay silent before `* BYE`. RFC 9051
       * section 5.4 asks for at least 30 minutes; clients re-IDLE every 29.
       */
      idleTimeout: z.number().int().min(60).max(86_400).default(1800),
      /** Seconds a client that has not logged in may stay silent. */
      preAuthTimeout: z.number().int().min(5).max(3600).default(60),
      /** Sessions one account may have open at once, all addresses together (over it: NO [LIMIT]). */
      connectionsPerUser: z.number().int().min(1).max(10_000).default(20),
      /**
       * Longest command line, and largest literal outside APPEND, in bytes. IMAP lines are
       * longer than SMTP's: UID sets of FETCH and STORE, SEARCH, LIST-EXTENDED.
       */
      maxLineLength: z.number().int().min(1024).max(1024 * 1024).default(64 * 1024),
    }).prefault({}),
  }).prefault({}),
  dns: z.strictObject({
    servers: z.array(hostPort).default([]),
  }).prefault({}),
  outbound: z.strictObject({
    relay: z.strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535).default(587),
      username: z.string().optional(),
      password: z.string().optional(),
      /**
       * TLS to the smarthost: "verified" (STARTTLS, or implicit TLS on port 465, with a certificate
       * valid for `host`; the default), "required" (TLS, any certificate), "opportunistic"
       * (STARTTLS when offered) or "none" (plain SMTP: only for a relay on the same host or a
       * trusted network, since credentials and mail then cross it in the clear).
       */
      tls: z.enum(['verified', 'required', 'opportunistic', 'none']).default('verified'),
    }).nullable().default(null),
    /** The SMTP port of MX hosts: 25, except in tests. */
    port: z.number().int().min(1).max(65535).default(25),
  }).prefault({}),
  queue: z.strictObject({
    /** Give up (and bounce) after this long: seconds, or a duration like "5d", "12h", "30m". */
    maxAge: duration.default(5 * 24 * 3600),
    concurrency: z.strictObject({
      total: z.number().int().min(1).max(10_000).default(20),
      /** Sessions at once to one destination: a recipient domain, or the smarthost (Postfix: 20). */
      perDomain: z.number().int().min(1).max(1000).default(20),
    }).prefault({}),
    /** Seconds between looks at the spool for due mail (and `mailroom queue retry`). */
    pollInterval: duration.default(5),
  }).prefault({}),
  inbound: z.strictObject({
    /**
     * Verify SPF, DKIM, DMARC and ARC of every message the MX receives and head it with an
     * Authentication-Results field; DMARC p=reject failures are refused (550 5.7.1).
     */
    verify: z.boolean().default(true),
    /** Seconds one verification may take (DNS included); past it: temperror, accepted. */
    verifyTimeout: duration.default(15),
  }).prefault({}),
  dmarc: z.strictObject({
    /** A DMARC failure under p=quarantine: file into the recipients' Junk folder, or accept. */
    quarantine: z.enum(['junk', 'accept']).default('junk'),
  }).prefault({}),
  spam: z.strictObject({
    /**
     * URL of rspamd's normal worker (e.g. "http://127.0.0.1:11333"); every message the MX
     * receives is checked there. null: no spam filtering.
     */
    rspamd: httpUrl.nullable().default(null),
    /** URL of rspamd's controller worker (e.g. "http://127.0.0.1:11334"), for learning spam/ham. */
    rspamdController: httpUrl.nullable().default(null),
    /** The controller's password; not needed from an address in rspamd's secure_ip. */
    rspamdPassword: z.string().min(1).nullable().default(null),
    /** Seconds one check may take; past it rspamd counts as unavailable. */
    timeout: duration.default(20),
    /**
     * rspamd unreachable, failing or too slow: accept the message unfiltered (logged as a
     * warning), or defer it (451). Accept by default: a spam filter's outage should not stop mail.
     */
    onUnavailable: z.enum(['accept', 'defer']).default('accept'),
  }).prefault({}),
  antivirus: z.strictObject({
    /** clamd's socket, "unix:/run/clamav/clamd.ctl" or "tcp://127.0.0.1:3310". null: no scanning. */
    clamd: clamdAddress.nullable().default(null),
    /** Seconds one scan may take; past it clamd counts as unavailable. */
    timeout: duration.default(30),
    /**
     * clamd unreachable, failing or too slow: defer the message (451, the sender retries), or
     * accept it unscanned (logged as a warning). Defer by default: unscanned mail could carry malware.
     */
    onUnavailable: z.enum(['defer', 'accept']).default('defer'),
    /**
     * The message is larger than maxScanSize (or clamd's StreamMaxLength): accept it unscanned
     * (logged as a warning), or refuse it (552 5.3.4). Deferring would never succeed. Keep both at
     * least limits.maxMessageSize and this never happens.
     */
    onTooLarge: z.enum(['accept', 'reject']).default('accept'),
    /**
     * Messages larger than this are not sent to clamd (onTooLarge applies). Set it to clamd's
     * StreamMaxLength (Debian's default: 25M): past that clamd cuts the stream off.
     */
    maxScanSize: size.default(25 * 1024 * 1024),
  }).prefault({}),
  auth: z.strictObject({
    /** Allow password mechanisms without TLS. Off: never, loopback included. */
    allowInsecure: z.boolean().default(false),
  }).prefault({}),
  log: z.strictObject({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  }).prefault({}),
  /** `mailroom agent`: monitoring, alerts and the admin panel's API (listen.admin, listen.http). */
  agent: z.strictObject({
    /** Seconds between hardware samples (CPU, memory, disks, network, temperatures). */
    sampleInterval: duration.default(5),
    /** Seconds between SMART health reads (smartctl) and md RAID checks. */
    smartInterval: duration.default(600),
    /** Seconds between alert checks (mail daemon answering, queue, certificate, disks). */
    alertInterval: duration.default(30),
    /** Where alerts are mailed, once per change of state; null: shown in the panel only. */
    alertEmail: z.string().refine((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), 'must be a mail address like admin@example.com').nullable().default(null),
    alerts: z.strictObject({
      /** A file system fuller than this (percent) raises an alert. */
      diskPercent: z.number().min(1).max(100).default(85),
      /** More queued messages than this raises an alert. */
      queueBacklog: z.number().int().min(1).default(100),
      /** The TLS certificate expiring in fewer days than this raises an alert. */
      certificateDays: z.number().int().min(1).max(365).default(14),
    }).prefault({}),
    /** Bearer token for GET /metrics (Prometheus); null: generated once into DIR/secrets/metrics.token. */
    metricsToken: z.string().min(16).nullable().default(null),
    /** Admin sessions: signed out after this long without a request, and after maxAge in any case. */
    session: z.strictObject({
      idleTimeout: duration.default(30 * 60),
      maxAge: duration.default(12 * 3600),
    }).prefault({}),
  }).prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** A validated, frozen config whose file paths are absolute. */
export type Config = DeepReadonly<ParsedConfig & { dataDir: string }>;

type DeepReadonly<T> = T extends (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Validates a config object; throws ConfigError listing every problem as `path: message`. */
export function parseConfig(raw: unknown, dataDir: string): Config {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ConfigError(issues);
  }
  const cfg = result.data;
  const abs = (p: string) => (path.isAbsolute(p) ? p : path.join(dataDir, p));
  return deepFreeze({ ...cfg, tls: { cert: abs(cfg.tls.cert), key: abs(cfg.tls.key) }, dataDir: path.resolve(dataDir) });
}

/** Reads and validates DIR/config.json. */
export function loadConfig(dataDir: string): Config {
  const file = path.join(dataDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'}); run "mailroom init --hostname HOST --data ${dataDir}" first`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`${file}: not valid JSON (${(err as Error).message})`]);
  }
  return parseConfig(raw, dataDir);
}

/** Splits "host:port" (or "[v6]:port") into its parts. */
export function splitHostPort(value: string): { host: string; port: number } {
  const i = value.lastIndexOf(':');
  let host = value.slice(0, i);
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host === '*') host = '::';
  return { host, port: Number(value.slice(i + 1)) };
}

/** The outbound spool's directory (bodies of queued messages), under the data directory. */
export function queueDir(config: Config): string {
  return path.join(config.dataDir, 'queue');
}
