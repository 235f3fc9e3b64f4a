// Forwarders in the embedded database: one row per forwarding address, one per target.
//
// Why not external targets in alias_targets: an alias target is resolved to mailboxes at RCPT
// (directory.resolve), and every caller of resolve (bounce hand-off, submission, quota) would
// then have to learn that some "targets" are not mailboxes. A separate table keeps resolve()
// about mailboxes and lets the forwarding layer (mail/delivery/forward-plan.ts) add the external
// part, with the keep-a-copy choice an alias row has no room for.
//
// Targets must be outside our domains (inside them an alias does the job without the queue) and
// a forwarder that keeps a copy needs a mailbox to keep it in (a user or an alias).

import type { Statement } from 'better-sqlite3';
import type { Forward, ForwardStore } from '../contracts.js';
import type { Db } from './database.js';
import { migrateForwards } from './forward-schema.js';
import { directoryGeneration, GenerationCache } from './directory-generation.js';
import { normalizeCatchAll, normalizeDomain, parseAddress } from '../../../core/address.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';

/** More than this many targets is a mailing list, not a forwarder. */
export const MAX_FORWARD_TARGETS = 20;

interface ForwardRow { address: string; keep_copy: number }

export class SqliteForwardStore implements ForwardStore {
  private readonly statements = new Map<string, Statement>();
  private readonly lookups: GenerationCache<Forward | null>;

  constructor(private readonly options: { db: Db; logger: Logger }) {
    migrateForwards(options.db);
    this.lookups = new GenerationCache(directoryGeneration(options.db));
  }

  async setForward(address: string, targets: string[], options: { keepCopy?: boolean } = {}): Promise<Forward> {
    const key = this.parseForwardAddress(address);
    const list = this.parseTargets(key, targets);
    const now = Date.now();
    let keepCopy = options.keepCopy ?? false;
    this.options.db.transaction(() => {
      const domain = key.slice(key.lastIndexOf('@') + 1);
      if (!this.isLocalDomain(domain)) throw new InputError('unknown_domain', `${domain} is not one of this server's domains; add it first`);
      for (const target of list) {
        const targetDomain = target.slice(target.lastIndexOf('@') + 1);
        if (this.isLocalDomain(targetDomain)) {
          throw new InputError('local_target', `target ${target} is in one of this server's domains; use an alias for local addresses (mailroom alias add)`);
        }
      }
      keepCopy = options.keepCopy ?? this.hasMailbox(key);
      if (keepCopy && !this.hasMailbox(key)) {
        throw new InputError('no_mailbox', `${key} is neither a user nor an alias, so there is no mailbox to keep a copy in; use --no-keep`);
      }
      this.sql(`INSERT INTO forwards (address, domain, keep_copy, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(address) DO UPDATE SET keep_copy = excluded.keep_copy, updated_at = excluded.updated_at`)
        .run(key, domain, keepCopy ? 1 : 0, now, now);
      this.sql('DELETE FROM forward_targets WHERE address = ?').run(key);
      const insert = this.sql('INSERT INTO forward_targets (address, position, target) VALUES (?, ?, ?)');
      list.forEach((target, i) => insert.run(key, i, target));
    }).immediate();
    this.options.logger.info('forward set', { address: key, targets: list, keepCopy });
    return { address: key, targets: list, keepCopy };
  }

  async removeForward(address: string): Promise<Forward> {
    const key = this.parseForwardAddress(address);
    const removed = this.options.db.transaction((): Forward => {
      const existing = this.read(key);
      if (!existing) throw new NotFoundError('unknown_forward', `no forwarder ${key}`);
      this.sql('DELETE FROM forwards WHERE address = ?').run(key);
      return existing;
    }).immediate();
    this.options.logger.info('forward removed', { address: key });
    return removed;
  }

  async getForward(address: string): Promise<Forward | null> {
    const parsed = parseAddress(address);
    // Asked for every RCPT TO (and again at the end of DATA): kept until the directory changes.
    return parsed ? this.lookups.get(parsed.address, () => this.read(parsed.address)) : null;
  }

  async listForwards(domain?: string): Promise<Forward[]> {
    let rows: ForwardRow[];
    if (domain === undefined) {
      rows = this.sql('SELECT address, keep_copy FROM forwards ORDER BY address').all() as ForwardRow[];
    } else {
      const name = normalizeDomain(domain);
      if (!name) throw new InputError('invalid_domain', `"${domain}" is not a valid domain name`);
      if (!this.isLocalDomain(name)) throw new NotFoundError('unknown_domain', `${name} is not one of this server's domains; add it first`);
      rows = this.sql('SELECT address, keep_copy FROM forwards WHERE domain = ? ORDER BY address').all(name) as ForwardRow[];
    }
    return rows.map((r) => ({ address: r.address, keepCopy: r.keep_copy === 1, targets: this.targetsOf(r.address) }));
  }

  private read(key: string): Forward | null {
    const row = this.sql('SELECT address, keep_copy FROM forwards WHERE address = ?').get(key) as ForwardRow | undefined;
    return row ? { address: row.address, keepCopy: row.keep_copy === 1, targets: this.targetsOf(row.address) } : null;
  }

  private targetsOf(address: string): string[] {
    return (this.sql('SELECT target FROM forward_targets WHERE address = ? ORDER BY position').all(address) as { target: string }[]).map((r) => r.target);
  }

  private parseForwardAddress(input: string): string {
    if (normalizeCatchAll(input)) throw new InputError('invalid_address', `a catch-all (${input.trim()}) cannot forward; forward a user or an alias address`);
    const parsed = parseAddress(input);
    if (!parsed) throw new InputError('invalid_address', `"${input}" is not a valid address (expected local@domain)`);
    return parsed.address;
  }

  private parseTargets(address: string, targets: string[]): string[] {
    const out: string[] = [];
    for (const raw of targets) {
      const parsed = parseAddress(raw);
      if (!parsed) throw new InputError('invalid_target', `"${raw}" is not a valid target address (expected local@domain)`);
      if (parsed.address === address) throw new InputError('forward_loop', `${address} cannot forward to itself`);
      if (!out.includes(parsed.address)) out.push(parsed.address);
    }
    if (!out.length) throw new InputError('invalid_target', `forwarder ${address} needs at least one target`);
    if (out.length > MAX_FORWARD_TARGETS) throw new InputError('too_many_targets', `a forwarder takes at most ${MAX_FORWARD_TARGETS} targets; use a mailing list for more`);
    return out;
  }

  private isLocalDomain(domain: string): boolean {
    return this.sql('SELECT 1 FROM domains WHERE name = ?').get(domain) !== undefined;
  }

  private hasMailbox(address: string): boolean {
    return this.sql('SELECT 1 FROM users WHERE address = ?').get(address) !== undefined
      || this.sql('SELECT 1 FROM aliases WHERE address = ?').get(address) !== undefined;
  }

  private sql(text: string): Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.options.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }
}
