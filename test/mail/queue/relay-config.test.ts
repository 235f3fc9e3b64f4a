// The queue's config keys: outbound.relay.tls and the per-destination default.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../core/config.js';
import { relayDestination, relayTlsMode } from '../../../mail/queue/domain-delivery.js';

test('outbound.relay.tls defaults to verified and maps to the session TLS modes', () => {
  const config = parseConfig({ hostname: 'mail.example.test', outbound: { relay: { host: 'smart.example.test' } } }, '/nonexistent');
  assert.equal(config.outbound.relay?.tls, 'verified');
  assert.equal(relayTlsMode('verified'), 'required-verified');
  assert.equal(relayTlsMode('required'), 'required-any');
  assert.equal(relayTlsMode('opportunistic'), 'opportunistic');
  assert.equal(relayTlsMode('none'), 'none');
  for (const tls of ['required', 'opportunistic', 'none'] as const) {
    assert.equal(parseConfig({ hostname: 'mail.example.test', outbound: { relay: { host: 'smart.example.test', tls } } }, '/nonexistent').outbound.relay?.tls, tls);
  }
});

test('an unknown outbound.relay.tls is refused with its path', () => {
  assert.throws(() => parseConfig({ hostname: 'mail.example.test', outbound: { relay: { host: 'smart.example.test', tls: 'plain' } } }, '/nonexistent'),
    (err: Error & { code?: string }) => err.code === 'config_invalid' && /outbound\.relay\.tls/.test(err.message));
});

test('queue.concurrency defaults to 20 sessions in all and 20 per destination', () => {
  const config = parseConfig({ hostname: 'mail.example.test' }, '/nonexistent');
  assert.deepEqual({ ...config.queue.concurrency }, { total: 20, perDomain: 20 });
  assert.equal(relayDestination({ host: 'smart.example.test', port: 587 }), 'relay:smart.example.test:587');
});
