import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBufferedSink, createLogger } from '../../core/log.js';

test('the buffered sink writes one turn of lines with one call, in order', async () => {
  const writes: string[] = [];
  const sink = createBufferedSink((t) => writes.push(t));
  const log = createLogger({ sink, bindings: { cid: 'c1' } });
  log.info('one', { qid: 'q1' });
  log.info('two');
  assert.equal(writes.length, 0, 'nothing written within the turn');
  await new Promise((r) => setImmediate(r));
  assert.equal(writes.length, 1);
  const lines = writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(lines.map((l) => [l.msg, l.cid, l.qid]), [['one', 'c1', 'q1'], ['two', 'c1', undefined]]);
});

test('the buffered sink writes at once when the buffer is full, and flush() empties it', () => {
  const writes: string[] = [];
  const sink = createBufferedSink((t) => writes.push(t), 10);
  sink.write('12345');
  assert.equal(writes.length, 0);
  sink.write('67890');
  assert.deepEqual(writes, ['1234567890']);
  sink.write('x');
  sink.flush();
  assert.deepEqual(writes, ['1234567890', 'x']);
});

test('errors are logged with name, message and code, never as [object Object]', () => {
  const lines: string[] = [];
  const log = createLogger({ sink: { write: (l: string) => lines.push(l) } });
  const err = Object.assign(new Error('disk full', { cause: new Error('ENOSPC') }), { code: 'store_write_failed' });
  log.error('failed', { err });
  const rec = JSON.parse(lines[0]!) as { err: { message: string; code: string; cause: { message: string } } };
  assert.equal(rec.err.message, 'disk full');
  assert.equal(rec.err.code, 'store_write_failed');
  assert.equal(rec.err.cause.message, 'ENOSPC');
});
