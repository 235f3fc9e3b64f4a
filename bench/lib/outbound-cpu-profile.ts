// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by area
// (our code by directory, each npm package, node's internals, GC, idle) and the functions with
// the most self and inclusive time. Used by `bench/outbound.ts --cpu-prof` on the Mailroom daemon.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by area, largest first. */
  areas: { area: string; ms: number }[];
  /** Self time by function, largest first. */
  self: { fn: string; ms: number }[];
  /** Inclusive time by function of our own tree (dist/mail, dist/core), largest first. */
  inclusive: { fn: string; ms: number }[];
}

function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return `npm:${nm[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/dist[^/]*\/((?:mail|core|cli)\/[^/]+(?:\/[^/]+)?)\//.exec(url);
  if (own) return own[1]!;
  const ownFile = /\/dist[^/]*\/((?:mail|core|cli))\//.exec(url);
  if (ownFile) return ownFile[1]!;
  return url.replace(/^file:\/\//, '');
}

function fnName(n: ProfileNode): string {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^file:\/\//, '').replace(/^.*\/(dist[^/]*|node_modules)\//, '$1/') : '';
  return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`.trim();
}

export function summarizeCpuProfile(file: string, top = 20): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    // timeDeltas[i] is the time before sample i; attribute the time after it to the sample (as
    // DevTools does) by shifting one place.
    const dt = prof.timeDeltas[i + 1] ?? 0;
    const id = prof.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const areas = new Map<string, number>();
  const selfFn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const a = areaOf(n.callFrame.url, n.callFrame.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const f = fnName(n);
    selfFn.set(f, (selfFn.get(f) ?? 0) + us);
  }
  // Inclusive time: walk from the root, each function counted once per stack (recursion).
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!/\/dist[^/]*\/(mail|core)\//.test(n.callFrame.url)) continue;
      const f = fnName(n);
      if (seen.has(f)) continue;
      seen.add(f);
      inclusive.set(f, (inclusive.get(f) ?? 0) + us);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  return {
    totalMs: totalUs / 1000,
    areas: sorted(areas).slice(0, top).map(([area, us]) => ({ area, ms: us / 1000 })),
    self: sorted(selfFn).slice(0, top).map(([fn, us]) => ({ fn, ms: us / 1000 })),
    inclusive: sorted(inclusive).slice(0, top).map(([fn, us]) => ({ fn, ms: us / 1000 })),
  };
}

export function formatProfileSummary(s: ProfileSummary): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
  const rows = (xs: { ms: number; label: string }[]) => xs.map((x) => `  ${x.ms.toFixed(0).padStart(7)} ms ${pct(x.ms).padStart(6)}  ${x.label}`);
  return [
    `profile: ${(s.totalMs / 1000).toFixed(1)} s sampled on the main thread`,
    'self time by area:',
    ...rows(s.areas.map((a) => ({ ms: a.ms, label: a.area }))),
    'self time by function:',
    ...rows(s.self.map((a) => ({ ms: a.ms, label: a.fn }))),
    'inclusive time, our functions:',
    ...rows(s.inclusive.map((a) => ({ ms: a.ms, label: a.fn }))),
  ].join('\n');
}
