// The panel's forwarding page in real Chromium (driven by playwright-core) against the real
// agent and control server: add a forwarder, a refusal shown as the server words it, change
// targets and the local copy, remove; no console errors. Needs the built panel
// (npm run build:ui, or MAILROOM_PANEL_DIR) and /usr/bin/chromium; skipped without them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import type { Forward } from '../../ui/shared/api-types.js';
import { PASSWORD, setupFirstAdmin, type AgentFixture } from './agent-fixture.js';
import { startForwardsFixture } from './forwards-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// The repository root, three levels above this compiled file (OUTDIR/test/ui/).
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PANEL_DIR = process.env.MAILROOM_PANEL_DIR || path.join(REPO_ROOT, 'ui', 'client', 'dist');

declare const document: { querySelector(selector: string): unknown };

test('the forwarding page: add, a refusal, change, remove', { timeout: 180_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} is not installed`); return; }
  if (!existsSync(path.join(PANEL_DIR, 'index.html'))) { t.skip(`the panel is not built (looked in ${PANEL_DIR})`); return; }
  const profile = mkdtempSync(path.join(os.tmpdir(), 'mailroom-chromium-'));
  let f: AgentFixture | null = null;
  let context: BrowserContext | null = null;
  try {
    f = await startForwardsFixture({ agent: { panelDir: PANEL_DIR } });
    const api = f.client();
    await setupFirstAdmin(f, api, 'root');
    assert.equal((await api.request('POST', '/api/v1/domains', { json: { name: 'example.com' } })).status, 201);
    assert.equal((await api.request('POST', '/api/v1/users', { json: { address: 'alice@example.com', password: PASSWORD } })).status, 201);
    const list = async () => (await api.request('GET', '/api/v1/forwards')).json as Forward[];

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'en-US',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error' && !/status of 400/.test(msg.text())) problems.push(`console error: ${msg.text()}`); });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

    await page.goto(`https://127.0.0.1:${f.httpsPort}/`);
    await page.locator('#login-username').waitFor();
    await page.fill('#login-username', 'root');
    await page.fill('#login-password', PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('nav a[href="#/forwards"]').click();
    await page.locator('main h1', { hasText: 'Forwarding to other servers' }).waitFor();

    // Add: automatic copy choice, so alice (a user) keeps one.
    await page.fill('#forward-address', 'alice@example.com');
    await page.fill('#forward-targets', 'a@far.test, b@far.test');
    await page.click('form[aria-labelledby="forward-add-title"] button[type=submit]');
    await page.locator('#forwards-table tr[data-keep-copy="true"] th', { hasText: 'alice@example.com' }).waitFor();
    assert.deepEqual(await list(), [{ address: 'alice@example.com', targets: ['a@far.test', 'b@far.test'], keepCopy: true }]);

    // A local target: the server's words in the status line, nothing changed.
    await page.fill('#forward-address', 'alice@example.com');
    await page.fill('#forward-targets', 'alice2@example.com');
    await page.click('form[aria-labelledby="forward-add-title"] button[type=submit]');
    await page.locator('.status-line.error', { hasText: 'use an alias' }).waitFor();
    assert.deepEqual((await list())[0]!.targets, ['a@far.test', 'b@far.test']);

    // Change: new target, forward only.
    await page.click('button[aria-label="Change: alice@example.com"]');
    await page.locator('dialog[open] #forward-edit-targets').fill('z@far.test');
    await page.selectOption('dialog[open] #forward-edit-keep', 'forward-only');
    await page.click('dialog[open] button[type=submit]');
    await page.locator('#forwards-table tr[data-keep-copy="false"] td', { hasText: 'z@far.test' }).waitFor();
    assert.deepEqual(await list(), [{ address: 'alice@example.com', targets: ['z@far.test'], keepCopy: false }]);

    // Remove, after the confirmation.
    await page.click('button[aria-label="Remove: alice@example.com"]');
    await page.click('dialog[open] button[type=submit]');
    await page.waitForFunction(() => !document.querySelector('#forwards-table'));
    assert.deepEqual(await list(), []);
    assert.deepEqual(problems, []);
  } finally {
    await context?.close().catch(() => undefined);
    await f?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  }
});
