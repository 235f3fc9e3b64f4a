// Parsers of the kernel's text interfaces the hardware sampler reads: /proc/stat,
// /proc/meminfo, /proc/self/mounts, /proc/diskstats and /proc/net/dev. Pure: text in, values
// out, so every format detail is tested with fixtures. (Why not systeminformation: on Linux it
// runs shell pipelines such as `cat /proc/stat | grep cpu` through /bin/sh for these same
// files, several processes per sample; see agent/monitoring/README.md.)

/** Jiffies per CPU from /proc/stat: `busy` excludes idle and iowait. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/** The aggregate line ("cpu") and each core ("cpu0", "cpu1", ...), in core order. */
export function parseProcStat(text: string): { all: CpuTimes; cores: CpuTimes[] } | null {
  let all: CpuTimes | null = null;
  const cores: CpuTimes[] = [];
  for (const line of text.split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!m) continue;
    // user nice system idle iowait irq softirq steal guest guest_nice; guest is already in user.
    const f = m[2]!.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const times = { busy: user + nice + system + irq + softirq + steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
    if (m[1] === '') all = times;
    else cores[Number(m[1])] = times;
  }
  return all ? { all, cores } : null;
}

/** Busy share (0-100) between two readings of the same CPU. */
export function cpuUsage(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (!before || !after) return 0;
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, ((after.busy - before.busy) / total) * 100));
}

/** Bytes from /proc/meminfo ("MemTotal: 24684096 kB"). */
export function parseMeminfo(text: string): { total: number; available: number; swapTotal: number; swapFree: number } {
  const kb: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) kb[m[1]!] = Number(m[2]) * 1024;
  }
  const total = kb.MemTotal ?? 0;
  // MemAvailable exists since Linux 3.14; before that, free + page cache is the estimate.
  const available = kb.MemAvailable ?? (kb.MemFree ?? 0) + (kb.Cached ?? 0) + (kb.Buffers ?? 0);
  return { total, available, swapTotal: kb.SwapTotal ?? 0, swapFree: kb.SwapFree ?? 0 };
}

export interface MountEntry {
  device: string;
  mount: string;
  fsType: string;
}

/** File systems that hold data on a disk (not proc, tmpfs, cgroup, overlay, squashfs...). */
const DISK_FILESYSTEMS = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'vfat', 'exfat', 'jfs', 'reiserfs', 'ntfs', 'ntfs3', 'bcachefs']);

/** "\040" and friends in /proc/self/mounts are octal escapes (spaces in mount points). */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Disk-backed mounts from /proc/self/mounts, each device once (its first mount point). */
export function parseMounts(text: string): MountEntry[] {
  const seen = new Set<string>();
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [device, mount, fsType] = line.split(' ');
    if (!device || !mount || !fsType || !DISK_FILESYSTEMS.has(fsType)) continue;
    // A device mounted twice (bind mounts, btrfs subvolumes) is one file system.
    if (seen.has(device)) continue;
    seen.add(device);
    out.push({ device: unescapeMount(device), mount: unescapeMount(mount), fsType });
  }
  return out;
}

export interface DiskCounters {
  device: string;
  reads: number;
  readSectors: number;
  writes: number;
  writtenSectors: number;
}

/** /proc/diskstats: "major minor name reads merged sectors ms writes merged sectors ms ...". */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const device = f[2]!;
    out.set(device, { device, reads: Number(f[3]), readSectors: Number(f[5]), writes: Number(f[7]), writtenSectors: Number(f[9]) });
  }
  return out;
}

/** Whole disks worth showing: not loop, RAM, zram or optical devices (partitions are not in /sys/block). */
export function isInterestingDisk(name: string): boolean {
  return !/^(loop|ram|zram|sr|fd)\d*$/.test(name);
}

export interface NetCounters {
  iface: string;
  rxBytes: number;
  txBytes: number;
}

/** /proc/net/dev, without the loopback interface. */
export function parseNetDev(text: string): Map<string, NetCounters> {
  const out = new Map<string, NetCounters>();
  for (const line of text.split('\n')) {
    const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    if (f.length < 9) continue;
    out.set(m[1]!, { iface: m[1]!, rxBytes: f[0]!, txBytes: f[8]! });
  }
  return out;
}
