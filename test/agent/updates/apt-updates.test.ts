// Debian's updates: the simulation's Inst/Remv lines parsed from captured output, security
// origins recognised, and the apply step run through a fake runner (never a real upgrade):
// which argv it runs, and the before/after report it makes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffInstalled, isPackageName, isSecurityOrigin, parseAptSimulation, parseDpkgQuery } from '../../../agent/updates/apt-simulate.js';
import { APT_COMMANDS, applyApt, checkApt } from '../../../agent/updates/apt-updates.js';
import type { CommandRunner } from '../../../agent/updates/command-runner.js';
import { UpdateError } from '../../../agent/updates/update-errors.js';
import { APT_SIMULATE_MIXED, APT_SIMULATE_NOTHING, DPKG_AFTER_SECURITY, DPKG_BEFORE } from './apt-samples.js';

test('apt-get -s upgrade: every Inst and Remv line, with versions, origins and security', () => {
  const pending = parseAptSimulation(APT_SIMULATE_MIXED);
  assert.deepEqual(pending.map((p) => [p.package, p.from, p.to, p.security]), [
    ['libfoo1', '1.2-3', null, false],
    ['base-files', '12.4+deb12u11', '12.4+deb12u15', false],
    ['libgcrypt20', '1.10.1-3', '1.10.1-3+deb12u1', true],
    ['liblzma5', '5.4.1-1', '5.4.1-1+deb12u2', true],
    ['libssl3', '3.0.15-1~deb12u1', '3.0.16-1~deb12u1', true],
    ['openssl', '3.0.15-1~deb12u1', '3.0.16-1~deb12u1', true],
    ['tzdata', '2024b-0+deb12u1', '2025b-0+deb12u1', false],
    ['linux-image-6.1.0-37-amd64', null, '6.1.140-1', true],
  ]);
  assert.deepEqual(pending[2]!.origins, ['Debian:12.15/oldstable', 'Debian-Security:12/oldstable-security']);
  assert.equal(pending[6]!.arch, 'all');
  assert.deepEqual(parseAptSimulation(APT_SIMULATE_NOTHING), []);
});

test('security origins and package names', () => {
  assert.equal(isSecurityOrigin('Debian-Security:12/stable-security'), true);
  assert.equal(isSecurityOrigin('Debian-Security:13/stable-security'), true);
  assert.equal(isSecurityOrigin('Debian:12.11/stable-updates'), false);
  assert.equal(isSecurityOrigin('Debian:12.15/oldstable'), false);
  assert.equal(isPackageName('libssl3:amd64'), true);
  assert.equal(isPackageName('g++-12'), true);
  assert.equal(isPackageName('-oAPT::Foo=1'), false);
  assert.equal(isPackageName('a b'), false);
});

test('dpkg-query snapshots: installed packages only, and their difference', () => {
  const before = parseDpkgQuery(DPKG_BEFORE);
  assert.equal(before.has('oldconf'), false, 'rc (config files only) is not installed');
  assert.deepEqual(diffInstalled(before, parseDpkgQuery(DPKG_AFTER_SECURITY)), [
    { package: 'libgcrypt20:amd64', from: '1.10.1-3', to: '1.10.1-3+deb12u1' },
    { package: 'liblzma5:amd64', from: '5.4.1-1', to: '5.4.1-1+deb12u2' },
    { package: 'libssl3:amd64', from: '3.0.15-1~deb12u1', to: '3.0.16-1~deb12u1' },
    { package: 'linux-image-6.1.0-37-amd64', from: null, to: '6.1.140-1' },
    { package: 'openssl', from: '3.0.15-1~deb12u1', to: '3.0.16-1~deb12u1' },
  ]);
});

/** A runner that answers apt and dpkg-query from the samples and records what it ran. */
function fakeApt(simulate: string, opts: { upgradeFails?: boolean } = {}) {
  const ran: string[][] = [];
  let upgraded = false;
  const runner: CommandRunner = async (argv, options) => {
    ran.push([...argv]);
    assert.equal(options?.env?.DEBIAN_FRONTEND, 'noninteractive');
    if (argv[0] === 'dpkg-query') return { code: 0, stdout: upgraded ? DPKG_AFTER_SECURITY : DPKG_BEFORE, stderr: '' };
    if (argv.includes('-s')) return { code: 0, stdout: simulate, stderr: '' };
    if (argv.includes('update')) return { code: 0, stdout: 'Hit:1 http://deb.debian.org/debian bookworm InRelease\n', stderr: '' };
    upgraded = true;
    if (opts.upgradeFails) return { code: 100, stdout: '', stderr: 'E: Sub-process /usr/bin/dpkg returned an error code (1)\n' };
    return { code: 0, stdout: 'Setting up libssl3:amd64 (3.0.16-1~deb12u1) ...\n', stderr: '' };
  };
  return { runner, ran };
}

test('security-only apply installs just the security packages and reports what changed', async () => {
  const { runner, ran } = fakeApt(APT_SIMULATE_MIXED);
  const result = await applyApt(runner, { securityOnly: true, refresh: true });
  assert.deepEqual(ran[0], [...APT_COMMANDS.update]);
  const install = ran.find((a) => a.includes('--only-upgrade'))!;
  assert.deepEqual(install.slice(install.indexOf('--') + 1), ['libgcrypt20', 'liblzma5', 'libssl3', 'openssl', 'linux-image-6.1.0-37-amd64']);
  assert.ok(!ran.some((a) => a.includes('upgrade') && !a.includes('-s') && !a.includes('--only-upgrade')), 'no full upgrade');
  assert.equal(result.changes.length, 5);
  assert.deepEqual(result.changes.find((c) => c.package === 'openssl'), { package: 'openssl', from: '3.0.15-1~deb12u1', to: '3.0.16-1~deb12u1' });
});

test('a full apply runs apt-get upgrade; nothing pending runs nothing; a failure still reports', async () => {
  const all = fakeApt(APT_SIMULATE_MIXED);
  await applyApt(all.runner, { securityOnly: false, refresh: false });
  assert.ok(all.ran.some((a) => a.join(' ') === APT_COMMANDS.upgradeAll.join(' ')));
  const none = fakeApt(APT_SIMULATE_NOTHING);
  assert.deepEqual(await applyApt(none.runner, { securityOnly: true, refresh: false }), { changes: [], requested: [] });
  assert.equal(none.ran.length, 1);
  const failing = fakeApt(APT_SIMULATE_MIXED, { upgradeFails: true });
  await assert.rejects(applyApt(failing.runner, { securityOnly: true, refresh: false }), (err: unknown) =>
    err instanceof UpdateError && err.code === 'apt_failed' && /dpkg returned an error/.test(err.message) && /5 package\(s\) changed/.test(err.message));
});

test('check lists pending upgrades; apt failing is an apt_failed error', async () => {
  const { runner } = fakeApt(APT_SIMULATE_MIXED);
  const check = await checkApt(runner, { refresh: false });
  assert.equal(check.pending.filter((p) => p.security).length, 5);
  const broken: CommandRunner = async () => ({ code: 100, stdout: '', stderr: 'E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\n' });
  await assert.rejects(checkApt(broken, { refresh: true }), (err: unknown) => err instanceof UpdateError && err.code === 'apt_failed' && /Permission denied/.test(err.message));
});
