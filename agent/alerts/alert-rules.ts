// Which alert conditions hold, from what the agent observed. Pure: observations and thresholds
// in, the firing conditions out. Each condition has a stable id, so the engine can tell a new
// problem from one that is still there.

import type { AlertKind, DiskUsage, QueueSummary, RaidArray, SmartReport } from '../../ui/shared/api-types.js';

export interface AlertCondition {
  id: string;
  kind: AlertKind;
  severity: 'warning' | 'critical';
  message: string;
}

export interface AlertThresholds {
  diskPercent: number;
  queueBacklog: number;
  certificateDays: number;
}

/**
 * What was observed; a field left undefined was not observed this time (the mail daemon did
 * not answer, no sample yet), and the alerts of its kind keep their state.
 */
export interface AlertObservations {
  disks?: DiskUsage[];
  smart?: SmartReport;
  raid?: RaidArray[];
  /** null: the daemon did not answer, so the queue is unknown. */
  queue?: QueueSummary | null;
  certificate?: { validTo: Date } | { error: string };
  mailDaemonUp?: boolean;
  now: Date;
}

/** A file system this full is critical whatever the configured threshold. */
const DISK_CRITICAL_PERCENT = 95;
const DAY_MS = 86_400_000;

export function evaluateAlerts(o: AlertObservations, t: AlertThresholds): { evaluated: Set<AlertKind>; firing: AlertCondition[] } {
  const evaluated = new Set<AlertKind>();
  const firing: AlertCondition[] = [];
  if (o.disks) {
    evaluated.add('disk');
    for (const d of o.disks) {
      if (d.usedPercent <= t.diskPercent) continue;
      firing.push({
        id: `disk:${d.mount}`, kind: 'disk', severity: d.usedPercent >= DISK_CRITICAL_PERCENT ? 'critical' : 'warning',
        message: `file system ${d.mount} (${d.device}) is ${Math.round(d.usedPercent)}% full (alert above ${t.diskPercent}%)`,
      });
    }
  }
  if (o.smart) {
    evaluated.add('smart');
    for (const d of o.smart.devices) {
      if (d.passed !== false) continue;
      firing.push({ id: `smart:${d.device}`, kind: 'smart', severity: 'critical', message: `disk ${d.device}${d.model ? ` (${d.model})` : ''} reports SMART health FAILING: replace it` });
    }
  }
  if (o.raid) {
    evaluated.add('raid');
    for (const a of o.raid) {
      if (!a.degraded) continue;
      const failed = a.devices.filter((d) => d.role === 'failed').map((d) => d.name);
      firing.push({
        id: `raid:${a.name}`, kind: 'raid', severity: 'critical',
        message: `RAID array ${a.name} is degraded${a.working !== null && a.expected !== null ? ` (${a.working} of ${a.expected} members working)` : ''}${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
      });
    }
  }
  if (o.queue !== undefined && o.queue !== null) {
    evaluated.add('queue');
    if (o.queue.messages > t.queueBacklog) {
      firing.push({ id: 'queue:backlog', kind: 'queue', severity: 'warning', message: `${o.queue.messages} messages are waiting in the outbound queue (alert above ${t.queueBacklog})` });
    }
  }
  if (o.certificate) {
    evaluated.add('certificate');
    if ('error' in o.certificate) {
      firing.push({ id: 'certificate:tls', kind: 'certificate', severity: 'warning', message: `the TLS certificate cannot be read: ${o.certificate.error}` });
    } else {
      const days = (o.certificate.validTo.getTime() - o.now.getTime()) / DAY_MS;
      if (days < t.certificateDays) {
        firing.push({
          id: 'certificate:tls', kind: 'certificate', severity: days <= 0 ? 'critical' : 'warning',
          message: days <= 0 ? `the TLS certificate expired on ${o.certificate.validTo.toISOString().slice(0, 10)}` : `the TLS certificate expires in ${Math.floor(days)} day(s), on ${o.certificate.validTo.toISOString().slice(0, 10)}`,
        });
      }
    }
  }
  if (o.mailDaemonUp !== undefined) {
    evaluated.add('service');
    if (!o.mailDaemonUp) firing.push({ id: 'service:mail', kind: 'service', severity: 'critical', message: 'the mail daemon does not answer on its control socket (mailroom-mail.service down?)' });
  }
  return { evaluated, firing };
}
