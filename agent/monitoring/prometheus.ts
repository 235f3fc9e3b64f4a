// The Prometheus text exposition format (version 0.0.4) of what the agent knows: the latest
// hardware sample, SMART and RAID health, the alerts, and the mail daemon's counters. Rates are
// exported as gauges of the agent's own computation (bytes per second over the sampling
// interval), which is what the panel shows too.

import type { Alert, MailStats, MetricsSample, RaidArray, SmartReport } from '../../ui/shared/api-types.js';

export interface PrometheusInput {
  sample: MetricsSample | null;
  smart: SmartReport;
  raid: RaidArray[];
  alerts: Alert[];
  mailDaemonUp: boolean;
  mail: MailStats | null;
  process: { residentBytes: number; cpuSeconds: number };
}

/** Label values escape backslash, double quote and newline. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter', help: string, samples: { labels?: Record<string, string>; value: number }[]): void {
    if (samples.length === 0) return;
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const s of samples) {
      const labels = s.labels && Object.keys(s.labels).length > 0
        ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${label(v)}"`).join(',')}}`
        : '';
      this.lines.push(`${name}${labels} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}

export function renderPrometheus(input: PrometheusInput): string {
  const e = new Exposition();
  const s = input.sample;
  if (s) {
    e.family('mailroom_cpu_usage_ratio', 'gauge', 'Busy share of the CPUs (0-1) over the last sampling interval.', [
      { labels: { cpu: 'all' }, value: s.cpu.usage / 100 },
      ...s.cpu.cores.map((v, i) => ({ labels: { cpu: String(i) }, value: v / 100 })),
    ]);
    e.family('mailroom_load_average', 'gauge', 'Load averages.', ['1', '5', '15'].map((m, i) => ({ labels: { minutes: m }, value: s.cpu.load[i]! })));
    e.family('mailroom_memory_bytes', 'gauge', 'Memory by kind.', [
      { labels: { kind: 'total' }, value: s.memory.total }, { labels: { kind: 'used' }, value: s.memory.used }, { labels: { kind: 'available' }, value: s.memory.available },
    ]);
    e.family('mailroom_swap_bytes', 'gauge', 'Swap by kind.', [{ labels: { kind: 'total' }, value: s.memory.swapTotal }, { labels: { kind: 'used' }, value: s.memory.swapUsed }]);
    const fs = (d: MetricsSample['disks'][number]) => ({ mount: d.mount, device: d.device, fstype: d.fsType });
    e.family('mailroom_filesystem_size_bytes', 'gauge', 'File system size.', s.disks.map((d) => ({ labels: fs(d), value: d.size })));
    e.family('mailroom_filesystem_used_bytes', 'gauge', 'File system space used.', s.disks.map((d) => ({ labels: fs(d), value: d.used })));
    e.family('mailroom_filesystem_avail_bytes', 'gauge', 'File system space available to non-root users.', s.disks.map((d) => ({ labels: fs(d), value: d.available })));
    e.family('mailroom_disk_read_bytes_per_second', 'gauge', 'Disk reads over the last sampling interval.', s.diskIo.map((d) => ({ labels: { device: d.device }, value: d.readBytesPerSec })));
    e.family('mailroom_disk_written_bytes_per_second', 'gauge', 'Disk writes over the last sampling interval.', s.diskIo.map((d) => ({ labels: { device: d.device }, value: d.writeBytesPerSec })));
    e.family('mailroom_network_receive_bytes_per_second', 'gauge', 'Bytes received over the last sampling interval.', s.network.map((n) => ({ labels: { iface: n.iface }, value: n.rxBytesPerSec })));
    e.family('mailroom_network_transmit_bytes_per_second', 'gauge', 'Bytes sent over the last sampling interval.', s.network.map((n) => ({ labels: { iface: n.iface }, value: n.txBytesPerSec })));
    e.family('mailroom_temperature_celsius', 'gauge', 'Temperature sensors.', s.temperatures.map((t) => ({ labels: { sensor: t.sensor }, value: t.celsius })));
    e.family('mailroom_uptime_seconds', 'gauge', 'Seconds since boot.', [{ value: s.uptime }]);
  }
  e.family('mailroom_smart_healthy', 'gauge', 'SMART overall health: 1 passed, 0 failing (devices that could not be read are left out).',
    input.smart.devices.filter((d) => d.passed !== null).map((d) => ({ labels: { device: d.device }, value: d.passed ? 1 : 0 })));
  e.family('mailroom_raid_degraded', 'gauge', 'md RAID arrays: 1 degraded, 0 healthy.', input.raid.map((a) => ({ labels: { array: a.name }, value: a.degraded ? 1 : 0 })));
  e.family('mailroom_alert_firing', 'gauge', 'Alerts firing now.', input.alerts.map((a) => ({ labels: { alert: a.id, severity: a.severity }, value: 1 })));
  e.family('mailroom_mail_daemon_up', 'gauge', 'Whether the mail daemon answers on its control socket.', [{ value: input.mailDaemonUp ? 1 : 0 }]);
  if (input.mail) {
    e.family('mailroom_queue_messages', 'gauge', 'Messages in the outbound queue.', [{ value: input.mail.queue.messages }]);
    e.family('mailroom_queue_deferred_recipients', 'gauge', 'Recipients deferred in the outbound queue.', [{ value: input.mail.queue.deferred }]);
    e.family('mailroom_mail_today', 'gauge', 'Mail counted since the start of the day (resets at midnight and with the mail daemon).',
      (['received', 'submitted', 'delivered', 'deferred', 'failed', 'bounced', 'refused'] as const).map((k) => ({ labels: { kind: k }, value: input.mail![k] })));
  }
  e.family('mailroom_agent_resident_memory_bytes', 'gauge', 'Resident memory of the agent process.', [{ value: input.process.residentBytes }]);
  e.family('mailroom_agent_cpu_seconds_total', 'counter', 'CPU time the agent process has used.', [{ value: input.process.cpuSeconds }]);
  return e.toString();
}
