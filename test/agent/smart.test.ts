// SMART through smartctl's JSON: parsing healthy, failing and unreadable devices from fixtures,
// argv safety, a missing smartctl, and the real smartctl of this machine (which may see no disk).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSmartReader, parseSmartDevice, parseSmartScan, type RunProgram } from '../../agent/monitoring/smart.js';

const ATA_OK = {
  json_format_version: [1, 0],
  smartctl: { version: [7, 3], exit_status: 0 },
  device: { name: '/dev/sda', info_name: '/dev/sda [SAT]', type: 'sat', protocol: 'ATA' },
  model_family: 'Samsung based SSDs', model_name: 'Samsung SSD 870 EVO 1TB', serial_number: 'S6PTNX0T123456',
  smart_status: { passed: true }, temperature: { current: 31 }, power_on_time: { hours: 12034 },
};
const NVME_FAILING = {
  smartctl: { exit_status: 8, messages: [{ string: 'SMART overall-health self-assessment test result: FAILED!', severity: 'error' }] },
  device: { name: '/dev/nvme0', type: 'nvme' }, model_name: 'WD Blue SN570', smart_status: { passed: false }, temperature: { current: 44 },
};
const UNREADABLE = { smartctl: { exit_status: 2, messages: [{ string: 'Smartctl open device: /dev/sdb failed: Permission denied' }] } };

test('device JSON: healthy, failing, unreadable', () => {
  const ok = parseSmartDevice('/dev/sda', ATA_OK, 0);
  assert.deepEqual(ok, { device: '/dev/sda', type: 'sat', model: 'Samsung SSD 870 EVO 1TB', serial: 'S6PTNX0T123456', passed: true, temperature: 31, powerOnHours: 12034, exitStatus: 0, messages: [] });
  const failing = parseSmartDevice('/dev/nvme0', NVME_FAILING, 8);
  assert.equal(failing.passed, false);
  assert.deepEqual(failing.messages, ['SMART overall-health self-assessment test result: FAILED!']);
  // Exit bit 3 alone means failing even if smart_status is missing.
  assert.equal(parseSmartDevice('/dev/sdc', { smartctl: { exit_status: 8 } }, 8).passed, false);
  const unreadable = parseSmartDevice('/dev/sdb', UNREADABLE, 2);
  assert.equal(unreadable.passed, null);
  assert.equal(unreadable.exitStatus, 2);
});

test('scan: only /dev paths and plain types become argv words', () => {
  const scan = parseSmartScan({ devices: [
    { name: '/dev/sda', type: 'sat' }, { name: '/dev/nvme0', type: 'nvme' }, { name: '--all', type: 'sat' },
    { name: '/dev/sdb; rm -rf /', type: 'sat' }, { name: '/dev/bus/0', type: 'megaraid,0' }, { name: '/dev/sdx', type: '-d evil' },
  ] });
  assert.deepEqual(scan, [{ name: '/dev/sda', type: 'sat' }, { name: '/dev/nvme0', type: 'nvme' }, { name: '/dev/bus/0', type: 'megaraid,0' }, { name: '/dev/sdx', type: null }]);
  assert.deepEqual(parseSmartScan(null), []);
});

test('reader: scan then each device, with argv arrays', async () => {
  const calls: string[][] = [];
  const run: RunProgram = async (file, args) => {
    calls.push([file, ...args]);
    if (args.includes('--scan')) return { stdout: JSON.stringify({ devices: [{ name: '/dev/sda', type: 'sat' }, { name: '/dev/nvme0', type: 'nvme' }] }), exitCode: 0 };
    if (args.includes('/dev/sda')) return { stdout: JSON.stringify(ATA_OK), exitCode: 0 };
    return { stdout: JSON.stringify(NVME_FAILING), exitCode: 8 };
  };
  const report = await createSmartReader({ run })();
  assert.equal(report.available, true);
  assert.deepEqual(report.devices.map((d) => [d.device, d.passed]), [['/dev/sda', true], ['/dev/nvme0', false]]);
  assert.deepEqual(calls[1], ['smartctl', '--json', '--info', '--health', '--attributes', '-d', 'sat', '/dev/sda']);
});

test('reader: smartctl missing', async () => {
  const report = await createSmartReader({ binary: '/nonexistent/smartctl' })();
  assert.equal(report.available, false);
  assert.match(report.error!, /not installed/);
  assert.deepEqual(report.devices, []);
});

test('reader: the real smartctl answers (with whatever disks it may read here)', async () => {
  const report = await createSmartReader()();
  assert.ok(report.checkedAt);
  if (!report.available) assert.match(report.error!, /smartctl/);
  for (const d of report.devices) assert.match(d.device, /^\/dev\//);
});
