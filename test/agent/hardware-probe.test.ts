// The hardware probe on a fixture tree (/proc and /sys files written to a temp directory) and
// on this machine's real /proc.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createProcProbe } from '../../agent/monitoring/hardware-probe.js';
import { HardwareMonitor } from '../../agent/monitoring/hardware-monitor.js';

function write(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

test('fixture tree: CPU per core, memory, disks, I/O and network rates, temperatures, uptime', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mailroom-probe-'));
  try {
    let now = 1_000_000;
    write(root, 'proc/stat', 'cpu  100 0 0 900 0 0 0 0 0 0\ncpu0 50 0 0 450 0 0 0 0 0 0\ncpu1 50 0 0 450 0 0 0 0 0 0\n');
    write(root, 'proc/meminfo', 'MemTotal: 1000 kB\nMemAvailable: 250 kB\nSwapTotal: 100 kB\nSwapFree: 40 kB\n');
    write(root, 'proc/loadavg', '0.50 0.25 0.10 1/100 1234\n');
    write(root, 'proc/uptime', '12345.67 20000.00\n');
    // The mount point "/" resolves to the fixture root, which statfs can measure.
    write(root, 'proc/self/mounts', '/dev/vda / ext4 rw 0 0\nproc /proc proc rw 0 0\n');
    write(root, 'proc/diskstats', ' 254 0 vda 10 0 100 0 20 0 200 0 0 0 0\n 7 0 loop0 0 0 0 0 0 0 0 0 0 0 0\n');
    write(root, 'proc/net/dev', 'h\nh\n lo: 5 0 0 0 0 0 0 0 5 0 0 0 0 0 0 0\n eth0: 1000 0 0 0 0 0 0 0 2000 0 0 0 0 0 0 0\n');
    mkdirSync(path.join(root, 'sys/block/vda'), { recursive: true });
    mkdirSync(path.join(root, 'sys/block/loop0'), { recursive: true });
    write(root, 'sys/class/hwmon/hwmon0/name', 'coretemp\n');
    write(root, 'sys/class/hwmon/hwmon0/temp1_input', '45000\n');
    write(root, 'sys/class/hwmon/hwmon0/temp1_label', 'Package id 0\n');
    write(root, 'sys/class/hwmon/hwmon0/temp2_input', '-273000\n');

    const probe = createProcProbe({ root, now: () => now });
    await probe.prime();
    now += 2000;
    write(root, 'proc/stat', 'cpu  150 0 50 1000 0 0 0 0 0 0\ncpu0 100 0 50 450 0 0 0 0 0 0\ncpu1 50 0 0 550 0 0 0 0 0 0\n');
    write(root, 'proc/diskstats', ' 254 0 vda 30 0 2148 0 60 0 4296 0 0 0 0\n');
    write(root, 'proc/net/dev', 'h\nh\n eth0: 3000 0 0 0 0 0 0 0 6000 0 0 0 0 0 0 0\n');
    const s = await probe.sample();
    assert.equal(s.time, now);
    assert.equal(s.cpu.usage, 50);
    assert.deepEqual(s.cpu.cores, [100, 0]);
    assert.deepEqual(s.cpu.load, [0.5, 0.25, 0.1]);
    assert.deepEqual(s.memory, { total: 1000 * 1024, used: 750 * 1024, available: 250 * 1024, swapTotal: 100 * 1024, swapUsed: 60 * 1024 });
    assert.equal(s.disks.length, 1);
    assert.equal(s.disks[0]!.mount, '/');
    assert.ok(s.disks[0]!.size > 0 && s.disks[0]!.usedPercent >= 0 && s.disks[0]!.usedPercent <= 100);
    assert.deepEqual(s.diskIo, [{ device: 'vda', readBytesPerSec: 1024 * 512, writeBytesPerSec: 2048 * 512, readsPerSec: 10, writesPerSec: 20 }]);
    assert.deepEqual(s.network, [{ iface: 'eth0', rxBytesPerSec: 1000, txBytesPerSec: 2000 }]);
    assert.deepEqual(s.temperatures, [{ sensor: 'coretemp/Package id 0', celsius: 45 }]);
    assert.equal(s.uptime, 12346);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('this machine: a sample has sane values, and a missing /proc/mdstat means no arrays', async () => {
  const probe = createProcProbe();
  const monitor = new HardwareMonitor({
    probe, intervalMs: 1000, smartIntervalMs: 60_000,
    readSmart: async () => ({ checkedAt: new Date().toISOString(), available: false, error: 'not here', devices: [] }),
  });
  await probe.prime();
  await new Promise((r) => setTimeout(r, 200));
  const s = await monitor.sampleNow();
  assert.equal(s.cpu.cores.length, os.cpus().length);
  assert.ok(s.cpu.usage >= 0 && s.cpu.usage <= 100);
  assert.ok(s.memory.total > 0 && s.memory.used > 0 && s.memory.used <= s.memory.total);
  assert.ok(s.disks.some((d) => d.mount === '/'), JSON.stringify(s.disks));
  assert.ok(s.uptime > 0);
  assert.ok(Array.isArray(s.temperatures));
  assert.equal(monitor.latest(), s);
  await monitor.checkHealthNow();
  assert.equal(monitor.smart().available, false);
  assert.ok(Array.isArray(monitor.raid()));
});
