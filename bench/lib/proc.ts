// Process and socket helpers for the benchmarks: free loopback ports, waiting for a listener,
// and walking a process tree through /proc to measure its memory.

import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on 127.0.0.1:port and greets with 220. */
export async function waitForSmtp(port: number, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`server exited before listening on port ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect({ host: '127.0.0.1', port });
      let buf = '';
      const done = (v: boolean, why?: string) => { if (why) lastErr = why; sock.destroy(); resolve(v); };
      sock.setTimeout(2000, () => done(false, 'timeout'));
      sock.on('data', (d) => {
        buf += d.toString('latin1');
        if (buf.includes('\n')) {
          if (buf.startsWith('220')) { sock.end('QUIT\r\n'); resolve(true); } else done(false, `greeting: ${buf.trim()}`);
        }
      });
      sock.on('error', (e) => done(false, e.message));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing answered SMTP on 127.0.0.1:${port} within ${timeoutMs} ms (${lastErr})`);
}

/** The last lines of a log file, for error messages; '(no log)' when it cannot be read. */
export function tailFile(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface ProcInfo { pid: number; ppid: number; comm: string }

function listProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      // comm is in parentheses and may hold spaces; fields after the last ')' are fixed.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const rest = stat.slice(close + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]), comm });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

/** The process `root` and all its descendants (pids), or, if `rootComm` is given, the subtree under
 * the first descendant whose command name is `rootComm` (Postfix's `master`, not the shell above it). */
export function processTree(root: number, rootComm?: string): ProcInfo[] {
  const procs = listProcs();
  const children = new Map<number, ProcInfo[]>();
  for (const p of procs) {
    const list = children.get(p.ppid);
    if (list) list.push(p); else children.set(p.ppid, [p]);
  }
  const self = procs.find((p) => p.pid === root);
  if (!self) return [];
  const collect = (start: ProcInfo): ProcInfo[] => {
    const acc: ProcInfo[] = [];
    const stack = [start];
    while (stack.length) {
      const p = stack.pop()!;
      acc.push(p);
      for (const c of children.get(p.pid) ?? []) stack.push(c);
    }
    return acc;
  };
  const all = collect(self);
  if (!rootComm) return all;
  const top = all.find((p) => p.comm === rootComm);
  return top ? collect(top) : [];
}

/** Resident and proportional set sizes of one process, in bytes (0 if it is gone). */
export function memoryOf(pid: number): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    if (m) rss = Number(m[1]) * 1024;
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
    const p = /^Pss:\s+(\d+) kB/m.exec(rollup);
    if (p) pss = Number(p[1]) * 1024;
  } catch {
    // gone
  }
  return { rss, pss };
}

/** Samples the summed memory of a process tree every `intervalMs` and keeps the peaks. */
export class MemorySampler {
  peakRss = 0;
  peakPss = 0;
  peakProcs = 0;
  samples = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly root: () => number | null, private readonly rootComm?: string, private readonly intervalMs = 100) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  /** Forgets the peaks, so each measured phase has its own. */
  reset(): void {
    this.peakRss = 0;
    this.peakPss = 0;
    this.peakProcs = 0;
    this.samples = 0;
  }

  private sample(): void {
    const root = this.root();
    if (root === null) return;
    const tree = processTree(root, this.rootComm);
    let rss = 0;
    let pss = 0;
    for (const p of tree) {
      const m = memoryOf(p.pid);
      rss += m.rss;
      pss += m.pss;
    }
    this.samples++;
    if (rss > this.peakRss) this.peakRss = rss;
    if (pss > this.peakPss) this.peakPss = pss;
    if (tree.length > this.peakProcs) this.peakProcs = tree.length;
  }
}
