// CPU time of a process tree between two moments, from /proc/PID/stat: user + system time of every
// live process plus what each has collected from children it reaped (cutime + cstime). Postfix
// forks and reaps helpers (smtpd, cleanup, smtp, ...) as load comes and goes; counting the reaped
// time keeps their work in the sum after they exit. Resolution is the kernel's clock tick.

import { readFileSync } from 'node:fs';
import { processTree } from './proc.js';

/** Clock ticks per second; 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

function cpuTicksOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // Fields after the command name (which may hold spaces): state is field 3; utime 14, stime 15,
    // cutime 16, cstime 17 (1-based, per proc(5)).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14]);
  } catch {
    return 0; // gone meanwhile
  }
}

/** Seconds of CPU the tree under `root` (or under its `rootComm` descendant) has used so far. */
export function treeCpuSeconds(root: number | null, rootComm?: string): number {
  if (root === null) return 0;
  let ticks = 0;
  for (const p of processTree(root, rootComm)) ticks += cpuTicksOf(p.pid);
  return ticks / TICKS_PER_SECOND;
}

/**
 * Seconds of CPU one thread has used so far (its main thread when `tid` is left out), from
 * /proc/PID/task/TID/stat. Mailroom's event loop is one thread: what it spends per message bounds
 * the daemon's throughput whatever the other threads (commit worker, thread pool) do.
 */
export function threadCpuSeconds(pid: number | null, tid = pid): number {
  if (pid === null || tid === null) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
