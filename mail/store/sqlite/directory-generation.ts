// A counter that moves whenever anything an RCPT TO or a delivery looks up changes: domains,
// users, aliases, forwarders, lists and Sieve scripts. Triggers bump it in the same transaction
// as the change, whoever makes it (the daemon, a CLI command in another process, a restore), so
// a reader that sees the same value as before knows that its earlier answers still hold.
//
// Why: every message costs the daemon's main thread about ten small queries against these
// tables (the recipient, its domain and quota, a list or forwarder of that name, the active Sieve
// script), twice for some, and that thread is what bounds how many connections a second it
// serves. With the counter, a lookup is one read of one row and a Map hit.
//
// A cached answer is served only while the counter still reads the value it was loaded under; a
// change commits its bump atomically with itself, so an answer loaded before a change is never
// served after the change is visible. (An answer loaded just after a change but filed under the
// older value is fresher, not staler, and goes at the next read.)

import type { Statement } from 'better-sqlite3';
import { migrate, type Db } from './database.js';
import { migrateDirectory } from './directory-schema.js';
import { migrateForwards } from './forward-schema.js';
import { migrateLists } from './list-schema.js';
import { migrateSieve } from './sieve-schema.js';

function bumpOn(table: string): string {
  return ['INSERT', 'UPDATE', 'DELETE'].map((op) => `
  CREATE TRIGGER directory_generation_${table}_${op.toLowerCase()} AFTER ${op} ON ${table}
  BEGIN
    UPDATE directory_generation SET value = value + 1 WHERE id = 1;
  END;`).join('');
}

// Append-only, like every schema's steps. A new table that RCPT TO or delivery reads through a
// GenerationCache needs a new step with bumpOn(that table).
const STEPS: readonly string[] = [
  `
  CREATE TABLE directory_generation (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
  INSERT INTO directory_generation (id, value) VALUES (1, 0);
  ${['domains', 'users', 'aliases', 'alias_targets', 'forwards', 'forward_targets', 'lists', 'list_senders', 'sieve_scripts'].map(bumpOn).join('\n')}
  `,
];

export function migrateDirectoryGeneration(db: Db): void {
  // The triggers name the other components' tables: they must exist first (each is idempotent).
  migrateDirectory(db);
  migrateForwards(db);
  migrateLists(db);
  migrateSieve(db);
  migrate(db, 'directory-generation', STEPS);
}

/** The counter of one database connection; one per connection, shared by its caches. */
export class DirectoryGeneration {
  private readonly read: Statement;

  constructor(db: Db) {
    migrateDirectoryGeneration(db);
    this.read = db.prepare('SELECT value FROM directory_generation WHERE id = 1').pluck();
  }

  current(): number {
    return this.read.get() as number;
  }
}

const generations = new WeakMap<Db, DirectoryGeneration>();

/** The connection's counter (created, and its schema migrated, on first use). */
export function directoryGeneration(db: Db): DirectoryGeneration {
  let g = generations.get(db);
  if (!g) {
    g = new DirectoryGeneration(db);
    generations.set(db, g);
  }
  return g;
}

/** More entries than this and the cache starts over: a bound against lookups of made-up addresses. */
const MAX_ENTRIES = 10_000;

/**
 * Answers by key, kept while the directory generation stays the same. Values are shared between
 * callers, so they are frozen (a caller that changed one would change it for the next).
 */
export class GenerationCache<V> {
  private entries = new Map<string, V>();
  private loadedAt = -1;

  constructor(private readonly generation: DirectoryGeneration) {}

  get(key: string, load: () => V): V {
    const now = this.generation.current();
    if (now !== this.loadedAt) {
      this.entries = new Map();
      this.loadedAt = now;
    }
    if (this.entries.has(key)) return this.entries.get(key) as V;
    const value = deepFreeze(load());
    if (this.entries.size >= MAX_ENTRIES) this.entries = new Map();
    this.entries.set(key, value);
    return value;
  }
}

function deepFreeze<V>(value: V): V {
  // (Byte arrays cannot be frozen; nothing cached here holds one, and it would stay as it is.)
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value as object)) deepFreeze(member);
  }
  return value;
}
