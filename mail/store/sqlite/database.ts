// Opens the embedded metadata database (DIR/mailroom.db) with the durability the store promises:
// WAL journal, synchronous=FULL (a committed transaction survives power loss), foreign keys on.
// Each component keeps its own schema steps; migrate() applies the ones not yet applied.

import Database from 'better-sqlite3';

export type Db = Database.Database;

/** The metadata database's file name inside the data directory. */
export const DATABASE_FILE = 'mailroom.db';

export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: options.readonly ?? false });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
  }
  db.pragma('synchronous = FULL');
  // Statement journals (each delivery's SAVEPOINT in a group commit keeps the pages it changes,
  // so that a failed delivery rolls back alone) and temporary sort trees stay in memory. On disk
  // they were a new file in /var/tmp per batch once a batch passed 64 KiB, about 10 writes and
  // 30 KB per delivered message, for data no one reads after the transaction. Durability is the
  // WAL's, not theirs.
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  // A CLI command and the daemon may write at once; wait for the other instead of failing.
  db.pragma('busy_timeout = 10000');
  return db;
}

/**
 * Applies the schema steps of one component that are still pending, in order, in one
 * transaction (all of them or none), and records how many have been applied. Steps are
 * append-only: never edit one that has shipped.
 * One transaction, not one per step: each commit is an fsync, and a fresh database (the
 * appliance's first boot) takes every step of every component before mail can start; under
 * software emulation each fsync is tens of milliseconds.
 */
export function migrate(db: Db, component: string, steps: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const version = db.prepare('SELECT version FROM schema_version WHERE component = ?').pluck();
  if (((version.get(component) as number | undefined) ?? 0) >= steps.length) return;
  db.transaction(() => {
    // Read again inside the write lock: another process may have migrated meanwhile.
    const applied = (version.get(component) as number | undefined) ?? 0;
    if (applied >= steps.length) return;
    for (let i = applied; i < steps.length; i++) db.exec(steps[i]!);
    db.prepare('INSERT INTO schema_version (component, version) VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version').run(component, steps.length);
  }).immediate();
}
