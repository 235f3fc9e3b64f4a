// md software RAID state from /proc/mdstat (absent when the md driver is not loaded: no
// arrays). Pure parser; the monitor reads the file.
//
//   md0 : active raid1 sdb1[1] sda1[0](F)
//         1046528 blocks super 1.2 [2/1] [_U]
//         [==>..................]  recovery = 12.6% (132096/1046528) finish=0.3min speed=44032K/sec

import type { RaidArray } from '../../ui/shared/api-types.js';

export function parseMdstat(text: string): RaidArray[] {
  const arrays: RaidArray[] = [];
  let current: RaidArray | null = null;
  for (const line of text.split('\n')) {
    const head = /^(md\S*)\s*:\s*(\S+)\s*(.*)$/.exec(line);
    if (head) {
      const words = head[3]!.trim().split(/\s+/).filter(Boolean);
      // "active (auto-read-only) raid1 ..." : the level is the first word that is not in parentheses.
      const rest = words.filter((w) => !/^\(.*\)$/.test(w));
      const level = rest[0] && /^(raid\d+|linear|multipath|faulty)$/.test(rest[0]) ? rest.shift()! : null;
      current = {
        name: head[1]!, state: head[2]!, level,
        devices: rest.map((d) => {
          const m = /^([^[]+)\[\d+\](\((\w)\))?$/.exec(d);
          const flag = m?.[3];
          return { name: m ? m[1]! : d, role: flag === 'F' ? 'failed' as const : flag === 'S' ? 'spare' as const : 'active' as const };
        }),
        expected: null, working: null, degraded: false, sync: null,
      };
      arrays.push(current);
      continue;
    }
    if (!current) continue;
    const counts = /\[(\d+)\/(\d+)\]\s*\[([U_]+)\]/.exec(line);
    if (counts) {
      current.expected = Number(counts[1]);
      current.working = Number(counts[2]);
    }
    const sync = /(resync|recovery|reshape|check|repair)\s*=\s*([\d.]+)%/.exec(line);
    if (sync) current.sync = { action: sync[1]!, percent: Number(sync[2]) };
  }
  for (const a of arrays) {
    a.degraded = a.devices.some((d) => d.role === 'failed') || (a.expected !== null && a.working !== null && a.working < a.expected) || a.state === 'inactive';
  }
  return arrays;
}
