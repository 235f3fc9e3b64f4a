// The IMAP benchmark's measurements, each against one server on 127.0.0.1: login rate, SELECT of
// a large folder (the first one after the mail was loaded, then warm ones on fresh sessions),
// FETCH 1:* (UID FLAGS), UID SEARCH TEXT. Each checks what the server answered (EXISTS count,
// number of FETCH responses, search hits) so a fast wrong answer is not counted as fast.

import { ImapConnection, type ImapCompletion } from './imap-probe.js';

export interface Target {
  name: string;
  port: number;
}

export interface LoginRateResult {
  logins: number;
  failures: number;
  firstFailure: string | null;
  seconds: number;
  perSecond: number;
  /** Connect → LOGIN OK, per login. */
  latenciesMs: number[];
}

/**
 * `clients` parallel loops of connect, LOGIN, LOGOUT until `total` logins or the time cap. Login
 * n uses users[n % users.length]: one account logging in again and again (what a phone does,
 * and what a server's verified-credential cache is for), or as many accounts as logins (every
 * password checked in full).
 */
export async function loginRate(t: Target, opts: { users: readonly string[]; password: string; clients: number; total: number; capMs: number }): Promise<LoginRateResult> {
  let started = 0;
  let logins = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const latenciesMs: number[] = [];
  const deadline = Date.now() + opts.capMs;
  const t0 = process.hrtime.bigint();
  const loop = async () => {
    while (started < opts.total && Date.now() < deadline && failures < 50) {
      const user = opts.users[started % opts.users.length]!;
      started++;
      const s = process.hrtime.bigint();
      let c: ImapConnection | null = null;
      try {
        c = await ImapConnection.connect({ port: t.port, timeoutMs: 30000 });
        await c.login(user, opts.password, 60000);
        latenciesMs.push(Number(process.hrtime.bigint() - s) / 1e6);
        logins++;
        await c.ok('LOGOUT', { timeoutMs: 10000 });
      } catch (err) {
        failures++;
        firstFailure ??= (err as Error).message;
      } finally {
        c?.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, loop));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { logins, failures, firstFailure, seconds, perSecond: logins / seconds, latenciesMs };
}

/** A logged-in session (LOGIN done). */
export async function session(t: Target, user: string, password: string): Promise<ImapConnection> {
  const c = await ImapConnection.connect({ port: t.port, timeoutMs: 30000 });
  try {
    await c.login(user, password, 60000);
    return c;
  } catch (err) {
    c.destroy();
    throw err;
  }
}

function existsOf(sel: ImapCompletion): number {
  for (const r of sel.untagged) {
    const m = /^\* (\d+) EXISTS$/i.exec(r);
    if (m) return Number(m[1]);
  }
  return -1;
}

export interface SelectResult {
  /** SELECT times in ms on fresh sessions, in order (the first is the cold one when `cold`). */
  ms: number[];
  exists: number;
}

/** SELECT `folder` on `repeats` fresh sessions, one after the other. */
export async function selectTimes(t: Target, opts: { user: string; password: string; folder: string; repeats: number; expect: number }): Promise<SelectResult> {
  const ms: number[] = [];
  let exists = -1;
  for (let i = 0; i < opts.repeats; i++) {
    const c = await session(t, opts.user, opts.password);
    try {
      const sel = await c.ok(`SELECT ${opts.folder}`, { timeoutMs: 600000 });
      exists = existsOf(sel);
      if (exists !== opts.expect) throw new Error(`${t.name}: SELECT ${opts.folder} said ${exists} EXISTS, expected ${opts.expect}`);
      ms.push(sel.ms);
    } finally {
      await c.logout();
    }
  }
  return { ms, exists };
}

export interface TimedResult { ms: number[]; detail: string }

/** FETCH 1:* (UID FLAGS) `repeats` times on one session; every message must answer. */
export async function fetchAllFlags(t: Target, opts: { user: string; password: string; folder: string; repeats: number; expect: number }): Promise<TimedResult> {
  const c = await session(t, opts.user, opts.password);
  const ms: number[] = [];
  let bytes = 0;
  try {
    await c.ok(`SELECT ${opts.folder}`, { timeoutMs: 600000 });
    for (let i = 0; i < opts.repeats; i++) {
      let n = 0;
      const f = await c.ok('FETCH 1:* (UID FLAGS)', { collect: false, onUntagged: (r) => { if (/^\* \d+ FETCH /i.test(r)) n++; }, timeoutMs: 600000 });
      if (n !== opts.expect) throw new Error(`${t.name}: FETCH 1:* (UID FLAGS) gave ${n} responses, expected ${opts.expect}`);
      ms.push(f.ms);
      bytes = f.bytes;
    }
  } finally {
    await c.logout();
  }
  return { ms, detail: `${opts.expect} responses, ${(bytes / 1048576).toFixed(1)} MiB` };
}

/** UID SEARCH TEXT `word` `repeats` times on one session; the hit count must be `expect`. */
export async function searchText(t: Target, opts: { user: string; password: string; folder: string; word: string; repeats: number; expect: number }): Promise<TimedResult> {
  const c = await session(t, opts.user, opts.password);
  const ms: number[] = [];
  try {
    await c.ok(`SELECT ${opts.folder}`, { timeoutMs: 600000 });
    for (let i = 0; i < opts.repeats; i++) {
      const s = await c.ok(`UID SEARCH TEXT ${opts.word}`, { timeoutMs: 600000 });
      const line = s.untagged.find((r) => /^\* SEARCH\b/i.test(r)) ?? '';
      const hits = line.split(' ').slice(2).filter(Boolean).length;
      if (hits !== opts.expect) throw new Error(`${t.name}: UID SEARCH TEXT ${opts.word} found ${hits}, expected ${opts.expect}`);
      ms.push(s.ms);
    }
  } finally {
    await c.logout();
  }
  return { ms, detail: `${opts.expect} hits` };
}
