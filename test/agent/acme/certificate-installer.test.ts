// How the agent installs an issued certificate: itself without a state directory of its own
// (development, tests), through the helper's tls.install with one (the appliance); and the
// challenge store that answers both the agent's and `mailroom tls issue`'s HTTP-01 tokens.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentCertificateInstaller } from '../../../agent/acme/certificate-installer.js';
import { challengeDir, FileChallengeStore } from '../../../agent/acme/challenge-store.js';
import { FallbackChallengeStore } from '../../../agent/acme/fallback-challenge-store.js';
import type { HelperCaller } from '../../../agent/helper/helper-client.js';

function pair(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'p.crt');
  const key = path.join(dir, 'p.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30', '-subj', '/CN=x.example.test', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

function recordingHelper(): HelperCaller & { calls: { command: string; args: unknown }[] } {
  const calls: { command: string; args: unknown }[] = [];
  return { calls, call: async <T>(command: string, args?: Record<string, unknown>) => { calls.push({ command, args }); return null as T; } };
}

test('without agent.stateDir the agent writes the files itself; with it, it asks the helper', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-installer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'tls'));
  const tls = { cert: path.join(dir, 'tls', 'cert.pem'), key: path.join(dir, 'tls', 'key.pem') };
  const pem = pair(dir);

  const helper = recordingHelper();
  await agentCertificateInstaller({ agent: { stateDir: null } as never, tls }, helper)(pem);
  assert.equal(readFileSync(tls.cert, 'utf8'), pem.cert);
  assert.equal(helper.calls.length, 0);

  rmSync(tls.cert);
  await agentCertificateInstaller({ agent: { stateDir: '/var/lib/mailroom-agent' } as never, tls }, helper)(pem);
  assert.deepEqual(helper.calls, [{ command: 'tls.install', args: { cert: pem.cert, key: pem.key } }]);
  assert.equal(existsSync(tls.cert), false);
});

test('the fallback store writes to the agent\'s store and answers tokens from both', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-challenges-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const own = new FileChallengeStore(challengeDir(path.join(dir, 'agent')));
  const cli = new FileChallengeStore(challengeDir(path.join(dir, 'data')));
  const store = new FallbackChallengeStore(own, [cli]);
  const a = 'a'.repeat(43);
  const b = 'b'.repeat(43);
  await store.put(a, 'a.auth');
  await cli.put(b, 'b.auth');
  assert.equal(await own.get(a), 'a.auth');
  assert.equal(await cli.get(a), null);
  assert.equal(await store.get(a), 'a.auth');
  assert.equal(await store.get(b), 'b.auth');
  assert.equal(await store.get('c'.repeat(43)), null);
  await store.remove(a);
  assert.equal(await store.get(a), null);
});

test('through a real helper on its socket: the agent\'s installer reaches tls.install and the files change', async (t) => {
  const { writeFileSync } = await import('node:fs');
  const { silentLogger } = await import('../../../core/log.js');
  const { startHelper } = await import('../../../agent/helper/main.js');
  const { HelperClient } = await import('../../../agent/helper/helper-client.js');
  const { tlsInstallCommand } = await import('../../../agent/helper/commands/tls-install.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-installer-helper-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(path.join(dir, 'tls'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hostname: 'mail.example.test' }));
  const helper = await startHelper(dir, { commands: [tlsInstallCommand], socketPath: path.join(dir, 'helper.sock'), logger: silentLogger });
  t.after(() => helper.stop());
  const client = new HelperClient({ socketPath: helper.socketPath });
  t.after(() => client.close());
  const pem = pair(dir);
  await agentCertificateInstaller({ agent: { stateDir: 'agent-state' } as never, tls: { cert: '/ignored', key: '/ignored' } }, client)(pem);
  assert.equal(readFileSync(path.join(dir, 'tls', 'cert.pem'), 'utf8'), pem.cert);
  assert.equal(readFileSync(path.join(dir, 'tls', 'key.pem'), 'utf8'), pem.key);
  await assert.rejects(client.call('tls.install', { cert: pem.cert, key: 'junk' }), { code: 'tls_pair_invalid' });
});
