// The mail daemon's control API: what travels over DIR/run/control.sock as JSON. The server
// (control-server.ts) and the typed client (control-client.ts) both use these types, so a change
// here is a change on both sides. Dates travel as ISO 8601 strings, sizes as bytes.

import type { QueueEvent } from '../queue/queue-events.js';
/** GET /v1/quota: the same shape as `mailroom quota report --json`. */
export type { QuotaReport as ControlQuotaReport } from '../delivery/quota-report.js';

/** The socket's file name under DIR/run. */
export const CONTROL_SOCKET = 'control.sock';

/** Every path starts with this; a later incompatible API gets /v2 beside it. */
export const CONTROL_PREFIX = '/v1';

/** Every refusal: an HTTP status and this body. `code` is the directory's or spool's error code. */
export interface ControlErrorBody {
  error: { code: string; message: string };
}

export interface ControlHealth {
  status: 'ok';
  pid: number;
  version: string;
  startedAt: string;
  uptime: number;
}

export interface ControlDomain {
  name: string;
  createdAt: string;
}

export interface ControlUser {
  address: string;
  id: string;
  /** Bytes; null = unlimited. */
  quota: number | null;
  createdAt: string;
  usage: { bytes: number; messages: number };
  /** Logins refused (mail still accepted); PUT /v1/users/:address/disabled {disabled}. */
  disabled: boolean;
}

/** GET /v1/users/:address/folders: one folder of the admin's mailbox view. */
export interface ControlFolder {
  name: string;
  specialUse: string | null;
  messages: number;
  unseen: number;
  size: number;
}

/** GET /v1/users/:address/messages?folder=F: `mail ls --json`'s shape plus the flags. */
export interface ControlMailboxMessage {
  uid: number;
  folder: string;
  from: string | null;
  subject: string | null;
  size: number;
  date: string;
  flags: string[];
}

/** GET /v1/users/:address/messages/:uid?folder=F: one message for reading (never marks it \Seen). */
export interface ControlMessageView extends ControlMailboxMessage {
  headers: { name: string; value: string }[];
  /** The first text/plain part (or the text of the HTML part), cut at `textLimit` characters. */
  text: string | null;
  textTruncated: boolean;
  attachments: { filename: string | null; contentType: string; size: number }[];
}

export interface ControlAlias {
  address: string;
  targets: string[];
}

/** A forwarder (`mailroom forward ls --json`). */
export interface ControlForward {
  address: string;
  targets: string[];
  keepCopy: boolean;
}

/** One queued message, in the shape of `mailroom queue ls --json`. */
export interface ControlQueueMessage {
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

/** What waits in the queue, counted. */
export interface ControlQueueSummary {
  messages: number;
  /** Recipients still to be tried (pending or deferred). */
  waiting: number;
  deferred: number;
  /** queuedAt of the oldest message, or null when the queue is empty. */
  oldest: string | null;
}

/** A record to publish, as `mailroom dns DOMAIN --json` prints it. */
export interface ControlDnsRecord {
  type: string;
  name: string;
  value: string;
}

/** GET /v1/domains/:name/dns/check: one record and what DNS holds, as `mailroom dns --check --json`. */
export interface ControlDnsCheck extends ControlDnsRecord {
  status: 'present' | 'missing' | 'wrong';
  found: string[];
  error?: string;
}

/** Counters since `since` (the start of the machine's local day); they restart with the daemon. */
export interface ControlStats {
  since: string;
  startedAt: string;
  /** Messages the MX accepted into local mailboxes. */
  received: number;
  /** Messages authenticated users submitted. */
  submitted: number;
  /** Remote recipients delivered, deferred (once per attempt), failed. */
  delivered: number;
  deferred: number;
  failed: number;
  /** DSNs sent. */
  bounced: number;
  /** Messages refused at DATA (policy, size, content) on any port. */
  refused: number;
  queue: ControlQueueSummary;
}

/** One JSON log line of the daemon, as written to stdout. */
export interface ControlLogLine {
  time: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

/** Recipients of a system mail (alerts, reports): local users are delivered to, others queued. */
export interface ControlSystemMail {
  to: string[];
  subject: string;
  /** Plain text; lines are wrapped by the sender, not here. */
  text: string;
}

export interface ControlSystemMailResult {
  /** Queue id (foreign recipients) or delivery id (local ones), one per route taken. */
  ids: string[];
  delivered: string[];
  queued: string[];
}

/**
 * Live events (GET /v1/events, newline-delimited JSON, one object per line). `log`: every log
 * line the daemon writes; `delivery`: what the queue runner did; `queue`: the queue changed
 * (coalesced, at most a few per second), with its new summary.
 */
export type ControlEvent =
  | { type: 'log'; line: ControlLogLine }
  | { type: 'delivery'; event: QueueEvent; time: string }
  | { type: 'queue'; summary: ControlQueueSummary; time: string }
  /** An address was banned for failed logins (mail/auth/ban-list.ts), for the firewall's blocklist. */
  | { type: 'auth.ban'; ip: string; seconds: number; reason: string };

export type { QueueEvent };
