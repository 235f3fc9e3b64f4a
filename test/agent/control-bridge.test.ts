// The bridge from the mail daemon's event stream to the websocket's channels: mapping, and
// reconnecting with a growing pause while the daemon is away.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlEvent } from '../../mail/control/control-protocol.js';
import type { WsMessage } from '../../ui/shared/ws-messages.js';
import { ControlBridge, toWsMessage } from '../../agent/control-bridge.js';

test('control events map onto the typed channels; attempts and errors stay internal', () => {
  const time = new Date(0).toISOString();
  assert.deepEqual(toWsMessage({ type: 'log', line: { time, level: 'info', msg: 'x' } }), { type: 'logs', line: { time, level: 'info', msg: 'x' } });
  assert.deepEqual(toWsMessage({ type: 'queue', summary: { messages: 1, waiting: 1, deferred: 0, oldest: null }, time }), { type: 'queue', summary: { messages: 1, waiting: 1, deferred: 0, oldest: null }, time });
  const bounced = { type: 'bounced' as const, qid: 'q', to: 'a@b.example', recipients: ['c@d.example'] };
  assert.deepEqual(toWsMessage({ type: 'delivery', event: bounced, time }), { type: 'deliveries', delivery: bounced, time });
  assert.equal(toWsMessage({ type: 'delivery', event: { type: 'attempt', qid: 'q', domain: 'd', recipients: [] }, time }), null);
});

test('reconnects after the stream ends, with growing pauses, until stopped', async () => {
  const attempts: number[] = [];
  const published: WsMessage[] = [];
  let live: ((e: ControlEvent) => void) | null = null;
  const control = {
    subscribe(onEvent: (e: ControlEvent) => void, onEnd: (err: Error | null) => void) {
      attempts.push(Date.now());
      if (attempts.length < 3) setImmediate(() => onEnd(new Error('ECONNREFUSED')));
      else live = onEvent;
      return { close() { live = null; } };
    },
  };
  const bridge = new ControlBridge({ control, publish: (m) => published.push(m), minDelayMs: 20, maxDelayMs: 100 });
  bridge.start();
  const deadline = Date.now() + 5000;
  while (!live && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.equal(attempts.length, 3);
  assert.ok(attempts[1]! - attempts[0]! >= 15, 'a pause before reconnecting');
  assert.ok(attempts[2]! - attempts[1]! >= 35, 'a longer pause the second time');
  live!({ type: 'log', line: { time: '', level: 'info', msg: 'back' } });
  assert.deepEqual(published, [{ type: 'logs', line: { time: '', level: 'info', msg: 'back' } }]);
  bridge.stop();
  assert.equal(live, null, 'stop closes the stream');
});
