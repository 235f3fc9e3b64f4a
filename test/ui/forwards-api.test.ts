// /api/v1/forwards end to end in one process: the real agent over HTTPS on 127.0.0.1 with a
// session, the real control server (with the forwarders store the mail daemon gives it) and the
// real SQLite store behind it. Set (list or comma word, keepCopy or its default), list (all or a
// domain's), replace, remove; bad input answers 400 with the store's code and the CLI's words,
// unknown things 404; no session 401, a foreign Origin 403; every change is in the audit log.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry, Forward } from '../../ui/shared/api-types.js';
import { PASSWORD, runCli, setupFirstAdmin, type AgentFixture, type ApiClient } from './agent-fixture.js';
import { startForwardsFixture } from './forwards-fixture.js';

const errorOf = (json: unknown) => (json as { error: { code: string; message: string } }).error;

describe('forwarders API', () => {
  let f: AgentFixture;
  let api: ApiClient;

  before(async () => {
    f = await startForwardsFixture();
    api = f.client();
    await setupFirstAdmin(f, api);
    for (const [pathname, json] of [
      ['/api/v1/domains', { name: 'example.com' }],
      ['/api/v1/users', { address: 'alice@example.com', password: PASSWORD }],
      ['/api/v1/users', { address: 'bob@example.com', password: PASSWORD }],
    ] as const) {
      const res = await api.request('POST', pathname, { json });
      assert.equal(res.status, 201, `${pathname}: ${res.text}`);
    }
  });
  after(async () => { await f?.cleanup(); });

  test('set with a list or a comma word; keepCopy defaults to whether the address has a mailbox', async () => {
    assert.deepEqual((await api.request('GET', '/api/v1/forwards')).json, []);
    let res = await api.request('POST', '/api/v1/forwards', { json: { address: 'Alice@Example.com', targets: ['a@far.test', 'B@far.test'] } });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json, { address: 'alice@example.com', targets: ['a@far.test', 'b@far.test'], keepCopy: true });
    res = await api.request('POST', '/api/v1/forwards', { json: { address: 'only@example.com', targets: 'o@far.test, p@far.test' } });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(res.json, { address: 'only@example.com', targets: ['o@far.test', 'p@far.test'], keepCopy: false });
    res = await api.request('POST', '/api/v1/forwards', { json: { address: 'bob@example.com', targets: ['b@far.test'], keepCopy: false } });
    assert.equal(res.status, 201, res.text);
    assert.equal((res.json as Forward).keepCopy, false);
    const list = (await api.request('GET', '/api/v1/forwards')).json as Forward[];
    assert.deepEqual(list.map((x) => x.address), ['alice@example.com', 'bob@example.com', 'only@example.com']);
    assert.deepEqual((await api.request('GET', '/api/v1/forwards?domain=example.com')).json, list);
    // The CLI sees the same rows.
    const cli = await runCli(f.dataDir, ['forward', 'ls', '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), list);
  });

  test('set again replaces targets and keepCopy', async () => {
    const res = await api.request('POST', '/api/v1/forwards', { json: { address: 'alice@example.com', targets: ['z@far.test'], keepCopy: false } });
    assert.equal(res.status, 201, res.text);
    assert.deepEqual(((await api.request('GET', '/api/v1/forwards')).json as Forward[]).find((x) => x.address === 'alice@example.com'),
      { address: 'alice@example.com', targets: ['z@far.test'], keepCopy: false });
  });

  test('bad input: 400 with the store\'s code and the CLI\'s words; nothing changed', async () => {
    const before = (await api.request('GET', '/api/v1/forwards')).json;
    const cases: [unknown, string, RegExp?][] = [
      [{ address: 'alice@example.com', targets: ['bob@example.com'] }, 'local_target', /use an alias/],
      [{ address: 'not-an-address', targets: ['x@far.test'] }, 'invalid_address', /not a valid address/],
      [{ address: 'alice@example.com', targets: ['x@far.test', 'nope'] }, 'invalid_target', /"nope" is not a valid target address/],
      [{ address: 'alice@example.com', targets: [] }, 'invalid_target', /at least one target/],
      [{ address: 'x@nowhere.test', targets: ['x@far.test'] }, 'unknown_domain', /nowhere\.test is not one of this server's domains/],
      [{ address: '@example.com', targets: ['x@far.test'] }, 'invalid_address', /catch-all/],
      [{ address: 'ghost@example.com', targets: ['x@far.test'], keepCopy: true }, 'no_mailbox'],
      [{ address: 'alice@example.com', targets: ['x@far.test'], keepCopy: 'yes' }, 'invalid_request'],
      [{ address: 'alice@example.com', targets: ['x@far.test'], extra: 1 }, 'invalid_request'],
      [{ address: 'alice@example.com' }, 'invalid_request'],
      [{ address: 'alice@example.com', targets: 42 }, 'invalid_request'],
    ];
    for (const [json, code, words] of cases) {
      const res = await api.request('POST', '/api/v1/forwards', { json });
      assert.equal(res.status, 400, `${JSON.stringify(json)}: ${res.text}`);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(errorOf(res.json).code, code, JSON.stringify(json));
      if (words) assert.match(errorOf(res.json).message, words);
    }
    const broken = await api.request('POST', '/api/v1/forwards', { body: '{"address":', headers: { 'content-type': 'application/json' } });
    assert.deepEqual([broken.status, errorOf(broken.json).code], [400, 'invalid_json']);
    // The same words as the CLI's one line.
    const viaApi = await api.request('POST', '/api/v1/forwards', { json: { address: 'alice@example.com', targets: ['bob@example.com'] } });
    const viaCli = await runCli(f.dataDir, ['forward', 'set', 'alice@example.com', 'bob@example.com']);
    assert.equal(viaCli.code, 1);
    assert.equal(viaCli.stderr, `mailroom: ${errorOf(viaApi.json).message}\n`);
    assert.deepEqual((await api.request('GET', '/api/v1/forwards')).json, before);
  });

  test('unknown: 404 for a forwarder that does not exist and for a domain that is not ours', async () => {
    let res = await api.request('DELETE', '/api/v1/forwards/ghost@example.com');
    assert.deepEqual([res.status, errorOf(res.json).code], [404, 'unknown_forward']);
    assert.match(errorOf(res.json).message, /no forwarder ghost@example\.com/);
    res = await api.request('GET', '/api/v1/forwards?domain=nowhere.test');
    assert.deepEqual([res.status, errorOf(res.json).code], [404, 'unknown_domain']);
  });

  test('no session: 401; a foreign Origin: 403 and nothing changed', async () => {
    const anonymous = f.client();
    assert.equal((await anonymous.request('GET', '/api/v1/forwards')).status, 401);
    assert.equal((await anonymous.request('POST', '/api/v1/forwards', { json: { address: 'alice@example.com', targets: ['evil@far.test'] } })).status, 401);
    for (const [method, pathname, json] of [
      ['POST', '/api/v1/forwards', { address: 'alice@example.com', targets: ['evil@far.test'] }],
      ['DELETE', '/api/v1/forwards/bob@example.com', undefined],
    ] as const) {
      const res = await api.request(method, pathname, { ...(json ? { json } : {}), origin: 'https://evil.example' });
      assert.deepEqual([res.status, errorOf(res.json).code], [403, 'foreign_origin'], `${method} ${pathname}`);
    }
    const list = (await api.request('GET', '/api/v1/forwards')).json as Forward[];
    assert.deepEqual(list.find((x) => x.address === 'alice@example.com')?.targets, ['z@far.test']);
    assert.ok(list.some((x) => x.address === 'bob@example.com'));
  });

  test('remove; removing a user through the API takes its forwarder too', async () => {
    let res = await api.request('DELETE', '/api/v1/forwards/Only@example.com');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { removed: 'only@example.com' });
    res = await api.request('DELETE', '/api/v1/users/bob@example.com');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(((await api.request('GET', '/api/v1/forwards')).json as Forward[]).map((x) => x.address), ['alice@example.com']);
  });

  test('the audit log has each set and remove, refused ones with their code', async () => {
    const entries = (await api.request('GET', '/api/v1/audit?limit=200')).json as AuditEntry[];
    const forwardEntries = entries.filter((e) => e.action.startsWith('forward.'));
    const set = forwardEntries.find((e) => e.action === 'forward.set' && e.outcome === 'ok' && e.target === 'Alice@Example.com');
    assert.ok(set, `forward.set ok in ${JSON.stringify(forwardEntries)}`);
    assert.equal(set.actor, 'root');
    assert.equal(set.ip, '127.0.0.1');
    assert.ok(forwardEntries.some((e) => e.action === 'forward.set' && e.outcome === 'refused' && e.code === 'local_target' && e.target === 'alice@example.com'));
    assert.ok(forwardEntries.some((e) => e.action === 'forward.remove' && e.outcome === 'ok' && e.target === 'Only@example.com'));
    assert.ok(forwardEntries.some((e) => e.action === 'forward.remove' && e.outcome === 'refused' && e.code === 'unknown_forward' && e.target === 'ghost@example.com'));
    // Requests refused before they reach the route (no session, a foreign Origin) change nothing and are not forward actions.
    assert.ok(!forwardEntries.some((e) => e.target === 'bob@example.com' && e.action === 'forward.remove'));
  });
});
