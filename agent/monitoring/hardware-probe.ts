// One hardware sample from /proc, /sys and statfs(2): CPU per core, memory and swap, each
// disk-backed file system's usage, each disk's I/O, network throughput, temperatures, uptime.
// Rates are computed against the previous sample, so the first sample after start has rates of
// zero (call prime() first). No process is started: every value is a file read, which keeps
// the cost of a 1 s interval far below one percent of a core. `root` lets tests point the probe
// at a fixture tree.

import { readdir, readFile, statfs } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DiskIo, DiskUsage, MetricsSample, NetworkIo } from '../../ui/shared/api-types.js';
import {
  cpuUsage, isInterestingDisk, parseDiskstats, parseMeminfo, parseMounts, parseNetDev, parseProcStat,
  type CpuTimes, type DiskCounters, type NetCounters,
} from './proc-parsers.js';
import { readTemperatures } from './temperatures.js';

export interface HardwareProbe {
  /** Reads the counters once so the next sample has real rates. */
  prime(): Promise<void>;
  sample(): Promise<MetricsSample>;
}

export interface ProcProbeOptions {
  /** Where /proc and /sys are; "/" on a real machine. */
  root?: string;
  now?: () => number;
}

interface Counters {
  at: number;
  cpu: { all: CpuTimes; cores: CpuTimes[] } | null;
  disks: Map<string, DiskCounters>;
  net: Map<string, NetCounters>;
}

const SECTOR_BYTES = 512; // /proc/diskstats counts 512-byte sectors whatever the device's own size

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

export function createProcProbe(options: ProcProbeOptions = {}): HardwareProbe {
  const root = options.root ?? '/';
  const now = options.now ?? Date.now;
  const proc = (p: string) => path.join(root, 'proc', p);
  let previous: Counters | null = null;
  let diskNames: string[] | null = null;

  const readCounters = async (): Promise<Counters> => {
    const [stat, diskstats, netdev] = await Promise.all([readText(proc('stat')), readText(proc('diskstats')), readText(proc('net/dev'))]);
    return { at: now(), cpu: parseProcStat(stat), disks: parseDiskstats(diskstats), net: parseNetDev(netdev) };
  };

  /** Whole disks, from /sys/block (listed once: disks do not come and go often enough to matter). */
  const wholeDisks = async (): Promise<string[]> => {
    if (diskNames) return diskNames;
    try {
      diskNames = (await readdir(path.join(root, 'sys/block'))).filter(isInterestingDisk).sort();
    } catch {
      diskNames = [];
    }
    return diskNames;
  };

  const diskUsage = async (): Promise<DiskUsage[]> => {
    const mounts = parseMounts(await readText(proc('self/mounts')));
    const out: DiskUsage[] = [];
    for (const m of mounts) {
      try {
        const s = await statfs(path.join(root, m.mount));
        const bsize = Number(s.bsize);
        const size = Number(s.blocks) * bsize;
        const used = (Number(s.blocks) - Number(s.bfree)) * bsize;
        const available = Number(s.bavail) * bsize;
        // As df computes it: the share of what non-root users could have.
        const usedPercent = used + available > 0 ? round((used / (used + available)) * 100) : 0;
        out.push({ mount: m.mount, device: m.device, fsType: m.fsType, size, used, available, usedPercent });
      } catch {
        // unmounted between the read of mounts and statfs, or not ours to see
      }
    }
    return out;
  };

  return {
    async prime() {
      previous = await readCounters();
    },

    async sample() {
      const current = await readCounters();
      const before = previous;
      previous = current;
      const seconds = before ? Math.max(0.001, (current.at - before.at) / 1000) : 1;

      const cores = (current.cpu?.cores ?? []).map((c, i) => round(cpuUsage(before?.cpu?.cores[i], c)));
      const [meminfoText, loadText, uptimeText, disks, temperatures, names] = await Promise.all([
        readText(proc('meminfo')), readText(proc('loadavg')), readText(proc('uptime')), diskUsage(), readTemperatures(root), wholeDisks(),
      ]);
      const mem = parseMeminfo(meminfoText);
      const load = loadText.split(/\s+/).slice(0, 3).map(Number);

      const diskIo: DiskIo[] = [];
      for (const name of names) {
        const c = current.disks.get(name);
        if (!c) continue;
        const b = before?.disks.get(name);
        const rate = (after: number, prior: number | undefined) => (prior === undefined ? 0 : round(Math.max(0, after - prior) / seconds));
        diskIo.push({
          device: name,
          readBytesPerSec: rate(c.readSectors * SECTOR_BYTES, b && b.readSectors * SECTOR_BYTES),
          writeBytesPerSec: rate(c.writtenSectors * SECTOR_BYTES, b && b.writtenSectors * SECTOR_BYTES),
          readsPerSec: rate(c.reads, b?.reads),
          writesPerSec: rate(c.writes, b?.writes),
        });
      }
      const network: NetworkIo[] = [];
      for (const [iface, c] of current.net) {
        const b = before?.net.get(iface);
        network.push({
          iface,
          rxBytesPerSec: b ? round(Math.max(0, c.rxBytes - b.rxBytes) / seconds) : 0,
          txBytesPerSec: b ? round(Math.max(0, c.txBytes - b.txBytes) / seconds) : 0,
        });
      }
      const uptime = Number(uptimeText.split(/\s+/)[0]);
      return {
        time: current.at,
        cpu: {
          usage: round(cpuUsage(before?.cpu?.all, current.cpu?.all ?? undefined)),
          cores,
          load: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0].map((n) => (Number.isFinite(n) ? n : 0)) as [number, number, number],
        },
        memory: { total: mem.total, used: mem.total - mem.available, available: mem.available, swapTotal: mem.swapTotal, swapUsed: mem.swapTotal - mem.swapFree },
        disks, diskIo, network, temperatures,
        uptime: Number.isFinite(uptime) && uptime > 0 ? Math.round(uptime) : Math.round(os.uptime()),
      };
    },
  };
}
