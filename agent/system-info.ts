// GET /api/v1/system: what the machine is and how it is doing, from the monitor's latest
// sample, SMART and RAID state, and whether the mail daemon answers.

import os from 'node:os';
import type { MailControl } from '../mail/control/control-client.js';
import type { SystemInfo } from '../ui/shared/api-types.js';
import type { MonitoringView } from '../ui/server/deps.js';

export interface SystemInfoSource {
  hostname: string;
  version: string;
  /** PRETTY_NAME of /etc/os-release, read once at start. */
  osName: string;
  monitoring: MonitoringView;
  control: Pick<MailControl, 'health'>;
}

export async function systemInfo(src: SystemInfoSource): Promise<SystemInfo> {
  const sample = src.monitoring.latest();
  const cpus = os.cpus();
  const daemon = await src.control.health().catch(() => null);
  return {
    hostname: src.hostname,
    versions: { mailroom: src.version, node: process.version, os: src.osName, kernel: os.release(), mailDaemon: daemon?.version ?? null },
    uptime: sample?.uptime ?? Math.round(os.uptime()),
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length, usage: sample?.cpu.usage ?? null, cores: sample?.cpu.cores ?? [], load: sample?.cpu.load ?? null },
    memory: sample?.memory ?? null,
    disks: sample?.disks ?? [],
    temperatures: sample?.temperatures ?? [],
    smart: src.monitoring.smart(),
    raid: src.monitoring.raid(),
    mailDaemon: { up: daemon !== null, uptime: daemon?.uptime ?? null },
    sampledAt: sample ? new Date(sample.time).toISOString() : null,
  };
}

/** PRETTY_NAME from an os-release file's text. */
export function osPrettyName(osRelease: string): string {
  const m = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(osRelease);
  return (m?.[1] ?? m?.[2] ?? `${os.type()} ${os.release()}`).trim();
}
