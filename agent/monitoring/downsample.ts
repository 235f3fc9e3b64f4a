// Folds the samples of one time bucket into one for the seven-day history: rates, CPU and
// memory are averaged, file system usage is the bucket's last reading (it only moves slowly),
// temperatures the bucket's highest (a brief peak is what the admin needs to see).

import type { MetricsSample } from '../../ui/shared/api-types.js';

const mean = (values: number[]) => (values.length === 0 ? 0 : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10);

/** Per key, the values of every sample that has it, in key order of first appearance. */
function byKey<T>(lists: T[][], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const list of lists) for (const item of list) (out.get(key(item)) ?? out.set(key(item), []).get(key(item))!).push(item);
  return out;
}

export function downsample(samples: readonly MetricsSample[], time: number): MetricsSample {
  if (samples.length === 0) throw new RangeError('downsample needs at least one sample');
  const last = samples[samples.length - 1]!;
  const coreCount = Math.max(...samples.map((s) => s.cpu.cores.length));
  return {
    time,
    cpu: {
      usage: mean(samples.map((s) => s.cpu.usage)),
      cores: Array.from({ length: coreCount }, (_, i) => mean(samples.map((s) => s.cpu.cores[i]).filter((v): v is number => v !== undefined))),
      load: [0, 1, 2].map((i) => mean(samples.map((s) => s.cpu.load[i]!))) as [number, number, number],
    },
    memory: {
      total: last.memory.total,
      used: Math.round(mean(samples.map((s) => s.memory.used))),
      available: Math.round(mean(samples.map((s) => s.memory.available))),
      swapTotal: last.memory.swapTotal,
      swapUsed: Math.round(mean(samples.map((s) => s.memory.swapUsed))),
    },
    disks: last.disks,
    diskIo: [...byKey(samples.map((s) => s.diskIo), (d) => d.device)].map(([device, list]) => ({
      device,
      readBytesPerSec: mean(list.map((d) => d.readBytesPerSec)),
      writeBytesPerSec: mean(list.map((d) => d.writeBytesPerSec)),
      readsPerSec: mean(list.map((d) => d.readsPerSec)),
      writesPerSec: mean(list.map((d) => d.writesPerSec)),
    })),
    network: [...byKey(samples.map((s) => s.network), (n) => n.iface)].map(([iface, list]) => ({
      iface,
      rxBytesPerSec: mean(list.map((n) => n.rxBytesPerSec)),
      txBytesPerSec: mean(list.map((n) => n.txBytesPerSec)),
    })),
    temperatures: [...byKey(samples.map((s) => s.temperatures), (t) => t.sensor)].map(([sensor, list]) => ({ sensor, celsius: Math.max(...list.map((t) => t.celsius)) })),
    uptime: last.uptime,
  };
}
