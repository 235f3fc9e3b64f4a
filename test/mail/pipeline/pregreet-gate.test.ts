import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PregreetGate } from '../../../mail/pipeline/pregreet-gate.js';

test('an unknown client waits; one that passed is greeted at once until its pass expires', () => {
  let now = 1_000_000;
  const gate = new PregreetGate({ waitMs: 800, passTtlMs: 60_000, now: () => now });
  assert.equal(gate.waitFor('192.0.2.1'), 800);
  gate.passed('192.0.2.1');
  assert.equal(gate.waitFor('192.0.2.1'), 0);
  assert.equal(gate.waitFor('::ffff:192.0.2.1'), 0, 'IPv4-mapped IPv6 is the same client');
  assert.equal(gate.waitFor('192.0.2.2'), 800, 'a neighbour did not pass');
  now += 60_001;
  assert.equal(gate.waitFor('192.0.2.1'), 800, 'passes expire');
});

test('IPv6 clients are remembered per /64', () => {
  const gate = new PregreetGate({ waitMs: 500 });
  gate.passed('2001:db8:1:2::5');
  assert.equal(gate.waitFor('2001:db8:1:2:ffff::1'), 0);
  assert.equal(gate.waitFor('2001:0db8:0001:0002:0:0:0:9'), 0);
  assert.equal(gate.waitFor('2001:db8:1:3::5'), 500);
});

test('waitMs 0 turns the test off, and the table keeps at most maxEntries passes', () => {
  assert.equal(new PregreetGate({ waitMs: 0 }).waitFor('192.0.2.9'), 0);
  const gate = new PregreetGate({ waitMs: 100, maxEntries: 2 });
  gate.passed('192.0.2.1');
  gate.passed('192.0.2.2');
  gate.passed('192.0.2.3');
  assert.equal(gate.waitFor('192.0.2.1'), 100, 'the oldest pass was forgotten');
  assert.equal(gate.waitFor('192.0.2.3'), 0);
});
