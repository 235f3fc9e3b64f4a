import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type LogFields } from '../../../core/log.js';
import { createControlTap, type ControlTap } from '../../../mail/control/control-tap.js';
import type { ControlEvent } from '../../../mail/control/control-protocol.js';

// The logger hands the tap each line with what it says (writeEntry), so the tap need not parse
// it back. What the control API answers must be exactly what parsing every line gave: the tap
// fed by a logger is compared with a tap fed the same text through write().

const LINES: { bindings: LogFields; msg: string; fields?: LogFields; level?: 'info' | 'warn' | 'error' }[] = [
  { bindings: { cid: 'c1' }, msg: 'connection open', fields: { qid: null, remote: '127.0.0.1', outcome: 'open' } },
  { bindings: { cid: 'c1' }, msg: 'message', fields: { qid: 'a', mailboxes: 1, outcome: 'delivered' } },
  { bindings: { cid: 'c2' }, msg: 'message', fields: { qid: 'b', queueId: 'q1', user: 'alice@example.com', outcome: 'delivered' } },
  { bindings: { cid: 'c3' }, msg: 'message', fields: { qid: null, mailboxes: 0, outcome: 'oversize' } },
  { bindings: { cid: 'c3' }, msg: 'message', fields: { qid: null, outcome: 'failed' } },
  // Members JSON drops: the parsed line has no `mailboxes` and no outcome.
  { bindings: { cid: 'c4' }, msg: 'message', fields: { qid: 'd', mailboxes: undefined, user: () => 1, outcome: undefined } },
  // The outcome and the recipient count bound on the child, not given per call.
  { bindings: { cid: 'c5', outcome: 'delivered', mailboxes: 2 }, msg: 'message', fields: { qid: 'e' } },
  // An object outcome: toJSON decides what the line says.
  { bindings: { cid: 'c6' }, msg: 'message', fields: { qid: 'f', mailboxes: 1, outcome: { toJSON: () => 'delivered' } } },
  // A field repeating a binding: written without an entry (the merged-object path).
  { bindings: { cid: 'c7', qid: 'Q' }, msg: 'message', fields: { qid: 'g', mailboxes: 1, outcome: 'delivered' } },
  { bindings: { cid: 'c1' }, msg: 'careful', fields: { err: new Error('boom') }, level: 'warn' },
  { bindings: {}, msg: 'queued', fields: { qid: 'h' } },
  { bindings: { cid: 'c1' }, msg: 'connection closed', fields: { qid: null, messages: 1, outcome: 'closed' }, level: 'error' },
];

function feed(tap: ControlTap, viaLogger: boolean): string[] {
  const texts: string[] = [];
  const downstream = { write: (t: string) => texts.push(t) };
  const sink = viaLogger ? tap.sink(downstream) : { write: (t: string) => tap.sink(downstream).write(t) };
  const root = createLogger({ level: 'debug', sink, bindings: { component: 'mail' } });
  for (const l of LINES) root.child(l.bindings)[l.level ?? 'info'](l.msg, l.fields);
  return texts;
}

test('a logger-fed tap keeps, counts and announces exactly what parsing each line gave', async () => {
  const withEntries = createControlTap();
  const parsed = createControlTap();
  const texts = feed(withEntries, true);
  const reference = feed(parsed, false);
  assert.equal(texts.length, LINES.length, 'every line reached the downstream sink');
  // The lines themselves may differ only in their time.
  const untimed = (t: string) => t.replace(/"time":"[^"]+"/, '');
  assert.deepEqual(texts.map(untimed), reference.map(untimed));

  const all = withEntries.logs.recent({ limit: 100 });
  assert.deepEqual(all, texts.map((t) => JSON.parse(t) as unknown));
  assert.deepEqual(all.map((l) => l.msg), parsed.logs.recent({ limit: 100 }).map((l) => l.msg));
  assert.deepEqual(withEntries.logs.recent({ level: 'warn' }).map((l) => l.msg), ['careful', 'connection closed']);
  assert.deepEqual(withEntries.logs.recent({ limit: 2 }).map((l) => l.msg), ['queued', 'connection closed']);
  assert.deepEqual(withEntries.logs.recent({ since: new Date(Date.parse(all[0]!.time) - 1) }).length, LINES.length);
  // Read twice: the same objects (parsed once).
  assert.equal(withEntries.logs.recent({ limit: 1 })[0], withEntries.logs.recent({ limit: 1 })[0]);

  const queue = { messages: 0, waiting: 0, deferred: 0, oldest: null };
  const a = withEntries.stats.snapshot(queue);
  const b = parsed.stats.snapshot(queue);
  assert.deepEqual({ ...a, since: '', startedAt: '' }, { ...b, since: '', startedAt: '' });
  assert.equal(a.received, 4);
  assert.equal(a.submitted, 1);
  assert.equal(a.refused, 1);
});

test('while someone follows the event stream, each line is announced as it is logged', () => {
  const tap = createControlTap();
  const events: ControlEvent[] = [];
  const unsubscribe = tap.events.subscribe((e) => events.push(e));
  const texts: string[] = [];
  const log = createLogger({ sink: tap.sink({ write: (t: string) => texts.push(t) }) }).child({ cid: 'c1' });
  log.info('connection open', { qid: null, outcome: 'open' });
  log.info('message', { qid: 'a', mailboxes: 1, outcome: 'delivered' });
  unsubscribe();
  log.info('connection closed', { qid: null, outcome: 'closed' });
  const lines = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
  assert.deepEqual(lines, texts.slice(0, 2).map((t) => JSON.parse(t) as unknown));
  // The ring holds the same objects the stream carried, then the line kept as text.
  const recent = tap.logs.recent();
  assert.equal(recent[0], lines[0]);
  assert.deepEqual(recent.map((l) => l.msg), ['connection open', 'message', 'connection closed']);
});

test('a ring of text lines keeps only the newest', () => {
  const tap = createControlTap({ logCapacity: 3 });
  const log = createLogger({ sink: tap.sink({ write: () => true }) });
  for (let i = 0; i < 5; i++) log.info(`line ${i}`, { i });
  assert.deepEqual(tap.logs.recent().map((l) => [l.msg, l.i]), [['line 2', 2], ['line 3', 3], ['line 4', 4]]);
});
