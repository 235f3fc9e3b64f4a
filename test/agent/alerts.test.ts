// Alert rules, the engine's changes of state, the checker's view of the mail daemon and the
// mailer's once-per-change mails (held while the daemon is down).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ControlSystemMail } from '../../mail/control/control-protocol.js';
import type { DiskUsage, MetricsSample, SmartReport } from '../../ui/shared/api-types.js';
import { AlertEngine } from '../../agent/alerts/alert-engine.js';
import { evaluateAlerts, type AlertThresholds } from '../../agent/alerts/alert-rules.js';
import { AlertChecker } from '../../agent/alerts/alert-checker.js';
import { AlertMailer } from '../../agent/alerts/alert-mailer.js';
import { readCertificateExpiry } from '../../agent/alerts/certificate-expiry.js';

const T: AlertThresholds = { diskPercent: 85, queueBacklog: 100, certificateDays: 14 };
const now = new Date('2026-06-01T12:00:00Z');
const disk = (mount: string, usedPercent: number): DiskUsage => ({ mount, device: `/dev/${mount.length}`, fsType: 'ext4', size: 100, used: usedPercent, available: 100 - usedPercent, usedPercent });
const smart = (passed: boolean | null): SmartReport => ({ checkedAt: now.toISOString(), available: true, error: null, devices: [{ device: '/dev/sda', type: 'sat', model: 'X', serial: null, passed, temperature: null, powerOnHours: null, exitStatus: passed === false ? 8 : 0, messages: [] }] });

test('rules: each threshold, and kinds not observed are not evaluated', () => {
  const { evaluated, firing } = evaluateAlerts({
    now, disks: [disk('/', 86), disk('/var', 97), disk('/boot', 50)], smart: smart(false),
    raid: [{ name: 'md0', state: 'active', level: 'raid1', devices: [{ name: 'sda1', role: 'failed' }], expected: 2, working: 1, degraded: true, sync: null }],
    queue: { messages: 101, waiting: 101, deferred: 0, oldest: null },
    certificate: { validTo: new Date(now.getTime() + 13 * 86_400_000) },
    mailDaemonUp: false,
  }, T);
  assert.deepEqual([...evaluated].sort(), ['certificate', 'disk', 'queue', 'raid', 'service', 'smart']);
  assert.deepEqual(firing.map((f) => [f.id, f.severity]), [
    ['disk:/', 'warning'], ['disk:/var', 'critical'], ['smart:/dev/sda', 'critical'], ['raid:md0', 'critical'],
    ['queue:backlog', 'warning'], ['certificate:tls', 'warning'], ['service:mail', 'critical'],
  ]);
  assert.match(firing.find((f) => f.id === 'certificate:tls')!.message, /expires in 13 day/);
  const none = evaluateAlerts({ now, queue: null, certificate: { validTo: new Date(now.getTime() + 30 * 86_400_000) }, smart: smart(null) }, T);
  assert.deepEqual([...none.evaluated].sort(), ['certificate', 'smart']);
  assert.deepEqual(none.firing, []);
  const expired = evaluateAlerts({ now, certificate: { validTo: new Date(now.getTime() - 1000) } }, T).firing[0]!;
  assert.equal(expired.severity, 'critical');
  assert.equal(evaluateAlerts({ now, certificate: { error: 'x does not exist' } }, T).firing[0]!.id, 'certificate:tls');
});

test('engine: raised once, silent while unchanged, escalated, resolved only when its kind is evaluated', () => {
  const engine = new AlertEngine(() => now);
  const seen: string[] = [];
  engine.onChange((c) => seen.push(`${c.change}:${c.alert.id}`));
  const disk86 = evaluateAlerts({ now, disks: [disk('/', 86)] }, T);
  engine.update(disk86.evaluated, disk86.firing);
  const disk88 = evaluateAlerts({ now, disks: [disk('/', 88)] }, T);
  engine.update(disk88.evaluated, disk88.firing);
  assert.match(engine.list()[0]!.message, /88%/);
  const disk96 = evaluateAlerts({ now, disks: [disk('/', 96)] }, T);
  engine.update(disk96.evaluated, disk96.firing);
  // Nothing observed about disks: the alert stays.
  engine.update(new Set(['service']), []);
  assert.equal(engine.list().length, 1);
  const ok = evaluateAlerts({ now, disks: [disk('/', 40)] }, T);
  engine.update(ok.evaluated, ok.firing);
  assert.deepEqual(seen, ['raised:disk:/', 'escalated:disk:/', 'resolved:disk:/']);
  assert.deepEqual(engine.list(), []);
  assert.equal(engine.recent()[0]!.state, 'resolved');
  assert.ok(engine.recent()[0]!.resolvedAt);
});

test('checker: the mail daemon is down after two silent checks; the alert mail waits until it is back', async () => {
  let up = true;
  const sent: ControlSystemMail[] = [];
  const control = {
    async health() { if (!up) throw new Error('ECONNREFUSED'); return { status: 'ok' as const, pid: 1, version: 'x', startedAt: '', uptime: 1 }; },
    async queueSummary() { return { messages: 3, waiting: 3, deferred: 0, oldest: null }; },
  };
  const engine = new AlertEngine(() => now);
  const mailer = new AlertMailer({ to: 'admin@example.com', hostname: 'mx.example.com', send: async (m) => { if (!up) throw new Error('down'); sent.push(m); } });
  engine.onChange((c) => mailer.notify(c));
  const sample = { disks: [disk('/', 10)] } as unknown as MetricsSample;
  const checker = new AlertChecker({
    engine, thresholds: T, control, mailer, intervalMs: 60_000,
    monitor: { latest: () => sample, smart: () => ({ checkedAt: null, available: false, error: null, devices: [] }), raid: () => [] },
    readCertificate: async () => ({ validTo: new Date(now.getTime() + 400 * 86_400_000) }),
    now: () => now,
  });
  assert.deepEqual(await checker.checkNow(), []);
  assert.equal(checker.mailDaemonUp, true);
  up = false;
  assert.deepEqual(await checker.checkNow(), [], 'one silent check is not an outage');
  const changes = await checker.checkNow();
  assert.deepEqual(changes.map((c) => `${c.change}:${c.alert.id}`), ['raised:service:mail']);
  assert.equal(checker.mailDaemonUp, false);
  assert.equal(sent.length, 0);
  assert.equal(mailer.waiting, 1);
  await checker.checkNow();
  assert.equal(mailer.waiting, 1, 'no second mail for the same state');
  up = true;
  const back = await checker.checkNow();
  assert.deepEqual(back.map((c) => `${c.change}:${c.alert.id}`), ['resolved:service:mail']);
  assert.deepEqual(sent.map((m) => m.subject), ['[mx.example.com] ALERT: the mail daemon does not answer on its control socket (mailroom-mail.service down?)', '[mx.example.com] resolved: the mail daemon does not answer on its control socket (mailroom-mail.service down?)']);
  assert.deepEqual(sent[0]!.to, ['admin@example.com']);
  assert.equal(mailer.waiting, 0);
});

test('certificate expiry from a PEM file; unreadable files are reported', async () => {
  const missing = await readCertificateExpiry('/nonexistent/cert.pem');
  assert.ok('error' in missing && /does not exist/.test(missing.error));
});
