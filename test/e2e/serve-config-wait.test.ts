// `serve` with MAILROOM_SERVE_CONFIG_WAIT (the appliance's mail unit on first boot): it loads its
// code and warms up while first boot writes the data directory, starts once config.json appears,
// and gives up with exit 2 and one line when it never does. The real `mailroom serve` process.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { getFreePort, MAILROOM_BIN, REPO_ROOT, run, sleep, SmtpClient, waitFor } from './harness.js';

describe('serve waits for first boot\'s config.json (MAILROOM_SERVE_CONFIG_WAIT)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-config-wait-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  test('it waits without listening, then starts as soon as the file is renamed into place', async () => {
    const dataDir = path.join(root, 'data');
    const init = await run(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'init', '--hostname', 'mx.wait.test']);
    assert.equal(init.code, 0, init.stderr);
    const file = path.join(dataDir, 'config.json');
    const cfg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const port = await getFreePort();
    cfg.listen = { smtp: `127.0.0.1:${port}`, submission: null, submissions: null, imap: null, imaps: null, pop3: null, pop3s: null, managesieve: null, admin: null, http: null };
    cfg.limits = { ...(cfg.limits as Record<string, unknown>), diskReserve: '1M' };
    // As first boot does: the whole file is written aside and renamed into place last.
    rmSync(file);
    const staged = path.join(dataDir, 'config.json.new');
    writeFileSync(staged, JSON.stringify(cfg, null, 2) + '\n');

    const child = spawn(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'serve'], {
      cwd: REPO_ROOT, env: { ...process.env, MAILROOM_SERVE_CONFIG_WAIT: '60' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // Long enough for the code to load and the warm-up to run.
      await sleep(2500);
      assert.equal(child.exitCode, null, `serve exited while waiting: ${stderr}`);
      await assert.rejects(SmtpClient.connect(port, { timeoutMs: 1000 }), 'nothing listens before the config exists');

      const appeared = Date.now();
      renameSync(staged, file);
      // open() reads the greeting and throws unless it is 220.
      const client = await waitFor(async () => SmtpClient.open(port, { timeoutMs: 5000 }).catch(() => null), 30_000, 'the greeting after config.json appeared', 50);
      await client.quit().catch(() => undefined);
      const started = await waitFor(() => stdout.split('\n').find((l) => l.includes('"mail daemon started"')), 10_000, 'the started line');
      const startMs = (JSON.parse(started) as { startMs: Record<string, number> }).startMs;
      for (const step of ['loaded', 'warmedUp', 'configSeen', 'process', 'config', 'database', 'stores', 'sessions', 'smtp', 'listeners', 'control']) assert.equal(typeof startMs[step], 'number', `startMs.${step} in ${started}`);
      console.log(`greeting ${Date.now() - appeared} ms after config.json appeared; startMs ${JSON.stringify(startMs)}`);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    }
  });

  test('no config.json within the wait: exit 2 and one line that names the file', async () => {
    const dataDir = path.join(root, 'empty');
    const res = await run(process.execPath, [MAILROOM_BIN, '--data', dataDir, 'serve'], {
      env: { ...process.env, MAILROOM_SERVE_CONFIG_WAIT: '1' }, timeoutMs: 30_000,
    });
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
    assert.match(res.stderr, new RegExp(`no ${path.join(dataDir, 'config.json').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} after 1s`));
  });
});
