import assert from 'node:assert/strict';
import { test } from 'node:test';
import { teeStream } from '../../../mail/delivery/tee-stream.js';

async function* chunks(n: number, failAt = -1): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) {
    if (i === failAt) throw new Error('source failed');
    yield Buffer.from(`${i},`);
  }
}

async function collect(it: AsyncIterable<Buffer>, delayMs = 0): Promise<string> {
  let s = '';
  for await (const c of it) { s += c.toString(); if (delayMs) await new Promise((r) => setTimeout(r, delayMs)); }
  return s;
}

test('teeStream: both consumers see every chunk in order, at different speeds', async () => {
  const [a, b] = teeStream(chunks(50), 2, 4);
  const [x, y] = await Promise.all([collect(a!), collect(b!, 1)]);
  assert.equal(x, Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
  assert.equal(y, x);
});

test('teeStream: a source error reaches both consumers', async () => {
  const [a, b] = teeStream(chunks(10, 5), 2);
  const results = await Promise.allSettled([collect(a!), collect(b!)]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
});

test('teeStream: a consumer that stops early does not stall the other', async () => {
  const [a, b] = teeStream(chunks(100), 2, 2);
  const stopEarly = (async () => { for await (const c of a!) { void c; break; } })();
  const all = await collect(b!);
  await stopEarly;
  assert.ok(all.endsWith('99,'));
});
