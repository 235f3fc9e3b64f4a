// The clamd client and check against a real clamd (test/helpers/clamd-fixture.ts) over TCP and
// a Unix socket: a clean message is clean, an EICAR attachment (base64 in a MIME part) is found,
// a stream over StreamMaxLength gets "size limit exceeded" even while we are still sending. Against
// fake servers on loopback: a closed port, silence, garbage and an "ERROR" answer are ClamdError
// values, which the check turns into 451 (or acceptance) by config.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { ClamdError, createClamdClient, describeClamdAddress, parseClamdAddress } from '../../../mail/pipeline/clamd-client.js';
import { createClamdCheck } from '../../../mail/pipeline/clamd-check.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { createLogger } from '../../../core/log.js';
import { ClamdFixture, clamdMissing, eicarMessage } from '../../helpers/clamd-fixture.js';

const CLEAN = 'From: <alice@sender.example>\r\nTo: <bob@example.test>\r\nSubject: hi\r\n\r\nNothing to see here.\r\n';

function chunks(text: string | Buffer, size = 1000): AsyncIterable<Buffer> {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return (async function* () { for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size); })();
}

function source(text: string | Buffer) {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text, 'latin1');
  return { size: buf.length, open: () => chunks(buf, 64 * 1024) };
}

function ctx(): CheckContext {
  return { connectionId: 'c1', remoteAddress: '192.0.2.1', remoteHostname: null, helo: 'x', tls: false, authenticatedUser: null, mailFrom: 'a@b.example', recipients: ['bob@example.test'], queueId: 'Q1' };
}

test('parseClamdAddress: unix and tcp forms; anything else is a clear error', () => {
  assert.deepEqual(parseClamdAddress('unix:/run/clamav/clamd.ctl'), { kind: 'unix', path: '/run/clamav/clamd.ctl' });
  assert.deepEqual(parseClamdAddress('tcp://127.0.0.1:3310'), { kind: 'tcp', host: '127.0.0.1', port: 3310 });
  assert.deepEqual(parseClamdAddress('tcp://[::1]:3310'), { kind: 'tcp', host: '::1', port: 3310 });
  assert.equal(describeClamdAddress(parseClamdAddress('tcp://[::1]:3310')), 'tcp://[::1]:3310');
  for (const bad of ['unix:relative', 'tcp://host', 'tcp://h:0', 'tcp://h:70000', 'http://h:1', '/run/clamd.ctl', '']) {
    assert.throws(() => parseClamdAddress(bad), (err: unknown) => err instanceof ClamdError && err.code === 'clamd_bad_address', bad);
  }
});

const missing = clamdMissing();

describe('against a real clamd', { skip: missing ?? false }, () => {
  let clamd: ClamdFixture;
  before(async () => { clamd = await ClamdFixture.start({ streamMaxLength: '1M' }); });
  after(async () => { await clamd?.cleanup(); });

  for (const via of ['tcp', 'unix'] as const) {
    test(`${via}: clean is clean, the EICAR attachment is found`, async () => {
      const client = createClamdClient({ address: parseClamdAddress(via === 'tcp' ? clamd.tcpAddress : clamd.unixAddress), timeoutMs: 10_000 });
      assert.deepEqual(await client.scan(chunks(CLEAN)), { status: 'clean' });
      const found = await client.scan(chunks(eicarMessage(), 7)); // tiny chunks: one frame each
      assert.equal(found.status, 'infected');
      assert.match(found.status === 'infected' ? found.signature : '', /^Eicar-Test-Signature/);
    });
  }

  test('the check: infected -> 554 5.7.1 naming the signature; clean -> accept', async () => {
    const check = createClamdCheck({ client: createClamdClient({ address: parseClamdAddress(clamd.tcpAddress), timeoutMs: 10_000 }), maxScanSize: 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'accept', logger: createLogger({ level: 'error' }) });
    const infected = await check.data!(ctx(), source(eicarMessage()));
    assert.equal(infected.action, 'reject');
    assert.deepEqual(infected.action === 'reject' ? [infected.code, infected.enhanced] : null, [554, '5.7.1']);
    assert.match(infected.action === 'reject' ? infected.message : '', /^Message refused: virus found \(Eicar-Test-Signature/);
    assert.deepEqual(await check.data!(ctx(), source(CLEAN)), { action: 'accept', reason: 'clamd: clean' });
  });

  test('over StreamMaxLength (1M) the stream is cut off: "size limit exceeded", or EPIPE when it closes while we still send', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    const client = createClamdClient({ address: parseClamdAddress(clamd.tcpAddress), timeoutMs: 10_000 });
    await assert.rejects(client.scan(chunks(big, 256 * 1024)), (err: unknown) => err instanceof ClamdError && (err.code === 'clamd_too_large' || err.code === 'clamd_unreachable'));
  });

  test('the check never sends more than maxScanSize: larger messages are accepted unscanned (warning) or refused with 552 5.3.4', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 'a');
    let connections = 0;
    const counting = { scan: (m: AsyncIterable<Buffer>) => { connections++; return client.scan(m); } };
    const client = createClamdClient({ address: parseClamdAddress(clamd.tcpAddress), timeoutMs: 10_000 });
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', sink: { write: (l: string) => logs.push(JSON.parse(l)) } });
    const accept = await createClamdCheck({ client: counting, maxScanSize: 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'accept', logger }).data!(ctx(), source(big));
    assert.equal(accept.action, 'accept');
    assert.match(accept.action === 'accept' ? accept.reason ?? '' : '', /^clamd: not scanned, too large \(1048577 bytes\)/);
    assert.equal(logs[0]?.level, 'warn');
    assert.equal(logs[0]?.outcome, 'unscanned');
    const refuse = await createClamdCheck({ client: counting, maxScanSize: 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'reject', logger }).data!(ctx(), source(big));
    assert.deepEqual(refuse.action === 'reject' ? [refuse.code, refuse.enhanced] : null, [552, '5.3.4']);
    assert.equal(connections, 0);
    // Exactly StreamMaxLength bytes still go through clamd.
    const fits = await createClamdCheck({ client: counting, maxScanSize: 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'reject', logger }).data!(ctx(), source(big.subarray(1)));
    assert.deepEqual(fits, { action: 'accept', reason: 'clamd: clean' });
    assert.equal(connections, 1);
  });

  test('per-message time: 20 sequential scans of a 4 KB message', async () => {
    const client = createClamdClient({ address: parseClamdAddress(clamd.unixAddress), timeoutMs: 10_000 });
    const msg = CLEAN + 'Lorem ipsum dolor sit amet. '.repeat(140);
    await client.scan(chunks(msg));
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await client.scan(chunks(msg, 64 * 1024));
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(`# clamd scan of a 4 KB message: median ${times[10]!.toFixed(1)} ms, max ${times[19]!.toFixed(1)} ms (startup ${clamd.startupMs} ms)`);
    assert.ok(times[10]! < 500);
  });
});

