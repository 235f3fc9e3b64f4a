// Sieve scripts and vacation tracking in the shared SQLite database (schema: sieve-schema.ts).
// Every change is one immediate transaction, so a CLI command and a ManageSieve session writing
// at once cannot leave two active scripts.

import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import type { SieveScriptInfo, SieveStore, UserId } from '../contracts.js';
import type { Db } from './database.js';
import { migrateSieve } from './sieve-schema.js';
import { directoryGeneration, GenerationCache } from './directory-generation.js';

export const MAX_SCRIPT_NAME_LENGTH = 128;

/** RFC 5804 section 1.6: a script name is UTF-8 without control characters; we also bound its length. */
export function checkScriptName(name: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (name === '' || name.length > MAX_SCRIPT_NAME_LENGTH || /[\x00-\x1f\x7f\u0080-\u009f\u2028\u2029]/.test(name)) {
    throw new InputError('sieve_name_invalid', `invalid script name ${JSON.stringify(name.slice(0, 200))}`);
  }
}

interface ScriptRow { name: string; source: string; active: number; updated_at: number }

export class SqliteSieveStore implements SieveStore {
  /** activeScript() runs for every delivered message: its statement is compiled once, its answers kept until a script changes. */
  private readonly activeScriptQuery;
  private readonly activeScripts: GenerationCache<{ name: string; source: string } | null>;

  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {
    migrateSieve(db);
    this.activeScriptQuery = db.prepare('SELECT name, source FROM sieve_scripts WHERE user_id = ? AND active = 1');
    this.activeScripts = new GenerationCache(directoryGeneration(db));
  }

  async putScript(userId: UserId, name: string, source: string, options: { maxScripts?: number } = {}): Promise<void> {
    checkScriptName(name);
    this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, name);
      if (!exists && options.maxScripts !== undefined) {
        const { n } = this.db.prepare('SELECT count(*) AS n FROM sieve_scripts WHERE user_id = ?').get(userId) as { n: number };
        if (n >= options.maxScripts) throw new InputError('sieve_too_many_scripts', `at most ${options.maxScripts} scripts per account`);
      }
      this.db.prepare(`INSERT INTO sieve_scripts (user_id, name, source, active, updated_at) VALUES (?, ?, ?, 0, ?)
        ON CONFLICT(user_id, name) DO UPDATE SET source = excluded.source, updated_at = excluded.updated_at`).run(userId, name, source, this.now());
    }).immediate();
  }

  async getScript(userId: UserId, name: string): Promise<string | null> {
    const row = this.db.prepare('SELECT source FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, name) as { source: string } | undefined;
    return row?.source ?? null;
  }

  async listScripts(userId: UserId): Promise<SieveScriptInfo[]> {
    const rows = this.db.prepare('SELECT name, source, active, updated_at FROM sieve_scripts WHERE user_id = ? ORDER BY name').all(userId) as ScriptRow[];
    return rows.map((r) => ({ name: r.name, active: r.active === 1, size: Buffer.byteLength(r.source), updatedAt: new Date(r.updated_at) }));
  }

  async setActive(userId: UserId, name: string | null): Promise<void> {
    this.db.transaction(() => {
      if (name !== null && !this.db.prepare('SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, name)) {
        throw new NotFoundError('sieve_script_not_found', `no script named ${JSON.stringify(name)}`);
      }
      this.db.prepare('UPDATE sieve_scripts SET active = 0 WHERE user_id = ? AND active = 1').run(userId);
      if (name !== null) this.db.prepare('UPDATE sieve_scripts SET active = 1 WHERE user_id = ? AND name = ?').run(userId, name);
    }).immediate();
  }

  async deleteScript(userId: UserId, name: string): Promise<void> {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT active FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, name) as { active: number } | undefined;
      if (!row) throw new NotFoundError('sieve_script_not_found', `no script named ${JSON.stringify(name)}`);
      if (row.active === 1) throw new ConflictError('sieve_script_active', 'the active script cannot be deleted; deactivate it first');
      this.db.prepare('DELETE FROM sieve_scripts WHERE user_id = ? AND name = ?').run(userId, name);
    }).immediate();
  }

  async renameScript(userId: UserId, from: string, to: string): Promise<void> {
    checkScriptName(to);
    this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, from)) {
        throw new NotFoundError('sieve_script_not_found', `no script named ${JSON.stringify(from)}`);
      }
      if (this.db.prepare('SELECT 1 FROM sieve_scripts WHERE user_id = ? AND name = ?').get(userId, to)) {
        throw new ConflictError('sieve_script_exists', `a script named ${JSON.stringify(to)} exists already`);
      }
      this.db.prepare('UPDATE sieve_scripts SET name = ?, updated_at = ? WHERE user_id = ? AND name = ?').run(to, this.now(), userId, from);
    }).immediate();
  }

  async activeScript(userId: UserId): Promise<{ name: string; source: string } | null> {
    return this.activeScripts.get(userId, () => {
      const row = this.activeScriptQuery.get(userId) as { name: string; source: string } | undefined;
      return row ? { name: row.name, source: row.source } : null;
    });
  }

  async claimVacationResponse(userId: UserId, sender: string, handle: string, now: Date, periodMs: number): Promise<boolean> {
    const at = now.getTime();
    return this.db.transaction(() => {
      const key = sender.toLowerCase();
      const row = this.db.prepare('SELECT sent_at FROM sieve_vacation_sent WHERE user_id = ? AND sender = ? AND handle = ?').get(userId, key, handle) as { sent_at: number } | undefined;
      if (row && at - row.sent_at < periodMs) return false;
      this.db.prepare(`INSERT INTO sieve_vacation_sent (user_id, sender, handle, sent_at) VALUES (?, ?, ?, ?)
        ON CONFLICT(user_id, sender, handle) DO UPDATE SET sent_at = excluded.sent_at`).run(userId, key, handle, at);
      return true;
    }).immediate();
  }
}
