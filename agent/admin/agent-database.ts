// The agent's own SQLite file, DIR/agent.db: admin accounts (and later the agent's job
// history). Not the mail store's database: the agent never opens that. Created private (0600)
// because it holds password hashes and TOTP secrets; WAL with synchronous=FULL like the store.

import Database from 'better-sqlite3';
import { chmodSync, closeSync, openSync } from 'node:fs';

export type AgentDb = Database.Database;

export const AGENT_DATABASE_FILE = 'agent.db';

export function openAgentDatabase(file: string): AgentDb {
  // Create it with its final mode before SQLite does (SQLite copies the mode to -wal and -shm).
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // The CLI (`mailroom admin add`) and the running agent may write at once.
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Applies the not yet applied schema steps of one component, each in its own transaction. */
export function migrateAgentDatabase(db: AgentDb, component: string, steps: readonly string[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
  const row = db.prepare('SELECT version FROM schema_version WHERE component = ?').get(component) as { version: number } | undefined;
  for (let i = row?.version ?? 0; i < steps.length; i++) {
    db.transaction(() => {
      db.exec(steps[i]!);
      db.prepare('INSERT INTO schema_version (component, version) VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version').run(component, i + 1);
    }).immediate();
  }
}
