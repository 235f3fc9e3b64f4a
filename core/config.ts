// The config file (DIR/config.json): one schema with defaults shared by every process.
// It is validated at start, every problem reported with its path, then frozen.
// Only composition roots (cli/, */main.ts) call loadConfig; everything else is handed values.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseSize } from './size.js';

// zod compiles a parser for each object schema (new Function) on its first parse. Every process
// parses its config once, at start, and schemas elsewhere (helper requests, update bundles) are
// parsed rarely: the compile costs more than it saves (first parse 31 → 8 ms natively; about a
// second of the appliance's emulated boot). The setting is zod's, for the whole process.
z.config({ jitless: true });

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

/** A network as "address/prefix" (IPv4 or IPv6), or one address, e.g. "192.168.0.0/16", "fd00::/8". */
const cidr = z.string().refine((v) => {
  const [addr, len, extra] = v.split('/');
  const family = isIP(addr ?? '');
  if (!family || extra !== undefined) return false;
  return len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= (family === 4 ? 32 : 128));
}, 'must be an IP network like "192.168.0.0/16" or "fd00::/8"');

const hostname = z.string().regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, 'must be a DNS host name');

export const DEV_LISTEN = {
  smtp: '127.0.0.1:2525',
  submission: '127.0.0.1:2587',
  submissions: '127.0.0.1:2465',
  imap: '127.0.0.1:2143',
  imaps: '127.0.0.1:2993',
  pop3: '127.0.0.1:2110',
  pop3s: '127.0.0.1:2995',
  managesieve: '127.0.0.1:24190',
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
    /**
     * ManageSieve (RFC 5804; 4190 on the appliance): STARTTLS, then SASL PLAIN. `mailroom init`
     * writes the dev port; a config without the key has no ManageSieve listener, so configs
     * written before it existed do not start binding a new port.
     */
    managesieve: listener.default(null),
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
    /** Sieve scripts (ManageSieve, `mailroom sieve set`) and what one run may do. */
    sieve: z.strictObject({
      maxScriptSize: size.default(64 * 1024),
      maxScripts: z.number().int().min(1).max(1000).default(20),
      maxRedirects: z.number().int().min(0).max(100).default(4),
      maxActions: z.number().int().min(1).max(1000).default(32),
    }).prefault({}),
    /** Per client address (IPv6: per /64) on the MX: over it 421 4.7.0 at connect, 451 4.7.1 at MAIL. null: not counted. */
    ratePerIp: z.strictObject({
      connectionsPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
      messagesPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
      /** Networks never counted (loopback is counted unless listed here). */
      passNetworks: z.array(cidr).default([]),
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
    /** Outbound sessions kept open for the next message to the same destination (Postfix's connection cache). */
    connectionReuse: z.strictObject({
      /** Transactions per session before QUIT; 1 turns reuse off. */
      messagesPerConnection: z.number().int().min(1).max(100_000).default(100),
      /** Unused this long (seconds or a duration), a kept session is closed (Postfix: 2 s). */
      idleTimeout: duration.default(2),
      /** A session is not reused once it is this old (Postfix: 300 s). */
      maxAge: duration.default(300),
    }).prefault({}),
  }).prefault({}),
  inbound: z.strictObject({
    /**
     * Verify SPF, DKIM, DMARC and ARC of every message the MX receives and head it with an
     * Authentication-Results field; DMARC p=reject failures are refused (550 5.7.1).
     */
    verify: z.boolean().default(true),
    /** Seconds one verification may take (DNS included); past it: temperror, accepted. */
    verifyTimeout: duration.default(15),
    /** HELO/EHLO names: "log" notes bad ones and refuses only a foreign client claiming our name; "reject" refuses all; "off". */
    heloPolicy: z.enum(['off', 'log', 'reject']).default('log'),
    /** Forward-confirmed reverse DNS of MX clients: "log" notes its absence, "defer" answers 450 4.7.25, "off". */
    requireReverseDns: z.enum(['off', 'log', 'defer']).default('log'),
  }).prefault({}),
  /** Greylisting at RCPT TO (off unless enabled: it delays every new sender's first message). */
  greylisting: z.strictObject({
    enabled: z.boolean().default(false),
    /** Seconds before a retry of a new (network, sender, recipient) triplet passes. */
    delaySeconds: z.number().int().min(1).max(86_400).default(300),
    /** Never greylisted: client networks (CIDR), sender and recipient domains or addresses. Nothing is exempt by default, loopback included. */
    passNetworks: z.array(cidr).default([]),
    passSenders: z.array(z.string().min(1)).default([]),
    passRecipients: z.array(z.string().min(1)).default([]),
  }).prefault({}),
  /** DNS block-lists asked at connect; a listed client gets 554 5.7.1 ("log": only noted). */
  dnsbl: z.strictObject({
    zones: z.array(z.union([hostname, z.strictObject({ zone: hostname, action: z.enum(['reject', 'log']).default('reject') })])).default([]),
  }).prefault({}),
  /** DNS allow-lists: a listed client skips the block-lists and greylisting. */
  dnswl: z.strictObject({
    zones: z.array(hostname).default([]),
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
    /** `failures` failed logins from one IP within `windowSeconds` ban it for `banSeconds` (SMTP, IMAP, POP3, the panel). */
    ban: z.strictObject({
      failures: z.number().int().min(1).max(10_000).default(10),
      windowSeconds: duration.default(600),
      banSeconds: duration.default(3600),
    }).prefault({}),
    /** Verified-password cache (mail/auth/credential-cache.ts): a repeated login within `ttl` skips scrypt. ttl 0: off. */
    cache: z.strictObject({
      ttl: z.union([z.literal(0), duration]).default(600),
      maxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
    }).prefault({}),
  }).prefault({}),
  /** The Sender Rewriting Scheme of forwarded mail (mail/srs/srs-codec.ts). */
  srs: z.strictObject({
    /** HMAC key of SRS addresses; null: derived from DIR/secrets/secret.key (mailroom init). */
    secret: z.string().min(16).nullable().default(null),
    /** The domain SRS addresses are written in (its SPF must allow us, its MX must reach us); null: hostname. */
    domain: hostname.nullable().default(null),
    /** Days a bounce to an SRS address is still taken back. */
    maxAgeDays: z.number().int().min(1).max(365).default(21),
  }).prefault({}),
  /** Mailing lists (mail/lists): bounce handling and the public URL of one-click unsubscribe. */
  lists: z.strictObject({
    /** This many bounces within bounceWindow disable a member (the list owner is told). */
    bounceLimit: z.number().int().min(1).max(1000).default(5),
    bounceWindow: duration.default(30 * 86_400),
    /** How long a subscription or unsubscription confirmation stays valid. */
    confirmMaxAge: duration.default(7 * 86_400),
    /** "https://host[:port]" of the agent for List-Unsubscribe and confirmation links; null: https://hostname with listen.admin's port (443 left out). */
    publicUrl: httpUrl.nullable().default(null),
  }).prefault({}),
  log: z.strictObject({
    level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  }).prefault({}),
  /** TLS certificates from an ACME CA (agent/acme), answered by HTTP-01 on listen.http. */
  acme: z.strictObject({
    /** The agent issues and renews by itself (twice a day, 30 days before expiry); `mailroom tls issue` works either way. */
    enabled: z.boolean().default(false),
    directoryUrl: httpUrl.default('https://acme-v02.api.letsencrypt.org/directory'),
    /** Contact address of the ACME account (expiry notices); null: none. */
    email: z.string().refine((v) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v), 'must be a mail address like admin@example.com').nullable().default(null),
    /** PEM file of a private CA that signed the ACME server's own HTTPS certificate (relative to DIR). */
    caCertFile: z.string().min(1).nullable().default(null),
    /** More names for the certificate, beyond hostname and each domain's autoconfig/autodiscover/mta-sts. */
    names: z.array(hostname).default([]),
  }).prefault({}),
  /** The privileged helper (`mailroom helper`, root): its Unix socket, and the group that may use it. */
  helper: z.strictObject({
    /** Relative to DIR; default DIR/run/helper.sock. */
    socket: z.string().min(1).default('run/helper.sock'),
    /** Group owning the socket (mode 0660): the agent's group; null: the helper's own group. */
    group: z.string().regex(/^[a-z_][a-z0-9_-]*$/, 'must be a group name').nullable().default(null),
  }).prefault({}),
  /** The nftables firewall (table inet mailroom), applied by the helper; mail ports come from listen.*. */
  firewall: z.strictObject({
    /** Apply the ruleset when the helper starts; off: only `mailroom firewall apply` does. */
    enabled: z.boolean().default(false),
    /** Sources allowed to reach listen.admin (the panel); CIDRs, IPv4 or IPv6. */
    adminNetworks: z.array(cidr).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10']),
    /** Sources allowed to reach SSH on sshPort. */
    sshNetworks: z.array(cidr).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7', 'fe80::/10']),
    /** null: no SSH rule (SSH closed). */
    sshPort: z.number().int().min(1).max(65535).nullable().default(22),
    /** listen.http open to everyone (ACME HTTP-01, autoconfig, the redirect); false: adminNetworks only. */
    httpOpen: z.boolean().default(true),
    /** New connections per minute from one source to one of smtp, submission, submissions, imaps. */
    ratePerMinute: z.number().int().min(1).max(100_000).default(30),
    /** Connections above the rate a source may open at once before it is limited. */
    rateBurst: z.number().int().min(1).max(100_000).default(20),
    /** Default length of a block from the panel or `mailroom firewall block` without --for. */
    blockDuration: duration.default(24 * 3600),
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
    /** Where first boot leaves `setup-token` and `preseed-admin.json` for the agent; null: none. */
    firstBootDir: z.string().min(1).nullable().default('/var/lib/mailroom-agent'),
    /** The agent's own files (agent.db, audit.log, secrets/metrics.token), relative to DIR; null: DIR (development). The appliance: /var/lib/mailroom-agent. */
    stateDir: z.string().min(1).nullable().default(null),
    /** Admin sessions: signed out after this long without a request, and after maxAge in any case. */
    session: z.strictObject({
      idleTimeout: duration.default(30 * 60),
      maxAge: duration.default(12 * 3600),
    }).prefault({}),
  }).prefault({}),
  /** Scheduled restic backups run by the agent (agent/backup); `mailroom backup` works without. */
  backup: z.strictObject({
    enabled: z.boolean().default(false),
    /** A directory, "sftp:user@host:/path", "s3:https://host/bucket" or "rest:https://host/path". */
    repository: z.string().min(1).nullable().default(null),
    /** File holding the repository password (relative to DIR); default secrets/backup.password. */
    passwordFile: z.string().min(1).default('secrets/backup.password'),
    /** Cron expression (node-cron, local time); default daily at 02:30. */
    schedule: z.string().min(9).default('30 2 * * *'),
    keep: z.strictObject({
      daily: z.number().int().min(0).max(1000).default(7),
      weekly: z.number().int().min(0).max(1000).default(4),
      monthly: z.number().int().min(0).max(1000).default(6),
    }).prefault({}),
    /** Backend credentials for restic, e.g. {"AWS_ACCESS_KEY_ID": "...", "AWS_SECRET_ACCESS_KEY": "..."}. */
    env: z.record(z.string().regex(/^(AWS|B2|AZURE|GOOGLE|RESTIC_REST|ST|OS)_[A-Z0-9_]+$/, 'must be a restic backend variable such as AWS_ACCESS_KEY_ID'), z.string()).default({}),
  }).prefault({}),
  /** Updates (agent/updates): Debian's through apt, the application's from signed bundles into A/B slots. */
  updates: z.strictObject({
    /** Apply automatically in the maintenance window; false: only `mailroom updates apply` or the panel. */
    enabled: z.boolean().default(false),
    /** Start of the maintenance window, a node-cron expression (local time); default daily 04:00. */
    window: z.string().regex(/^\s*\S+(\s+\S+){4,5}\s*$/, 'must be a cron expression like "0 4 * * *"').default('0 4 * * *'),
    /** How long the window stays open: nothing new is started after it closes. */
    windowLength: duration.default(2 * 3600),
    /** The A/B application slots (SLOTS/a, SLOTS/b, SLOTS/current), and where bundles are dropped. */
    slotsDir: z.string().min(1).default('/var/lib/mailroom-updates/slots'),
    /** What installs the application: signed bundles into slotsDir, or (the appliance) systemd-sysupdate's A/B root slots through the helper. */
    source: z.enum(['bundles', 'sysupdate']).default('bundles'),
    bundleDir: z.string().min(1).default('/var/lib/mailroom-updates/inbox'),
    /** Ed25519 public keys that may sign bundles (PEM, or base64 of the 32 raw bytes), besides keysDir's *.pub files. */
    trustedKeys: z.array(z.string().min(40)).default([]),
    keysDir: z.string().min(1).nullable().default('/usr/lib/mailroom/update-keys'),
    /** argv restarting the services onto the active slot (no shell). */
    restartCommand: z.array(z.string().min(1)).min(1).default(['systemctl', 'restart', 'mailroom-mail.service', 'mailroom-agent.service']),
    healthCheck: z.strictObject({
      checks: z.array(z.enum(['smtp', 'imap', 'agent'])).default(['smtp', 'imap', 'agent']),
      timeoutSeconds: z.number().int().min(1).max(3600).default(120),
    }).prefault({}),
    apt: z.strictObject({
      enabled: z.boolean().default(true),
      /** Only packages whose new version comes from the security archive. */
      securityOnly: z.boolean().default(true),
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
