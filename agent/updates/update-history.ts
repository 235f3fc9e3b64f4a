// What the update machinery did, in the agent's database (DIR/agent.db, component "updates"):
// one row per attempt, bundle or apt, written as "running" when it starts and finished with its
// outcome, so an apply cut short (the machine lost power mid-way) still shows in the panel.

import { migrateAgentDatabase, type AgentDb } from '../admin/agent-database.js';

const STEPS = [
  `CREATE TABLE update_history (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL CHECK (kind IN ('bundle', 'apt')),
     trigger TEXT NOT NULL,
     started_at TEXT NOT NULL,
     finished_at TEXT,
     from_version TEXT,
     to_version TEXT,
     outcome TEXT NOT NULL,
     reason TEXT,
     changes TEXT
   )`,
];

/** running: not finished (or cut short); installed; rolled_back: installed, failed its health check, undone; refused: never installed; failed: an error mid-way. */
export type UpdateOutcome = 'running' | 'installed' | 'rolled_back' | 'refused' | 'failed' | 'nothing';

export interface PackageChange {
  package: string;
  from: string | null;
  to: string | null;
}

export interface UpdateRecord {
  id: number;
  kind: 'bundle' | 'apt';
  /** "cli:root", "panel:alice", "window". */
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  fromVersion: string | null;
  toVersion: string | null;
  outcome: UpdateOutcome;
  reason: string | null;
  /** apt: the packages that changed. */
  changes: PackageChange[];
}

interface Row {
  id: number; kind: 'bundle' | 'apt'; trigger: string; started_at: string; finished_at: string | null;
  from_version: string | null; to_version: string | null; outcome: UpdateOutcome; reason: string | null; changes: string | null;
}

export class UpdateHistory {
  constructor(private readonly db: AgentDb, private readonly now: () => Date = () => new Date()) {
    migrateAgentDatabase(db, 'updates', STEPS);
  }

  start(entry: { kind: 'bundle' | 'apt'; trigger: string; fromVersion?: string | null; toVersion?: string | null }): number {
    const r = this.db.prepare(`INSERT INTO update_history (kind, trigger, started_at, from_version, to_version, outcome) VALUES (?, ?, ?, ?, ?, 'running')`)
      .run(entry.kind, entry.trigger, this.now().toISOString(), entry.fromVersion ?? null, entry.toVersion ?? null);
    return Number(r.lastInsertRowid);
  }

  finish(id: number, result: { outcome: Exclude<UpdateOutcome, 'running'>; reason?: string | null; toVersion?: string | null; changes?: PackageChange[] }): void {
    this.db.prepare(`UPDATE update_history SET finished_at = ?, outcome = ?, reason = ?, to_version = COALESCE(?, to_version), changes = ? WHERE id = ?`)
      .run(this.now().toISOString(), result.outcome, result.reason ?? null, result.toVersion ?? null, result.changes ? JSON.stringify(result.changes) : null, id);
  }

  /** Newest first. */
  recent(limit = 50): UpdateRecord[] {
    const rows = this.db.prepare('SELECT * FROM update_history ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({
      id: r.id, kind: r.kind, trigger: r.trigger, startedAt: r.started_at, finishedAt: r.finished_at,
      fromVersion: r.from_version, toVersion: r.to_version, outcome: r.outcome, reason: r.reason,
      changes: r.changes ? JSON.parse(r.changes) as PackageChange[] : [],
    }));
  }
}
