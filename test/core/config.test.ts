import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, parseConfig, splitHostPort, DEV_LISTEN } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';

test('a minimal config gets the development defaults, absolute paths, and is frozen', () => {
  const cfg = parseConfig({ hostname: 'mx.example.test' }, '/var/lib/mailroom');
  assert.equal(cfg.listen.smtp, DEV_LISTEN.smtp);
  assert.equal(cfg.listen.admin, '127.0.0.1:8443');
  assert.equal(cfg.tls.cert, '/var/lib/mailroom/tls/cert.pem');
  assert.equal(cfg.limits.maxMessageSize, 25 * 1024 * 1024);
  assert.deepEqual(cfg.dns.servers, []);
  assert.equal(cfg.outbound.relay, null);
  assert.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.listen) && Object.isFrozen(cfg.limits));
  assert.throws(() => { (cfg.listen as { smtp: string | null }).smtp = null; }, TypeError);
});

test('sizes are written like 60K, 500M, 2G; a listener can be disabled with null', () => {
  const cfg = parseConfig({ hostname: 'mx.example.test', limits: { maxMessageSize: '60K', diskReserve: '2G' }, listen: { imap: null, smtp: '[::1]:25' } }, '/d');
  assert.equal(cfg.limits.maxMessageSize, 60 * 1024);
  assert.equal(cfg.limits.diskReserve, 2 * 1024 ** 3);
  assert.equal(cfg.listen.imap, null);
  assert.deepEqual(splitHostPort(cfg.listen.smtp!), { host: '::1', port: 25 });
});

test('every problem is reported with its path, all at once', () => {
  const raw = { hostname: 'not a host', listen: { smtp: 'localhost' }, limits: { maxMessageSize: 'lots', maxRecipients: 0 }, dns: { servers: ['1.2.3.4'] }, surprise: 1 };
  const err = (() => { try { parseConfig(raw, '/d'); } catch (e) { return e; } })();
  assert.ok(err instanceof ConfigError);
  const paths = err.issues.map((i) => i.split(':')[0]);
  for (const p of ['hostname', 'listen.smtp', 'limits.maxMessageSize', 'limits.maxRecipients', 'dns.servers.0', '(root)']) {
    assert.ok(paths.includes(p), `${p} reported in ${JSON.stringify(err.issues)}`);
  }
});

test('loadConfig names the file when it is missing or not JSON', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-config-'));
  try {
    assert.throws(() => loadConfig(dir), (e: unknown) => e instanceof ConfigError && /config\.json: cannot read/.test(e.message) && /mailroom init/.test(e.message));
    writeFileSync(path.join(dir, 'config.json'), '{ "hostname": ');
    assert.throws(() => loadConfig(dir), (e: unknown) => e instanceof ConfigError && /not valid JSON/.test(e.message));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mx.example.test' }));
    assert.equal(loadConfig(dir).dataDir, path.resolve(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
