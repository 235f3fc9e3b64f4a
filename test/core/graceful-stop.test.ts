// The stop sequence the mail daemon, the agent and the helper share: one close however many
// times stop() is called, the signal handlers added and let go, a failed close logged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gracefulStop } from '../../core/graceful-stop.js';
import { createLogger } from '../../core/log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'debug', sink: { write: (l: string) => { for (const t of l.split('\n')) if (t) lines.push(JSON.parse(t) as Record<string, unknown>); } } });
  return { logger, messages: () => lines.map((l) => l.msg) };
}

test('stop() closes once, logs both ends and resolves stopped', async () => {
  const log = capture();
  let closes = 0;
  const s = gracefulStop({ logger: log.logger, close: async () => { closes++; }, handleSignals: false });
  const first = s.stop('test');
  assert.equal(s.stop('again'), first);
  await first;
  await s.stopped;
  assert.equal(closes, 1);
  assert.deepEqual(log.messages(), ['shutting down', 'stopped']);
});

test('with handleSignals, SIGTERM and SIGINT stop it and the handlers are let go afterwards', async () => {
  const log = capture();
  const before = { term: process.listenerCount('SIGTERM'), int: process.listenerCount('SIGINT') };
  let closes = 0;
  const s = gracefulStop({ logger: log.logger, close: async () => { closes++; }, handleSignals: true, hardDeadlineMs: 60_000 });
  assert.equal(process.listenerCount('SIGTERM'), before.term + 1);
  assert.equal(process.listenerCount('SIGINT'), before.int + 1);
  // Call our own handler rather than signalling the test process.
  const handler = process.listeners('SIGTERM').at(-1) as (signal: NodeJS.Signals) => void;
  handler('SIGTERM');
  await s.stopped;
  assert.equal(closes, 1);
  assert.equal(process.listenerCount('SIGTERM'), before.term);
  assert.equal(process.listenerCount('SIGINT'), before.int);
});

test('a close that fails is logged and stopped still resolves', async () => {
  const log = capture();
  const s = gracefulStop({ logger: log.logger, close: async () => { throw new Error('stuck'); }, handleSignals: false });
  await s.stop();
  await s.stopped;
  assert.deepEqual(log.messages(), ['shutting down', 'shutdown failed']);
});
