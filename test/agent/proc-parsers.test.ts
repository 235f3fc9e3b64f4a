// The kernel text formats the hardware probe reads, with fixtures copied from real machines'
// layouts, and the md RAID and SMART parsers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuUsage, isInterestingDisk, parseDiskstats, parseMeminfo, parseMounts, parseNetDev, parseProcStat } from '../../agent/monitoring/proc-parsers.js';
import { parseMdstat } from '../../agent/monitoring/mdstat.js';

test('/proc/stat: aggregate and per-core, busy excludes idle and iowait', () => {
  const a = parseProcStat('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 20 400 20 0 0 0 0 0\ncpu1 40 0 30 400 30 0 0 0 0 0\nintr 1 2 3\n')!;
  const b = parseProcStat('cpu  200 0 100 1600 100 0 0 0 0 0\ncpu0 160 0 20 420 20 0 0 0 0 0\ncpu1 40 0 80 1180 80 0 0 0 0 0\n')!;
  assert.deepEqual(a.all, { busy: 150, total: 1000 });
  assert.equal(a.cores.length, 2);
  assert.equal(cpuUsage(a.all, b.all), 15);
  assert.equal(cpuUsage(a.cores[0], b.cores[0]), (100 / 120) * 100);
  assert.equal(cpuUsage(undefined, b.all), 0);
  assert.equal(parseProcStat('nothing here'), null);
});

test('/proc/meminfo in bytes; without MemAvailable the estimate is free + cache', () => {
  const m = parseMeminfo('MemTotal:       24684096 kB\nMemFree:        19926948 kB\nMemAvailable:   23230416 kB\nBuffers: 1 kB\nSwapTotal:  1024 kB\nSwapFree:  512 kB\n');
  assert.deepEqual(m, { total: 24684096 * 1024, available: 23230416 * 1024, swapTotal: 1024 * 1024, swapFree: 512 * 1024 });
  assert.equal(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nCached: 20 kB\nBuffers: 5 kB\n').available, 35 * 1024);
});

test('/proc/self/mounts: disk file systems only, each device once, octal escapes undone', () => {
  const text = [
    'proc /proc proc rw,relatime 0 0',
    '/dev/vda / ext4 rw,relatime 0 0',
    'tmpfs /dev/shm tmpfs rw 0 0',
    '/dev/vdb1 /var/lib/mailroom xfs rw 0 0',
    '/dev/vdb1 /srv/bind xfs rw 0 0',
    '/dev/sdc1 /mnt/with\\040space vfat rw 0 0',
    'overlay /var/lib/docker/x overlay rw 0 0',
  ].join('\n');
  assert.deepEqual(parseMounts(text), [
    { device: '/dev/vda', mount: '/', fsType: 'ext4' },
    { device: '/dev/vdb1', mount: '/var/lib/mailroom', fsType: 'xfs' },
    { device: '/dev/sdc1', mount: '/mnt/with space', fsType: 'vfat' },
  ]);
});

test('/proc/diskstats and which disks count', () => {
  const d = parseDiskstats(' 254       0 vda 377467 54085 9470482 328790 3748469 403241 68316296 993712 0 564564 1629314\n   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0\n');
  assert.deepEqual(d.get('vda'), { device: 'vda', reads: 377467, readSectors: 9470482, writes: 3748469, writtenSectors: 68316296 });
  assert.deepEqual(['vda', 'sda', 'nvme0n1', 'md0', 'loop3', 'zram0', 'ram1', 'sr0'].filter(isInterestingDisk), ['vda', 'sda', 'nvme0n1', 'md0']);
});

test('/proc/net/dev without loopback', () => {
  const text = 'Inter-|   Receive |  Transmit\n face |bytes packets|bytes\n    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n  eth0: 912707020   53343    0    0    0     0          0         0 10576586   91788    0    0    0     0       0          0\n';
  assert.deepEqual([...parseNetDev(text).values()], [{ iface: 'eth0', rxBytes: 912707020, txBytes: 10576586 }]);
});

test('/proc/mdstat: healthy, degraded with a failed member and a recovery, inactive', () => {
  const text = [
    'Personalities : [raid1] [raid6] [raid5] [raid4]',
    'md1 : active raid1 sdb2[1] sda2[0](F)',
    '      1046528 blocks super 1.2 [2/1] [_U]',
    '      [==>..................]  recovery = 12.6% (132096/1046528) finish=0.3min speed=44032K/sec',
    '',
    'md0 : active raid5 sdd1[3] sdc1[2] sdb1[1] sda1[0] sde1[4](S)',
    '      3142656 blocks super 1.2 level 5, 512k chunk, algorithm 2 [4/4] [UUUU]',
    '',
    'md127 : inactive sdf[0](S)',
    '      976631512 blocks super 1.2',
    '',
    'unused devices: <none>',
  ].join('\n');
  const arrays = parseMdstat(text);
  assert.deepEqual(arrays.map((a) => [a.name, a.state, a.level, a.degraded]), [['md1', 'active', 'raid1', true], ['md0', 'active', 'raid5', false], ['md127', 'inactive', null, true]]);
  assert.deepEqual(arrays[0]!.devices, [{ name: 'sdb2', role: 'active' }, { name: 'sda2', role: 'failed' }]);
  assert.deepEqual([arrays[0]!.expected, arrays[0]!.working], [2, 1]);
  assert.deepEqual(arrays[0]!.sync, { action: 'recovery', percent: 12.6 });
  assert.equal(arrays[1]!.devices.find((d) => d.name === 'sde1')!.role, 'spare');
  assert.deepEqual(parseMdstat(''), []);
});
