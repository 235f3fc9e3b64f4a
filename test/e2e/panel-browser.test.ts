// The admin panel in real Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against the real agent (test/ui/agent-fixture.ts: the agent, its HTTPS listener with the
// self-signed certificate of `mailroom init`, the real control server and SQLite store) serving
// the built panel from ui/client/dist (npm run build:ui). It logs in, switches the language,
// watches a live chart grow, sees a queue alert appear live, makes a domain, a user and a
// catch-all, reads the DNS records with their live check, disables and enables an account,
// reads a message in the admin's mailbox view (which must not mark it seen), deletes a queued
// message, tails the log, visits every page of the navigation (whatever pages exist when it
// runs), looks at a phone screen, and saves a screenshot of every page to a temp directory
// (printed). Any console error or page error (CSP violations included) fails the test.
// MAILROOM_PANEL_DIR points it at a panel built elsewhere (node ui/client/build.mjs --outdir D).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { MailUser } from '../../ui/shared/api-types.js';
import { PASSWORD, setupFirstAdmin, startAgentFixture, waitFor, type AgentFixture } from '../ui/agent-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// The repository root, three levels above this compiled file (OUTDIR/test/e2e/).
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PANEL_DIR = process.env.MAILROOM_PANEL_DIR || path.join(REPO_ROOT, 'ui', 'client', 'dist');

async function* body(text: string): AsyncIterable<Buffer> {
  yield Buffer.from(text);
}

/** A fresh profile in `profileDir` (playwright passes it as --user-data-dir). */
async function launch(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
  });
}

