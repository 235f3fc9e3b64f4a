// Many IMAP clients at once, each logged in, with INBOX selected and in IDLE: how much memory a
// server needs to hold them, and how fast a new message reaches the ones watching its mailbox.
// Clients are opened in batches (connect, LOGIN, SELECT INBOX, IDLE) and each must get its "+"
// continuation before the next batch starts; every wait is bounded.

import { ImapConnection } from './imap-probe.js';

export interface SwarmClient {
  user: string;
  conn: ImapConnection;
}

export interface SwarmOpenResult {
  clients: SwarmClient[];
  failures: number;
  firstFailure: string | null;
  /** Continuation lines seen that were not "+ idling" (text differs between servers). */
  otherContinuations: Set<string>;
  seconds: number;
}

export async function openIdleSwarm(opts: {
  port: number;
  /** Accounts; client i logs in as users[i % users.length]. */
  users: string[];
  password: string;
  total: number;
  batch: number;
  capMs: number;
  onProgress?: (open: number, failures: number) => void;
}): Promise<SwarmOpenResult> {
  const clients: SwarmClient[] = [];
  const otherContinuations = new Set<string>();
  let failures = 0;
  let firstFailure: string | null = null;
  const t0 = Date.now();
  const deadline = t0 + opts.capMs;
  const openOne = async (i: number): Promise<void> => {
    const user = opts.users[i % opts.users.length]!;
    let conn: ImapConnection | null = null;
    try {
      conn = await ImapConnection.connect({ port: opts.port, timeoutMs: 60000 });
      await conn.login(user, opts.password, 180000);
      await conn.ok('SELECT INBOX', { timeoutMs: 60000 });
      const idle = await conn.idle(60000);
      if (!/^\+ idling/i.test(idle.continuation)) otherContinuations.add(idle.continuation);
      clients.push({ user, conn });
    } catch (err) {
      failures++;
      firstFailure ??= `client ${i} (${user}): ${(err as Error).message}`;
      conn?.destroy();
    }
  };
  for (let start = 0; start < opts.total; start += opts.batch) {
    if (Date.now() > deadline) { failures += opts.total - start; firstFailure ??= 'time cap reached while opening'; break; }
    const end = Math.min(opts.total, start + opts.batch);
    await Promise.all(Array.from({ length: end - start }, (_, k) => openOne(start + k)));
    opts.onProgress?.(clients.length, failures);
    // A server that refuses most clients will not get better: stop early.
    if (failures > Math.max(100, opts.total * 0.05)) break;
  }
  return { clients, failures, firstFailure, otherContinuations, seconds: (Date.now() - t0) / 1000 };
}

/**
 * Starts the clock, runs `deliver` (which puts one new message into each watched user's INBOX
 * and returns when each user's copy was acknowledged) and times how long each watching client
 * takes to hear "* N EXISTS": from the start of the delivery, and from the moment its own
 * user's copy was acknowledged (250 after DATA, dovecot-lda's exit). Clients that hear nothing
 * within capMs count as missed.
 */
export async function timeExistsNotification(opts: {
  watchers: SwarmClient[];
  deliver: () => Promise<Map<string, bigint>>;
  capMs: number;
}): Promise<{ latenciesMs: number[]; afterAckMs: number[]; missed: number; deliveryMs: number }> {
  const t0 = process.hrtime.bigint();
  const waits = opts.watchers.map((c) => c.conn.waitUntagged((r) => /^\* \d+ EXISTS$/i.test(r), opts.capMs)
    .then(() => ({ user: c.user, at: process.hrtime.bigint() }), () => null));
  const acked = await opts.deliver();
  const deliveryMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const got = await Promise.all(waits);
  const heard = got.filter((x): x is { user: string; at: bigint } => x !== null);
  return {
    latenciesMs: heard.map((h) => Number(h.at - t0) / 1e6),
    afterAckMs: heard.map((h) => Number(h.at - (acked.get(h.user) ?? t0)) / 1e6),
    missed: got.length - heard.length,
    deliveryMs,
  };
}

/** Drops every client's socket (no LOGOUT: the server must clean up after vanished clients too). */
export async function closeSwarm(clients: SwarmClient[]): Promise<void> {
  for (let i = 0; i < clients.length; i++) {
    clients[i]!.conn.destroy();
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
}
