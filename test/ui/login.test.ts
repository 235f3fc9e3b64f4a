// Logging in: growing delays for failures (and 429 for attempts while one is held), the TOTP
// second factor enrolled with `mailroom admin totp`, and admin accounts managed with the real
// `mailroom admin` CLI beside the running agent.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { totpCode } from '../../agent/admin/totp.js';
import type { AuditEntry } from '../../ui/shared/api-types.js';
import { PASSWORD, runCli, setupFirstAdmin, startAgentFixture, type AgentFixture, type HttpResult } from './agent-fixture.js';

const code = (res: HttpResult) => (res.json as { error?: { code?: string } }).error?.code;

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await p;
  return [v, performance.now() - t0];
}

describe('login', () => {
  let f: AgentFixture;
  // Delays long enough to measure under load: 200, 400, 800, 1600 ms.
  before(async () => { f = await startAgentFixture({ agent: { throttle: { baseMs: 200, maxMs: 1600 } } }); await setupFirstAdmin(f, f.client()); });
  after(async () => { await f.cleanup(); });

  test('failures cost growing delays; an attempt while one is held gets 429; success clears it', async () => {
    const c = f.client();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [res, ms] = await timed(c.login('root', 'wrong password!'));
      assert.deepEqual([res.status, code(res)], [401, 'login_failed']);
      delays.push(ms);
    }
    for (const [i, min] of [200, 400, 800, 1600].entries()) assert.ok(delays[i]! >= min - 5, `attempt ${i + 1} took ${delays[i]} ms, expected >= ${min}`);
    assert.ok(delays[3]! - delays[0]! >= 1000, `delays grow: ${delays.map(Math.round).join(', ')}`);

    // While the fifth failure is held (1600 ms), a parallel attempt is refused at once.
    const held = c.login('root', 'wrong again!!');
    await new Promise((r) => setTimeout(r, 100));
    const [parallel, ms] = await timed(c.login('root', PASSWORD));
    assert.deepEqual([parallel.status, code(parallel)], [429, 'too_many_attempts']);
    assert.ok(ms < 1000, `refused at once (${ms} ms)`);
    assert.match(String(parallel.headers['retry-after']), /^\d+$/);
    assert.equal((await held).status, 401);

    const ok = await c.login('Root', PASSWORD);
    assert.equal(ok.status, 200, ok.text);
    const [again, fast] = await timed(f.client().login('root', 'wrong password!'));
    assert.equal(again.status, 401);
    assert.ok(fast < 1200, `the penalty started over after the success (${fast} ms)`);
  });

  test('unknown accounts fail the same way; bodies are checked', async () => {
    const c = f.client();
    const res = await c.login('nobody', PASSWORD);
    assert.deepEqual([res.status, code(res)], [401, 'login_failed']);
    await new Promise((r) => setTimeout(r, 500));
    const bad = await c.request('POST', '/api/v1/session', { json: { username: 'root' } });
    assert.deepEqual([bad.status, code(bad)], [400, 'invalid_request']);
  });

  test('the admin CLI: add (password from stdin only), ls, refusals as one line', async () => {
    let r = await runCli(f.dataDir, ['admin', 'add', 'ops', '--password-stdin'], PASSWORD + '\n');
    assert.deepEqual([r.code, r.stdout], [0, 'added admin ops\n']);
    r = await runCli(f.dataDir, ['admin', 'add', 'ops2']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^mailroom: --password-stdin is required/);
    r = await runCli(f.dataDir, ['admin', 'add', 'weak', '--password-stdin'], 'weak\n');
    assert.deepEqual([r.code, r.stderr], [1, 'mailroom: password is too short: use at least 10 characters\n']);
    r = await runCli(f.dataDir, ['admin', 'add', 'ops', '--password-stdin'], PASSWORD + '\n');
    assert.deepEqual([r.code, r.stderr], [1, 'mailroom: admin ops exists already\n']);
    r = await runCli(f.dataDir, ['admin', 'ls', '--json']);
    assert.deepEqual((JSON.parse(r.stdout) as { name: string; totp: boolean }[]).map((a) => [a.name, a.totp]), [['ops', false], ['root', false]]);
    r = await runCli(f.dataDir, ['admin', 'frobnicate']);
    assert.equal(r.code, 2);
  });

  test('TOTP: `admin totp` prints the otpauth URI; login then needs a valid, unused code', async () => {
    const r = await runCli(f.dataDir, ['admin', 'totp', 'ops']);
    assert.equal(r.code, 0, r.stderr);
    const uri = new URL(r.stdout.trim());
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(decodeURIComponent(uri.pathname), '/Mailroom:ops@mx.example.com');
    const secret = uri.searchParams.get('secret')!;

    const c = f.client();
    let res = await c.login('ops', PASSWORD);
    assert.deepEqual([res.status, code(res)], [401, 'totp_required']);
    res = await c.login('ops', 'wrong password!', totpCode(secret, Date.now()));
    assert.deepEqual([res.status, code(res)], [401, 'login_failed'], 'a wrong password never reaches the code');
    await new Promise((r) => setTimeout(r, 500));
    const now = Date.now();
    const good = totpCode(secret, now);
    const wrong = String((Number(good) + 1) % 1_000_000).padStart(6, '0');
    res = await c.login('ops', PASSWORD, wrong);
    assert.deepEqual([res.status, code(res)], [401, 'totp_invalid']);
    await new Promise((r) => setTimeout(r, 500));
    res = await c.login('ops', PASSWORD, good);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.json as { totp: boolean }).totp, true);
    // The same code once more (a replayed login) is refused.
    await new Promise((r) => setTimeout(r, 500));
    res = await f.client().login('ops', PASSWORD, good);
    assert.deepEqual([res.status, code(res)], [401, 'totp_invalid']);
    assert.equal((await c.request('GET', '/api/v1/session')).status, 200);
  });

  test('`admin rm` of a logged-in admin ends their session; the CLI\'s changes are audited', async () => {
    const c = f.client();
    await new Promise((r) => setTimeout(r, 500));
    const r0 = await runCli(f.dataDir, ['admin', 'totp-off', 'ops']);
    assert.equal(r0.code, 0, r0.stderr);
    assert.equal((await c.login('ops', PASSWORD)).status, 200);
    const r = await runCli(f.dataDir, ['admin', 'rm', 'ops']);
    assert.deepEqual([r.code, r.stdout], [0, 'removed admin ops\n']);
    assert.equal((await c.request('GET', '/api/v1/session')).status, 401);
    const lines = readFileSync(path.join(f.dataDir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    const cli = lines.filter((l) => l.actor.startsWith('cli:'));
    assert.deepEqual(cli.map((l) => `${l.action} ${l.target}`), ['admin.add ops', 'admin.totp ops', 'admin.totp-off ops', 'admin.remove ops']);
    assert.ok(cli.every((l) => l.ip === null && l.outcome === 'ok'));
    const logins = lines.filter((l) => l.action === 'session.login');
    assert.ok(logins.some((l) => l.outcome === 'refused' && l.code === 'login_failed' && l.ip === '127.0.0.1'));
    assert.ok(logins.some((l) => l.outcome === 'refused' && l.code === 'totp_invalid' && l.actor === 'ops'));
    assert.ok(logins.some((l) => l.outcome === 'ok' && l.actor === 'root'));
  });
});