describe('against fake clamd servers and closed sockets', () => {
  const servers: net.Server[] = [];
  async function fake(onData: (socket: net.Socket, data: Buffer) => void): Promise<string> {
    const srv = net.createServer((s) => { s.on('data', (d) => onData(s, d)); s.on('error', () => undefined); });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return `tcp://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  }
  after(async () => { for (const s of servers) await new Promise((r) => s.close(r)); });

  async function code(address: string, timeoutMs = 2000): Promise<string> {
    const client = createClamdClient({ address: parseClamdAddress(address), timeoutMs });
    try { await client.scan(chunks(CLEAN)); return 'no error'; } catch (err) { return err instanceof ClamdError ? err.code : String(err); }
  }

  test('the wire format: zINSTREAM\\0, length-prefixed chunks no larger than maxChunk, a zero length', async () => {
    let got = Buffer.alloc(0);
    const address = await fake((s, d) => {
      got = Buffer.concat([got, d]);
      if (got.subarray(-4).equals(Buffer.alloc(4))) s.end('stream: OK\0');
    });
    const client = createClamdClient({ address: parseClamdAddress(address), timeoutMs: 2000, maxChunk: 10 });
    assert.deepEqual(await client.scan(chunks('0123456789abcdefghijXYZ', 100)), { status: 'clean' });
    const expect = Buffer.concat([
      Buffer.from('zINSTREAM\0'), Buffer.from([0, 0, 0, 10]), Buffer.from('0123456789'), Buffer.from([0, 0, 0, 10]), Buffer.from('abcdefghij'),
      Buffer.from([0, 0, 0, 3]), Buffer.from('XYZ'), Buffer.alloc(4),
    ]);
    assert.deepEqual(got, expect);
  });

  test('nothing listening (TCP) and no socket file (Unix): clamd_unreachable', async () => {
    const port = await new Promise<number>((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as AddressInfo).port; s.close(() => resolve(p)); }); });
    assert.equal(await code(`tcp://127.0.0.1:${port}`), 'clamd_unreachable');
    assert.equal(await code('unix:/nonexistent/clamd.sock'), 'clamd_unreachable');
  });

  test('silence: clamd_timeout; garbage: clamd_bad_reply; "... ERROR": clamd_error; closed without a word: clamd_unreachable', async () => {
    assert.equal(await code(await fake(() => undefined), 300), 'clamd_timeout');
    assert.equal(await code(await fake((s) => s.end('HELLO THERE\0'))), 'clamd_bad_reply');
    assert.equal(await code(await fake((s) => s.end('Can\'t allocate memory ERROR\0'))), 'clamd_error');
    assert.equal(await code(await fake((s) => s.end())), 'clamd_unreachable');
  });

  test('the check: unavailable defers with 451 4.3.0 by default, or accepts with a warning', async () => {
    const address = await fake((s) => s.end('lstat() failed ERROR\0'));
    const client = createClamdClient({ address: parseClamdAddress(address), timeoutMs: 2000 });
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({ level: 'debug', sink: { write: (l: string) => logs.push(JSON.parse(l)) } });
    const defer = await createClamdCheck({ client, maxScanSize: 1024 * 1024, onUnavailable: 'defer', onTooLarge: 'accept', logger }).data!(ctx(), source(CLEAN));
    assert.deepEqual(defer.action === 'defer' ? [defer.code, defer.enhanced, defer.message] : null, [451, '4.3.0', 'Message could not be scanned for viruses now, try again later']);
    const accept = await createClamdCheck({ client, maxScanSize: 1024 * 1024, onUnavailable: 'accept', onTooLarge: 'accept', logger }).data!(ctx(), source(CLEAN));
    assert.equal(accept.action, 'accept');
    assert.deepEqual(logs.map((l) => [l.level, l.outcome, l.cid, l.qid]), [['warn', 'deferred', 'c1', 'Q1'], ['warn', 'unscanned', 'c1', 'Q1']]);
  });

  test('a message that cannot be read is a local failure, not "clamd unavailable"', async () => {
    const address = await fake(() => undefined);
    const check = createClamdCheck({ client: createClamdClient({ address: parseClamdAddress(address), timeoutMs: 2000 }), maxScanSize: 1024 * 1024, onUnavailable: 'accept', onTooLarge: 'accept', logger: createLogger({ level: 'error' }) });
    const broken = { size: 10, open: () => (async function* () { yield Buffer.from('abc'); throw new Error('disk gone'); })() };
    await assert.rejects(check.data!(ctx(), broken), /disk gone/);
  });
});
