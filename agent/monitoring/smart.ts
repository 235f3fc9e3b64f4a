// SMART health of the machine's disks from smartmontools' `smartctl --json`: a scan for
// devices, then the overall health, temperature and power-on hours of each. smartctl is run
// with execFile and an argv array (never a shell), read-only, at a slow interval (SMART data
// changes over hours). Reading disks needs root (or the disk group); as the agent's user it
// usually cannot, and says so in the report. DESIGN: this belongs behind the privileged
// helper's catalogue (a read-only `smart-report` command) once the helper exists.

import { execFile } from 'node:child_process';
import type { SmartDevice, SmartReport } from '../../ui/shared/api-types.js';

/** smartctl(8) EXIT STATUS bit 3: "SMART status check returned DISK FAILING". */
const EXIT_DISK_FAILING = 1 << 3;

/** Runs a program without a shell; resolves with its stdout whatever its exit status. */
export type RunProgram = (file: string, args: string[], timeoutMs: number) => Promise<{ stdout: string; exitCode: number }>;

export const runProgram: RunProgram = (file, args, timeoutMs) => new Promise((resolve, reject) => {
  execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } }, (err, stdout) => {
    if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') { reject(err); return; }
    if (err && typeof (err as { code?: unknown }).code !== 'number') { reject(err); return; }
    resolve({ stdout: String(stdout), exitCode: err ? Number((err as { code?: unknown }).code) : 0 });
  });
});

interface ScanJson { devices?: { name?: unknown; type?: unknown }[] }

/** Devices from `smartctl --json --scan`, only names and types that are safe as argv words. */
export function parseSmartScan(json: unknown): { name: string; type: string | null }[] {
  const devices = (json as ScanJson | null)?.devices;
  if (!Array.isArray(devices)) return [];
  const out: { name: string; type: string | null }[] = [];
  for (const d of devices) {
    if (typeof d.name !== 'string' || !/^\/dev\/[A-Za-z0-9/_.-]+$/.test(d.name)) continue;
    const type = typeof d.type === 'string' && /^[A-Za-z0-9,_+-]+$/.test(d.type) ? d.type : null;
    out.push({ name: d.name, type });
  }
  return out;
}

interface DeviceJson {
  smartctl?: { exit_status?: unknown; messages?: { string?: unknown }[] };
  device?: { type?: unknown };
  model_name?: unknown;
  model_family?: unknown;
  serial_number?: unknown;
  smart_status?: { passed?: unknown };
  temperature?: { current?: unknown };
  power_on_time?: { hours?: unknown };
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** One device from `smartctl --json --info --health --attributes DEVICE`. */
export function parseSmartDevice(name: string, json: unknown, exitCode: number): SmartDevice {
  const j = (json ?? {}) as DeviceJson;
  const exitStatus = num(j.smartctl?.exit_status) ?? exitCode;
  const reported = j.smart_status?.passed;
  let passed: boolean | null = typeof reported === 'boolean' ? reported : null;
  if (exitStatus & EXIT_DISK_FAILING) passed = false;
  return {
    device: name,
    type: str(j.device?.type),
    model: str(j.model_name) ?? str(j.model_family),
    serial: str(j.serial_number),
    passed,
    temperature: num(j.temperature?.current),
    powerOnHours: num(j.power_on_time?.hours),
    exitStatus,
    messages: (j.smartctl?.messages ?? []).map((m) => str(m.string)).filter((m): m is string => m !== null),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface SmartReaderOptions {
  run?: RunProgram;
  binary?: string;
  timeoutMs?: number;
  now?: () => Date;
}

export function createSmartReader(options: SmartReaderOptions = {}): () => Promise<SmartReport> {
  const run = options.run ?? runProgram;
  const binary = options.binary ?? 'smartctl';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? (() => new Date());
  return async () => {
    const checkedAt = now().toISOString();
    let scan: { stdout: string; exitCode: number };
    try {
      scan = await run(binary, ['--json', '--scan'], timeoutMs);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      return { checkedAt, available: false, error: missing ? 'smartctl is not installed (smartmontools)' : `smartctl failed: ${(err as Error).message}`, devices: [] };
    }
    const devices: SmartDevice[] = [];
    for (const d of parseSmartScan(parseJson(scan.stdout))) {
      const args = ['--json', '--info', '--health', '--attributes', ...(d.type ? ['-d', d.type] : []), d.name];
      try {
        const res = await run(binary, args, timeoutMs);
        devices.push(parseSmartDevice(d.name, parseJson(res.stdout), res.exitCode));
      } catch (err) {
        devices.push({ device: d.name, type: d.type, model: null, serial: null, passed: null, temperature: null, powerOnHours: null, exitStatus: -1, messages: [(err as Error).message] });
      }
    }
    return { checkedAt, available: true, error: null, devices };
  };
}
