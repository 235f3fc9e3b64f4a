// The alerts' state: which are firing, since when, and the latest changes. update() compares
// the conditions firing now with the known state and reports each change once: raised, changed
// severity, resolved. A message that only changes in its numbers (91% -> 92%) is updated
// silently. Conditions of a kind that was not evaluated keep their state: a mail daemon that
// does not answer says nothing about the queue's backlog.

import type { Alert, AlertKind } from '../../ui/shared/api-types.js';
import { RingBuffer } from '../monitoring/ring-buffer.js';
import type { AlertCondition } from './alert-rules.js';

export type AlertChange = { change: 'raised' | 'escalated' | 'deescalated' | 'resolved'; alert: Alert };

export class AlertEngine {
  private readonly active = new Map<string, Alert>();
  private readonly history = new RingBuffer<Alert>(200);
  private readonly listeners = new Set<(change: AlertChange) => void>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  onChange(listener: (change: AlertChange) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Firing alerts, most severe first, then oldest first. */
  list(): Alert[] {
    return [...this.active.values()].sort((a, b) => (a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === 'critical' ? -1 : 1));
  }

  /** The latest changes, newest first. */
  recent(limit = 50): Alert[] {
    return this.history.toArray().reverse().slice(0, limit);
  }

  update(evaluated: ReadonlySet<AlertKind>, firing: readonly AlertCondition[]): AlertChange[] {
    const at = this.now().toISOString();
    const changes: AlertChange[] = [];
    const seen = new Set<string>();
    for (const c of firing) {
      seen.add(c.id);
      const known = this.active.get(c.id);
      if (!known) {
        const alert: Alert = { id: c.id, kind: c.kind, severity: c.severity, state: 'firing', message: c.message, since: at, resolvedAt: null };
        this.active.set(c.id, alert);
        changes.push({ change: 'raised', alert });
      } else if (known.severity !== c.severity) {
        const alert: Alert = { ...known, severity: c.severity, message: c.message };
        this.active.set(c.id, alert);
        changes.push({ change: c.severity === 'critical' ? 'escalated' : 'deescalated', alert });
      } else if (known.message !== c.message) {
        this.active.set(c.id, { ...known, message: c.message });
      }
    }
    for (const [id, alert] of this.active) {
      if (seen.has(id) || !evaluated.has(alert.kind)) continue;
      this.active.delete(id);
      changes.push({ change: 'resolved', alert: { ...alert, state: 'resolved', resolvedAt: at } });
    }
    for (const change of changes) {
      this.history.push(change.alert);
      for (const l of this.listeners) l(change);
    }
    return changes;
  }
}