// The few DOM names the page-side callbacks use (this file is compiled without the DOM's types;
// the callbacks run in the page, and strings would be eval, which the panel's CSP forbids).
declare const document: {
  querySelector(selector: string): { getAttribute(name: string): string | null } | null;
  querySelectorAll(selector: string): { length: number; [i: number]: { getAttribute(name: string): string | null } };
  activeElement: { className: string } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const location: { hash: string };

/** Goes to a page through the navigation, by keyboard: focus the link, press Enter. */
async function openPage(page: Page, hash: string): Promise<void> {
  const link = page.locator(`nav a[href="#/${hash}"]`);
  await link.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((h) => location.hash === `#/${h}`, hash);
  await page.locator('main h1').waitFor();
}

test('the admin panel in Chromium: login, live charts and alerts, domains, users, aliases, queue, logs', { timeout: 180_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) { t.skip(`${CHROMIUM} is not installed`); return; }
  assert.ok(existsSync(path.join(PANEL_DIR, 'index.html')), `the panel is not built: run "npm run build:ui" (looked in ${PANEL_DIR})`);

  const shots = mkdtempSync(path.join(os.tmpdir(), 'mailroom-panel-shots-'));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'mailroom-chromium-'));
  let f: AgentFixture | null = null;
  let context: BrowserContext | null = null;
  try {
    f = await startAgentFixture({
      // A queue alert above one message, checked every second, provoked below while the dashboard is open.
      editConfig: (cfg) => { cfg.agent = { sampleInterval: 1, alertInterval: 1, alerts: { queueBacklog: 1 } }; },
      agent: { panelDir: PANEL_DIR },
    });
    const api = f.client();
    await setupFirstAdmin(f, api, 'root');

    context = await launch(profile);
    const page = context.pages()[0] ?? await context.newPage();
    const problems: string[] = [];
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    const shot = async (name: string) => {
      await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
      assert.deepEqual(problems, [], `console or page errors by the time of screenshot ${name}`);
    };
    const origin = `https://127.0.0.1:${f.httpsPort}`;

    // ---- login (the browser never signed in: the login form, no 401 in the console)
    await page.goto(`${origin}/`);
    await page.locator('#login-username').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'an English-speaking browser gets English first');
    // The skip link is the first thing Tab reaches.
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
    await page.fill('#login-username', 'root');
    await page.fill('#login-password', 'not the password');
    await page.click('button[type=submit]');
    await page.locator('.status-line.error').waitFor();
    // The refused login's 401 is the one expected error: Chromium logs it as a failed resource
    // (its console event may arrive just after the page shows the refusal).
    await waitFor(() => problems.length > 0, 5000, 'the refused login\'s console line');
    assert.deepEqual(problems, ['console error: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    problems.splice(0);
    await shot('00-login-refused');
    await page.fill('#login-password', PASSWORD);
    await page.keyboard.press('Enter');
    await page.locator('#chart-cpu').waitFor();

    // ---- language: switch to Vietnamese; it sticks across a reload
    await page.selectOption('#lang-select', 'vi');
    await page.locator('nav a[href="#/users"]', { hasText: 'Người dùng' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    await page.reload();
    await page.locator('#chart-cpu').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal((await page.locator('main h1').textContent())?.trim(), 'Tổng quan');

    // ---- dashboard: the websocket is up and a live chart moves
    await page.locator('#live-state.open').waitFor({ timeout: 15_000 });
    const points = async () => Number(await page.getAttribute('#chart-cpu', 'data-points'));
    const before = await points();
    await page.waitForFunction((n) => Number(document.querySelector('#chart-cpu')?.getAttribute('data-points')) >= n + 2, before, { timeout: 15_000 });
    assert.ok((await points()) >= before + 2, 'the CPU chart grew by live samples');
    await page.locator('#chart-cpu canvas').first().waitFor();
    assert.equal(await page.locator('#alerts .alert').count(), 0, 'no alert before the queue fills');

    // ---- an alert appears live: two queued messages exceed queueBacklog 1
    await f.spool.enqueue({ from: 'root@panel.test', recipients: ['far@remote.example'] }, body('Subject: one\r\n\r\nhi\r\n'));
    await f.spool.enqueue({ from: 'root@panel.test', recipients: ['other@remote.example', 'x@remote.example'] }, body('Subject: two\r\n\r\nhi\r\n'));
    const alert = page.locator('#alerts [data-alert-id="queue:backlog"]');
    await alert.waitFor({ timeout: 15_000 });
    assert.match((await alert.textContent()) ?? '', /2 messages are waiting/);
    await shot('01-dashboard');

    // ---- domains: add one, read its DNS records in the dialog, close it with Escape
    await openPage(page, 'domains');
    await page.fill('#domain-name', 'panel.test');
    await page.click('form.inline-form button[type=submit]');
    await page.locator('#domains-table th', { hasText: 'panel.test' }).waitFor();
    await page.click('button[aria-label="Bản ghi DNS: panel.test"]');
    const dialog = page.locator('dialog[open]');
    await dialog.locator('table.dns td', { hasText: 'MX' }).first().waitFor();
    // The live check fills a status into every row (whatever this machine's DNS answers).
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('table.dns tbody tr');
      if (rows.length === 0) return false;
      for (let i = 0; i < rows.length; i++) if (rows[i]!.getAttribute('data-dns-status') === 'unknown') return false;
      return true;
    }, undefined, { timeout: 60_000 });
    assert.match((await page.locator('#dns-summary').textContent()) ?? '', /\d+\/\d+/);
    await shot('02-domains-dns');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));

    // ---- users: add one with a quota; reset its password through the dialog
    await openPage(page, 'users');
    await page.fill('#user-address', 'bob@panel.test');
    await page.fill('#user-password', PASSWORD);
    await page.fill('#user-quota', '10M');
    await page.click('form.inline-form button[type=submit]');
    await page.locator('#users-table th', { hasText: 'bob@panel.test' }).waitFor();
    assert.equal(await page.locator('#users-table meter').count(), 1);
    await page.click('button[aria-label="Đặt lại mật khẩu: bob@panel.test"]');
    await page.fill('#edit-password', 'An0ther!long-Passphrase');
    await page.keyboard.press('Enter');
    await page.locator('.status-line.ok').waitFor();
    await shot('03-users');
    const bob = (await api.request('GET', '/api/v1/users/bob@panel.test')).json as MailUser;
    assert.equal(bob.quota, 10 * 1024 * 1024);
    assert.ok(await f.directory.verifyPassword('bob@panel.test', 'An0ther!long-Passphrase'), 'the new password works');

    // ---- disable bob (confirmed in a dialog): no login any more; enable again
    await page.click('button[aria-label="Khóa: bob@panel.test"]');
    await page.locator('dialog[open] button[type=submit]').click();
    await page.locator('#users-table tr[data-disabled="true"]').waitFor();
    await shot('03b-users-disabled');
    assert.equal(await f.directory.verifyPassword('bob@panel.test', 'An0ther!long-Passphrase'), null, 'a disabled account cannot log in');
    await page.click('button[aria-label="Mở khóa: bob@panel.test"]');
    await page.locator('#users-table tr[data-disabled="false"]').waitFor();
    assert.ok(await f.directory.verifyPassword('bob@panel.test', 'An0ther!long-Passphrase'), 'enabled again');

    // ---- bob's mailbox, read by the admin: the message shows, and stays unseen for bob
    const bobUser = (await f.directory.getUser('bob@panel.test'))!;
    const delivery = f.mailStore.beginDelivery();
    delivery.addRecipient({ userId: bobUser.id });
    await delivery.writeBody(body('From: Ann <ann@far.example>\r\nSubject: Quarterly figures\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe figures are in.\r\n'));
    await delivery.commit();
    await page.click('button[aria-label="Hộp thư: bob@panel.test"]');
    await page.waitForFunction(() => location.hash === '#/mailbox');
    await page.locator('#messages-table button.link', { hasText: 'Quarterly figures' }).click();
    await page.locator('#message-text', { hasText: 'The figures are in.' }).waitFor();
    assert.equal(await page.locator('#message-raw').getAttribute('download'), 'message-1.eml');
    await shot('03c-mailbox-message');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    const flags = await f.mailStore.messageFlags(bobUser.id, 'INBOX');
    assert.deepEqual(flags.map((m) => m.flags), [[]], 'the admin reading it did not mark it \\Seen');

    // ---- aliases: a catch-all for the new domain
    await openPage(page, 'aliases');
    await page.fill('#alias-address', '@panel.test');
    await page.fill('#alias-targets', 'bob@panel.test');
    await page.click('form.inline-form button[type=submit]');
    await page.locator('#aliases-table th', { hasText: '@panel.test' }).waitFor();
    await shot('04-aliases');

    // ---- queue: both messages listed; delete one through the confirmation dialog
    await openPage(page, 'queue');
    await page.locator('#queue-table tbody tr').nth(1).waitFor();
    assert.equal(await page.locator('#queue-table tbody tr').count(), 2);
    await shot('05-queue');
    await page.locator('#queue-table button.danger').first().click();
    await page.locator('dialog[open] button[type=submit]').click();
    await page.waitForFunction(() => document.querySelectorAll('#queue-table tbody tr').length === 1);
    const queued = (await api.request('GET', '/api/v1/queue')).json as { summary: { messages: number } };
    assert.equal(queued.summary.messages, 1);

    // ---- logs and services
    await openPage(page, 'logs');
    await page.locator('#log-table').waitFor();
    // A line the mail daemon logs now arrives live; the level filter hides it, the text filter finds it.
    // The page subscribes to the live channel after it has drawn the table, and the agent follows
    // the daemon's event stream: a busy machine can leave a gap, so the line is written again
    // every 2 s until it shows (at most 30 s).
    const daemonLog = f.tap.sink({ write() { return true; } });
    const liveRow = page.locator('#log-table tbody tr', { hasText: 'panel-live-line' }).first();
    // Writes the line until the page shows it. Also after a filter change: the websocket may have
    // reconnected on a loaded machine, and the page then reloads its lines from the log history,
    // which the tapped line is not part of.
    const showLiveLine = async () => {
      for (let attempt = 0; ; attempt++) {
        daemonLog.write(JSON.stringify({ time: new Date().toISOString(), level: 'warn', msg: 'panel-live-line', conn: 'c42' }) + '\n');
        try {
          await liveRow.waitFor({ timeout: 2_000 });
          return;
        } catch (err) {
          if (attempt >= 14) throw err;
        }
      }
    };
    await showLiveLine();
    await page.selectOption('#log-level', 'error');
    await liveRow.waitFor({ state: 'detached' });
    await page.selectOption('#log-level', 'debug');
    await page.fill('#log-filter', 'c42');
    await showLiveLine();
    assert.ok(await page.locator('#log-table tbody tr').count() >= 1);
    assert.equal(await page.locator('#log-table tbody tr', { hasNotText: 'c42' }).count(), 0, 'the text filter shows only matching lines');
    await page.fill('#log-filter', '');
    await shot('06-logs');
    await openPage(page, 'services');
    await page.locator('#services-table tr[data-service="agent"][data-state="up"]').waitFor();
    await page.locator('#listeners-table tr[data-listener="admin"][data-state="listening"]').waitFor();
    await shot('07-services');

    // ---- every page of the navigation, whichever exist now: each draws without a console error
    const hashes = await page.locator('nav a[href^="#/"]').evaluateAll((links) => links.map((a) => (a as unknown as { getAttribute(n: string): string }).getAttribute('href').slice(2)));
    assert.ok(hashes.includes('mailbox') && hashes.includes('backup'), `the navigation: ${hashes.join(', ')}`);
    for (const [i, hash] of hashes.entries()) {
      await openPage(page, hash);
      // Let the page's first requests answer (and fail, if they would) before the picture.
      await page.waitForFunction(() => !document.querySelector('main [aria-busy="true"]'), undefined, { timeout: 20_000 }).catch(() => undefined);
      await shot(`10-page-${String(i).padStart(2, '0')}-${hash}`);
    }

    // ---- English again, and a phone: the menu opens from the keyboard
    await page.selectOption('#lang-select', 'en');
    await page.locator('nav a[href="#/users"]', { hasText: 'Users' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await openPageOnPhone(page, 'dashboard');
    await page.locator('#chart-cpu canvas').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling on a phone (overflow ${overflow}px)`);
    await shot('08-phone-dashboard');

    assert.deepEqual(problems, []);
    console.log(`panel screenshots: ${shots}`);
  } finally {
    await context?.close().catch(() => undefined);
    await f?.cleanup();
    rmSync(profile, { recursive: true, force: true });
  }
});

async function openPageOnPhone(page: Page, hash: string): Promise<void> {
  const toggle = page.locator('button.menu-toggle');
  assert.ok(await toggle.isVisible(), 'the menu button shows on a phone');
  assert.equal(await page.locator('#main-nav').isVisible(), false, 'the navigation is folded away on a phone');
  await toggle.focus();
  await page.keyboard.press('Enter');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  await openPage(page, hash);
}
