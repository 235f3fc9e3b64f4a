// The pieces around the engines: combining several verdicts into one, removing replaced header
// fields from a streamed message, and the factory that builds the checks from config (an engine
// left out of the config is not consulted; the config schema refuses bad addresses and URLs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineCheckResults } from '../../../mail/pipeline/combine-check-results.js';
import { dropHeaderFields } from '../../../mail/pipeline/header-field-filter.js';
import { createContentFilters } from '../../../mail/pipeline/content-filters.js';
import type { CheckResult } from '../../../mail/pipeline/contracts.js';
import { parseConfig } from '../../../core/config.js';
import { ConfigError } from '../../../core/errors.js';
import { silentLogger } from '../../../core/log.js';

const reject = (m: string): CheckResult => ({ action: 'reject', code: 554, enhanced: '5.7.1', message: m, reason: m });
const defer = (m: string): CheckResult => ({ action: 'defer', code: 451, enhanced: '4.3.0', message: m, reason: m });

test('combine: a refusal beats a deferral beats acceptance; the first of equals wins', () => {
  assert.equal((combineCheckResults([defer('d'), { action: 'accept' }, reject('virus'), reject('spam')]) as { message: string }).message, 'virus');
  assert.equal((combineCheckResults([{ action: 'junk', reason: 'j' }, defer('d1'), defer('d2')]) as { message: string }).message, 'd1');
  assert.deepEqual(combineCheckResults([]), { action: 'accept' });
  assert.deepEqual(combineCheckResults([{ action: 'accept', reason: 'clamd: clean' }]), { action: 'accept' });
});

test('combine: Junk if any says so; every header in order; dropped names merged', () => {
  const ar: [string, string] = ['Authentication-Results', 'mx; spf=pass'];
  const result = combineCheckResults([
    { action: 'add-headers', headers: [ar] },
    { action: 'accept', reason: 'clamd: clean' },
    { action: 'junk', reason: 'rspamd: add header', headers: [['X-Spam', 'Yes']], dropHeaders: ['x-spam', 'X-Spam-Status'] },
  ]);
  assert.deepEqual(result, { action: 'junk', reason: 'rspamd: add header', headers: [ar, ['X-Spam', 'Yes']], dropHeaders: ['x-spam', 'x-spam-status'] });
  assert.deepEqual(combineCheckResults([{ action: 'add-headers', headers: [ar] }, { action: 'add-headers', headers: [['X-Spam-Status', 'No']], dropHeaders: ['x-spam'] }]),
    { action: 'add-headers', headers: [ar, ['X-Spam-Status', 'No']], dropHeaders: ['x-spam'] });
});

async function filtered(message: string, names: string[], chunk: number): Promise<string> {
  const buf = Buffer.from(message, 'latin1');
  async function* chunks() { for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk); }
  let out = '';
  for await (const c of dropHeaderFields(chunks(), names)) out += c.toString('latin1');
  return out;
}

test('dropHeaderFields: every occurrence with its continuation lines, any case, in any chunking; the body untouched', async () => {
  const msg = [
    'X-Spam: Yes', 'From: <a@b.example>', 'x-spam-status: No,', '\tscore=-100', 'Subject: hi', ' there', 'X-SPAM: again', 'X-Spammy: stays', '',
    'X-Spam: in the body stays', '',
  ].join('\r\n');
  const want = ['From: <a@b.example>', 'Subject: hi', ' there', 'X-Spammy: stays', '', 'X-Spam: in the body stays', ''].join('\r\n');
  for (const chunk of [1, 2, 3, 7, 1000]) assert.equal(await filtered(msg, ['X-Spam', 'X-Spam-Status'], chunk), want, `chunk ${chunk}`);
  assert.equal(await filtered(msg, [], 5), msg);
  // No header at all, or a message that is all header.
  assert.equal(await filtered('\r\nbody X-Spam: 1\r\n', ['x-spam'], 3), '\r\nbody X-Spam: 1\r\n');
  assert.equal(await filtered('A: 1\r\nX-Spam: 2\r\n', ['x-spam'], 4), 'A: 1\r\n');
  // Every field dropped: the message starts with the empty line that ends the (now empty) header.
  assert.equal(await filtered('X-Spam: 1\r\n\r\nbody\r\n', ['x-spam'], 4), '\r\nbody\r\n');
});

function config(extra: Record<string, unknown>) {
  return parseConfig({ hostname: 'mx.example.test', ...extra }, '/tmp/mailroom-config-test');
}

test('config: defaults (nothing consulted), and the keys with their defaults', () => {
  const cfg = config({});
  assert.deepEqual(cfg.spam, { rspamd: null, rspamdController: null, rspamdPassword: null, timeout: 20, onUnavailable: 'accept' });
  assert.deepEqual(cfg.antivirus, { clamd: null, timeout: 30, onUnavailable: 'defer', onTooLarge: 'accept', maxScanSize: 25 * 1024 * 1024 });
  const filters = createContentFilters(cfg, { logger: silentLogger });
  assert.deepEqual(filters.checks, []);
  assert.equal(filters.learner, null);
  filters.close();
});

test('config: both engines configured -> clamd first, then rspamd; a controller gives a learner', () => {
  const cfg = config({
    spam: { rspamd: 'http://127.0.0.1:11333', rspamdController: 'http://127.0.0.1:11334', timeout: '5s', onUnavailable: 'defer' },
    antivirus: { clamd: 'unix:/run/clamav/clamd.ctl', timeout: 10, onUnavailable: 'accept', onTooLarge: 'reject', maxScanSize: '10M' },
  });
  assert.equal(cfg.spam.timeout, 5);
  assert.equal(cfg.antivirus.maxScanSize, 10 * 1024 * 1024);
  const filters = createContentFilters(cfg, { logger: silentLogger });
  assert.deepEqual(filters.checks.map((c) => c.name), ['clamd', 'rspamd']);
  assert.ok(filters.learner);
  filters.close();
});

test('config: bad values are refused with their paths', () => {
  try {
    config({
      spam: { rspamd: '127.0.0.1:11333', rspamdController: 'ftp://x', onUnavailable: 'maybe', timeout: 0 },
      antivirus: { clamd: '/run/clamav/clamd.ctl', onUnavailable: 'reject', onTooLarge: 'defer' },
    });
    assert.fail('no error');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    const paths = err.issues.map((i) => i.split(':')[0]);
    for (const p of ['spam.rspamd', 'spam.rspamdController', 'spam.onUnavailable', 'spam.timeout', 'antivirus.clamd', 'antivirus.onUnavailable', 'antivirus.onTooLarge']) {
      assert.ok(paths.includes(p), `${p} in ${err.issues.join(' | ')}`);
    }
  }
});
