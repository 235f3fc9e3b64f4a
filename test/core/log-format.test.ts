import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type LogFields, type Logger } from '../../core/log.js';

// The line format is an interface (log shippers, the control socket's log ring, the panel): the
// logger builds lines as text for speed, and each must equal what JSON.stringify gives for the
// merged record { time, level, msg, ...bindings, ...fields } with `err` serialised.

function reference(time: string, level: string, msg: string, bindings: LogFields, fields?: LogFields): string {
  const record: LogFields = { time, level, msg, ...bindings };
  if (fields) {
    for (const [k, v] of Object.entries(fields)) {
      record[k] = k === 'err' && v instanceof Error ? { name: v.name, message: v.message, ...((v as { code?: unknown }).code !== undefined ? { code: (v as { code?: unknown }).code } : {}) } : v;
    }
  }
  return JSON.stringify(record);
}

function capture(bindings: LogFields, level: 'debug' | 'info' = 'debug'): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level, sink: { write: (l: string) => lines.push(l) }, bindings }), lines };
}

const timeOf = (line: string): string => (JSON.parse(line) as { time: string }).time;

const CASES: { name: string; bindings: LogFields; child?: LogFields; msg: string; fields?: LogFields }[] = [
  { name: 'no bindings, no fields', bindings: {}, msg: 'plain' },
  { name: 'bindings only', bindings: { component: 'mail' }, msg: 'hello' },
  { name: 'child bindings and fields', bindings: { component: 'mail' }, child: { cid: 'abc' }, msg: 'connection open', fields: { qid: null, remote: '127.0.0.1', outcome: 'open' } },
  { name: 'a child binding that repeats a parent key keeps its place', bindings: { component: 'mail', cid: 'a' }, child: { cid: 'b', qid: 'Q' }, msg: 'x', fields: { n: 1 } },
  { name: 'a field that repeats a binding replaces it in place', bindings: { component: 'mail' }, child: { qid: 'Q1' }, msg: 'delivered', fields: { qid: null, size: 10 } },
  { name: 'a field named like a head key', bindings: { component: 'mail' }, msg: 'm', fields: { msg: 'other', level: 'x', time: 't' } },
  { name: 'a binding named like a head key', bindings: { msg: 'shadow' }, msg: 'm', fields: { a: 1 } },
  { name: 'integer-like keys are ordered first by objects', bindings: { component: 'mail', 7: 'seven' }, msg: 'm', fields: { 2: 'two', b: true } },
  { name: 'undefined, functions and nested values', bindings: { component: 'mail', gone: undefined }, msg: 'm', fields: { u: undefined, f: () => 1, nested: { a: [1, 'two', null] }, date: new Date(0) } },
  { name: 'text that needs escaping', bindings: { component: 'm"a\\il' }, msg: 'line\nbreak "quoted" \u2028 ünïcödé', fields: { helo: '\u0000\u001f<script>' } },
  { name: 'an error field', bindings: { component: 'mail' }, child: { cid: 'c' }, msg: 'failed', fields: { err: Object.assign(new Error('disk full'), { code: 'store_write_failed' }), outcome: 'error' } },
  { name: 'an error that is not an Error', bindings: {}, msg: 'failed', fields: { err: 'just text' } },
  // Nonsense, but the merged record's toJSON decides the whole line, as it always did.
  { name: 'a field named toJSON', bindings: {}, msg: 'm', fields: { toJSON: () => 'replaced', a: 1 } },
  // A child's bindings text is its parent's plus the new members; these must still match.
  { name: 'a child of a logger without bindings', bindings: {}, child: { cid: 'c' }, msg: 'm', fields: { a: 1 } },
  { name: 'an empty child', bindings: { component: 'mail' }, child: {}, msg: 'm', fields: { a: 1 } },
  { name: 'a child whose bindings JSON drops', bindings: { component: 'mail' }, child: { gone: undefined, f: () => 1 }, msg: 'm' },
  { name: 'a child with an integer-like key', bindings: { component: 'mail' }, child: { 3: 'three', cid: 'c' }, msg: 'm', fields: { a: 1 } },
  { name: 'a child with a head key', bindings: { component: 'mail' }, child: { level: 'shadow' }, msg: 'm', fields: { a: 1 } },
];

for (const c of CASES) {
  test(`log line format: ${c.name}`, () => {
    const { log, lines } = capture(c.bindings);
    const target = c.child ? log.child(c.child) : log;
    target.info(c.msg, c.fields);
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'), 'one line, newline-terminated');
    const bindings = { ...c.bindings, ...(c.child ?? {}) };
    assert.equal(line.slice(0, -1), reference(timeOf(line), 'info', c.msg, bindings, c.fields));
  });
}

test('log levels: lines below the level are dropped, error always passes', () => {
  const { log, lines } = capture({ component: 'mail' }, 'info');
  log.debug('hidden');
  log.info('shown');
  log.warn('warned');
  log.error('failed');
  log.child({ cid: 'x' }).debug('hidden too');
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { level: string; msg: string }).level), ['info', 'warn', 'error']);
});

test('grandchildren: every line as JSON.stringify of the merged record', () => {
  const { log, lines } = capture({ component: 'mail' });
  const grandchild = log.child({ cid: 'c1' }).child({ qid: 'Q', n: [1, { x: 'y' }] });
  grandchild.info('one', { a: 1 });
  log.child({ cid: 'c1' }).child({ cid: 'c2' }).info('two', { a: 2 });
  assert.equal(lines[0]!.slice(0, -1), reference(timeOf(lines[0]!), 'info', 'one', { component: 'mail', cid: 'c1', qid: 'Q', n: [1, { x: 'y' }] }, { a: 1 }));
  assert.equal(lines[1]!.slice(0, -1), reference(timeOf(lines[1]!), 'info', 'two', { component: 'mail', cid: 'c2' }, { a: 2 }));
});

test('a sink with writeEntry gets each line with what it says; otherwise write', () => {
  const got: { line: string; entry: unknown }[] = [];
  const plain: string[] = [];
  const sink = { write: (l: string) => plain.push(l), writeEntry: (line: string, entry: unknown) => got.push({ line, entry }) };
  const log = createLogger({ sink, bindings: { component: 'mail' } }).child({ cid: 'c1' });
  const fields = { qid: null, outcome: 'open' };
  log.info('connection open', fields);
  // A field repeating a binding: the line is built the reference way and has no entry.
  log.info('shadowed', { cid: 'other' });
  assert.equal(got.length, 1);
  const { line, entry } = got[0]!;
  assert.deepEqual(entry, { time: timeOf(line), level: 'info', msg: 'connection open', bindings: { component: 'mail', cid: 'c1' }, fields });
  assert.equal(line.slice(0, -1), reference(timeOf(line), 'info', 'connection open', { component: 'mail', cid: 'c1' }, fields));
  assert.equal(plain.length, 1);
  assert.equal((JSON.parse(plain[0]!) as LogFields).cid, 'other');
});

test('a child does not change its parent, and grandchildren carry every binding', () => {
  const { log, lines } = capture({ component: 'mail' });
  const child = log.child({ cid: 'c1' });
  const grandchild = child.child({ qid: 'Q' });
  log.info('parent');
  grandchild.info('grandchild');
  assert.deepEqual(lines.map((l) => JSON.parse(l) as LogFields).map(({ time: _t, ...rest }) => rest), [
    { level: 'info', msg: 'parent', component: 'mail' },
    { level: 'info', msg: 'grandchild', component: 'mail', cid: 'c1', qid: 'Q' },
  ]);
});
