// The in-memory history: one hour at full resolution, seven days of five-minute averages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricsSample } from '../../ui/shared/api-types.js';
import { downsample } from '../../agent/monitoring/downsample.js';
import { MetricsHistoryStore } from '../../agent/monitoring/metrics-history.js';
import { RingBuffer } from '../../agent/monitoring/ring-buffer.js';

function sample(time: number, cpu: number, extra: Partial<MetricsSample> = {}): MetricsSample {
  return {
    time, cpu: { usage: cpu, cores: [cpu, cpu / 2], load: [1, 1, 1] },
    memory: { total: 100, used: cpu, available: 100 - cpu, swapTotal: 0, swapUsed: 0 },
    disks: [{ mount: '/', device: '/dev/vda', fsType: 'ext4', size: 100, used: cpu, available: 100 - cpu, usedPercent: cpu }],
    diskIo: [{ device: 'vda', readBytesPerSec: cpu, writeBytesPerSec: 0, readsPerSec: 0, writesPerSec: 0 }],
    network: [{ iface: 'eth0', rxBytesPerSec: cpu * 10, txBytesPerSec: 0 }],
    temperatures: [{ sensor: 'cpu', celsius: 40 + cpu }], uptime: time / 1000, ...extra,
  };
}

test('ring buffer keeps the newest items in order', () => {
  const r = new RingBuffer<number>(3);
  assert.deepEqual(r.toArray(), []);
  for (let i = 1; i <= 5; i++) r.push(i);
  assert.deepEqual(r.toArray(), [3, 4, 5]);
  assert.equal(r.last(), 5);
  assert.equal(r.size, 3);
  assert.throws(() => new RingBuffer(0));
});

test('downsample averages rates, keeps the last disk usage and the highest temperature', () => {
  const d = downsample([sample(0, 10), sample(1000, 30)], 0);
  assert.equal(d.cpu.usage, 20);
  assert.deepEqual(d.cpu.cores, [20, 10]);
  assert.equal(d.disks[0]!.usedPercent, 30);
  assert.equal(d.network[0]!.rxBytesPerSec, 200);
  assert.equal(d.temperatures[0]!.celsius, 70);
  assert.equal(d.memory.used, 20);
});

test('an hour at full resolution, then five-minute buckets for seven days', () => {
  const history = new MetricsHistoryStore(10);
  const start = 1_700_000_100_000 - (1_700_000_100_000 % 300_000);
  // 2 hours of samples every 10 s.
  for (let t = 0; t < 7200; t += 10) history.add(sample(start + t * 1000, (t / 10) % 100));
  const hour = history.history('1h');
  assert.equal(hour.resolution, 10);
  assert.equal(hour.samples.length, 360);
  assert.equal(hour.samples[359]!.time, start + 7190 * 1000);
  const week = history.history('7d');
  assert.equal(week.resolution, 300);
  assert.equal(week.samples.length, 24, '23 closed buckets and the open one');
  assert.equal(week.samples[0]!.time, start);
  assert.equal(week.samples[0]!.cpu.usage, 14.5, 'the mean of 0..29');
});
