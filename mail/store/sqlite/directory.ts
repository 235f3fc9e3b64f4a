// The directory (domains, accounts, aliases) in the embedded SQLite database.
//
// Every change is checked first and written in one IMMEDIATE transaction, so a refused change
// leaves nothing behind and two writers (the CLI and the daemon) cannot interleave a check with
// another's write. The one step outside the database transaction is the mail store's
// createMailbox/deleteMailbox; around it we compensate (see addUser/removeUser).

import { randomUUID } from 'node:crypto';
import type { Alias, Directory, Domain, MailStore, Resolution, User, UserId } from '../contracts.js';
import type { Statement, Transaction } from 'better-sqlite3';
import type { Db } from './database.js';
import { migrateDirectory } from './directory-schema.js';
import { directoryGeneration, GenerationCache } from './directory-generation.js';
import { migrateQuota } from './quota-schema.js';
import { normalizeCatchAll, normalizeDomain, parseAddress, type ParsedAddress } from '../../../core/address.js';
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyDummy, verifyPassword, type ScryptParams } from '../../auth/password-hash.js';
import { checkPasswordStrength } from '../../auth/password-policy.js';
import type { CredentialCache } from '../../auth/credential-cache.js';
import { deriveScramCredentials, encodeScramCredentials } from '../../auth/scram-sha256.js';

/** Alias chains longer than this are cut; real setups nest two or three deep. */
export const MAX_ALIAS_DEPTH = 10;

/** `user+tag@domain` delivers to `user@domain` when nothing is named `user+tag@domain`. */
export const SUBADDRESS_SEPARATOR = '+';

export interface SqliteDirectoryOptions {
  db: Db;
  mailStore: MailStore;
  logger: Logger;
  /** Password hashing cost; tests lower it, production keeps the default. */
  passwordParams?: ScryptParams;
  /**
   * Recently verified passwords, so a repeated login skips scrypt (mail/auth/credential-cache.ts).
   * Absent: every login pays the hash, as before. The daemon passes one; the CLI does not.
   */
  credentialCache?: CredentialCache | null;
  /** The slow check of a password against its stored hash; tests count its calls. */
  checkPasswordHash?: (password: string, stored: string) => Promise<boolean>;
}

interface UserRow {
  id: string;
  address: string;
  domain: string;
  password_hash: string;
  scram: string | null;
  quota: number | null;
  created_at: number;
  disabled_at: number | null;
}

type Entry = { kind: 'user'; user: User } | { kind: 'alias'; address: string; targets: string[] };

function toUser(row: UserRow): User {
  return { id: row.id, address: row.address, quota: row.quota, createdAt: new Date(row.created_at), disabledAt: row.disabled_at === null ? null : new Date(row.disabled_at) };
}

function requireAddress(input: string): ParsedAddress {
  const parsed = parseAddress(input);
  if (!parsed) throw new InputError('invalid_address', `"${input}" is not a valid address (expected local@domain)`);
  return parsed;
}

function requireDomain(input: string): string {
  const domain = normalizeDomain(input);
  if (!domain) throw new InputError('invalid_domain', `"${input}" is not a valid domain name`);
  return domain;
}

function requireQuota(quota: number | null): number | null {
  if (quota === null) return null;
  if (!Number.isSafeInteger(quota) || quota < 0) throw new InputError('invalid_quota', `quota must be a whole number of bytes or unlimited, not ${quota}`);
  return quota;
}

/** `user@domain` for `user+tag@domain`; null when the address has no tag. */
function withoutSubaddress(address: string): string | null {
  const at = address.lastIndexOf('@');
  const plus = address.indexOf(SUBADDRESS_SEPARATOR);
  if (plus <= 0 || plus > at) return null;
  return address.slice(0, plus) + address.slice(at);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class SqliteDirectory implements Directory {
  private readonly db: Db;
  private readonly mailStore: MailStore;
  private readonly logger: Logger;
  private readonly passwordParams: ScryptParams;
  private readonly credentialCache: CredentialCache | null;
  private readonly checkPasswordHash: (password: string, stored: string) => Promise<boolean>;
  private readonly statements = new Map<string, Statement>();
  /** resolve() and getDomainQuota() run for every RCPT TO: answers kept until the directory changes. */
  private readonly resolutions: GenerationCache<Resolution>;
  private readonly domainQuotas: GenerationCache<number | null>;

  constructor(options: SqliteDirectoryOptions) {
    this.db = options.db;
    this.resolveInTransaction = this.db.transaction((address: string, domain: string) => this.resolveNow(address, domain));
    this.mailStore = options.mailStore;
    this.logger = options.logger;
    this.passwordParams = options.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
    this.credentialCache = options.credentialCache ?? null;
    this.checkPasswordHash = options.checkPasswordHash ?? verifyPassword;
    migrateDirectory(this.db);
    migrateQuota(this.db);
    const generation = directoryGeneration(this.db);
    this.resolutions = new GenerationCache(generation);
    this.domainQuotas = new GenerationCache(generation);
  }

  // ---- domains -----------------------------------------------------------------------------

  async addDomain(name: string): Promise<Domain> {
    const domain = requireDomain(name);
    const createdAt = Date.now();
    this.db.transaction(() => {
      if (this.domainExists(domain)) throw new ConflictError('domain_exists', `domain ${domain} exists already`);
      this.sql('INSERT INTO domains (name, created_at) VALUES (?, ?)').run(domain, createdAt);
    }).immediate();
    this.logger.info('domain added', { domain });
    return { name: domain, createdAt: new Date(createdAt) };
  }

  async removeDomain(name: string): Promise<void> {
    const domain = requireDomain(name);
    this.db.transaction(() => {
      if (!this.domainExists(domain)) throw new NotFoundError('unknown_domain', `domain ${domain} does not exist`);
      const users = (this.sql('SELECT count(*) AS n FROM users WHERE domain = ?').get(domain) as { n: number }).n;
      const aliases = (this.sql('SELECT count(*) AS n FROM aliases WHERE domain = ?').get(domain) as { n: number }).n;
      if (users || aliases) {
        throw new ConflictError('domain_in_use', `domain ${domain} still has ${users} user(s) and ${aliases} alias(es); remove them first`);
      }
      this.sql('DELETE FROM domains WHERE name = ?').run(domain);
    }).immediate();
    this.logger.info('domain removed', { domain });
  }

  async listDomains(): Promise<Domain[]> {
    const rows = this.sql('SELECT name, created_at FROM domains ORDER BY name').all() as { name: string; created_at: number }[];
    return rows.map((r) => ({ name: r.name, createdAt: new Date(r.created_at) }));
  }

  async isLocalDomain(name: string): Promise<boolean> {
    const domain = normalizeDomain(name);
    return domain !== null && this.domainExists(domain);
  }

  // ---- users -------------------------------------------------------------------------------

  async addUser(address: string, password: string, options: { quota?: number | null } = {}): Promise<User> {
    const parsed = requireAddress(address);
    if (parsed.local.includes(SUBADDRESS_SEPARATOR)) {
      throw new InputError('invalid_address', `"${address}": "${SUBADDRESS_SEPARATOR}" in a user name is reserved for sub-addressing (user${SUBADDRESS_SEPARATOR}tag@domain)`);
    }
    const quota = requireQuota(options.quota ?? null);
    this.requirePasswordStrength(password, parsed.address);
    // Check before the deliberately slow hash so a refused add answers at once; checked again
    // inside the transaction because another writer may have got there in between.
    this.checkNewUser(parsed);
    const [passwordHash, scram] = await Promise.all([hashPassword(password, this.passwordParams), deriveScramCredentials(password)]);
    const user: User = { id: randomUUID(), address: parsed.address, quota, createdAt: new Date() };
    this.db.transaction(() => {
      this.checkNewUser(parsed);
      this.sql('INSERT INTO users (id, address, domain, password_hash, scram, quota, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(user.id, user.address, parsed.domain, passwordHash, encodeScramCredentials(scram), quota, user.createdAt.getTime());
    }).immediate();
    try {
      await this.mailStore.createMailbox(user.id);
    } catch (err) {
      // No account without its folders: take the row back out.
      this.sql('DELETE FROM users WHERE id = ?').run(user.id);
      throw err;
    }
    this.logger.info('user added', { address: user.address, userId: user.id });
    return user;
  }

  async removeUser(address: string): Promise<User> {
    const parsed = requireAddress(address);
    const row = this.checkUserRemovable(parsed.address);
    // Mailbox first: if that fails the account is still there, whole, and the removal can be
    // retried; the other order could leave folders that belong to no account.
    await this.mailStore.deleteMailbox(row.id);
    this.db.transaction(() => {
      this.checkUserRemovable(parsed.address);
      this.sql('DELETE FROM users WHERE id = ?').run(row.id);
    }).immediate();
    this.credentialCache?.forget(row.id);
    this.logger.info('user removed', { address: row.address, userId: row.id });
    return toUser(row);
  }

  async getUser(address: string): Promise<User | null> {
    const parsed = parseAddress(address);
    const row = parsed ? this.userRow(parsed.address) : undefined;
    return row ? toUser(row) : null;
  }

  async getUserById(id: UserId): Promise<User | null> {
    const row = this.sql('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  async listUsers(domain?: string): Promise<User[]> {
    if (domain === undefined) return (this.sql('SELECT * FROM users ORDER BY address').all() as UserRow[]).map(toUser);
    const name = this.requireLocalDomain(domain, NotFoundError);
    return (this.sql('SELECT * FROM users WHERE domain = ? ORDER BY address').all(name) as UserRow[]).map(toUser);
  }

  async setPassword(address: string, password: string): Promise<void> {
    const parsed = requireAddress(address);
    this.requireUser(parsed.address);
    this.requirePasswordStrength(password, parsed.address);
    const [passwordHash, scram] = await Promise.all([hashPassword(password, this.passwordParams), deriveScramCredentials(password)]);
    const changed = this.sql('UPDATE users SET password_hash = ?, scram = ? WHERE address = ?')
      .run(passwordHash, encodeScramCredentials(scram), parsed.address).changes;
    if (changed === 0) throw new NotFoundError('unknown_user', `no user ${parsed.address}`);
    this.logger.info('password changed', { address: parsed.address });
  }

  async setQuota(address: string, quota: number | null): Promise<void> {
    const parsed = requireAddress(address);
    const value = requireQuota(quota);
    const changed = this.sql('UPDATE users SET quota = ? WHERE address = ?').run(value, parsed.address).changes;
    if (changed === 0) throw new NotFoundError('unknown_user', `no user ${parsed.address}`);
    this.logger.info('quota changed', { address: parsed.address, quota: value });
  }

  async verifyPassword(address: string, password: string): Promise<User | null> {
    const parsed = parseAddress(address);
    const row = parsed ? this.userRow(parsed.address) : undefined;
    if (!row) {
      await verifyDummy(password, this.passwordParams);
      return null;
    }
    // The cache is asked only for an enabled account, on the row just read: a disabled one
    // always pays the full hash, so it costs and answers the same as a wrong password.
    const disabled = row.disabled_at !== null;
    const cached = !disabled && this.credentialCache !== null && this.credentialCache.matches(row.id, row.password_hash, password);
    if (!cached && !(await this.checkPasswordHash(password, row.password_hash))) return null;
    // Checked after the hash so a disabled account costs the same and answers the same as a
    // wrong password: a caller cannot tell, only the log says why.
    if (disabled) {
      this.credentialCache?.forget(row.id);
      this.logger.info('login refused: account disabled', { address: row.address, userId: row.id, outcome: 'disabled' });
      return null;
    }
    if (cached) return toUser(row);
    // SCRAM first: both updates are conditional on the hash they read.
    if (row.scram === null) await this.addScram(row, password);
    const currentHash = needsRehash(row.password_hash, this.passwordParams) ? await this.rehash(row, password) : row.password_hash;
    // Only now, after a successful check: a failed one is never remembered.
    this.credentialCache?.remember(row.id, currentHash, password);
    return toUser(row);
  }

  async getScramCredentials(address: string): Promise<{ user: User; scram: string } | null> {
    const parsed = parseAddress(address);
    const row = parsed ? this.userRow(parsed.address) : undefined;
    if (row && row.disabled_at !== null) {
      // The mechanism then runs its exchange with made-up keys and fails like a wrong password.
      this.logger.info('login refused: account disabled', { address: row.address, userId: row.id, outcome: 'disabled' });
      return null;
    }
    return row && row.scram !== null ? { user: toUser(row), scram: row.scram } : null;
  }

  async setDisabled(address: string, disabled: boolean): Promise<User> {
    const parsed = requireAddress(address);
    // COALESCE keeps the first disabling time when disabled twice.
    const changed = this.sql('UPDATE users SET disabled_at = CASE WHEN ? THEN COALESCE(disabled_at, ?) ELSE NULL END WHERE address = ?')
      .run(disabled ? 1 : 0, Date.now(), parsed.address).changes;
    if (changed === 0) throw new NotFoundError('unknown_user', `no user ${parsed.address}`);
    this.logger.info(disabled ? 'user disabled' : 'user enabled', { address: parsed.address });
    const row = this.userRow(parsed.address)!;
    if (disabled) this.credentialCache?.forget(row.id);
    return toUser(row);
  }

  /** Accounts from before SCRAM get their keys at the first password login, while the password is at hand. */
  private async addScram(row: UserRow, password: string): Promise<void> {
    try {
      const scram = encodeScramCredentials(await deriveScramCredentials(password));
      this.sql('UPDATE users SET scram = ? WHERE id = ? AND password_hash = ? AND scram IS NULL').run(scram, row.id, row.password_hash);
    } catch (err) {
      this.logger.warn('adding SCRAM keys failed', { userId: row.id, err });
    }
  }

  /**
   * Upgrades a hash made with older, cheaper parameters while the password is at hand. Returns
   * the hash the row holds for this password afterwards (the old one if the upgrade lost).
   */
  private async rehash(row: UserRow, password: string): Promise<string> {
    try {
      const passwordHash = await hashPassword(password, this.passwordParams);
      // Only if unchanged meanwhile: a concurrent `user passwd` wins.
      const changed = this.sql('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?').run(passwordHash, row.id, row.password_hash).changes;
      return changed === 1 ? passwordHash : row.password_hash;
    } catch (err) {
      this.logger.warn('password rehash failed', { userId: row.id, err });
      return row.password_hash;
    }
  }

  // ---- quotas beyond the account's own -----------------------------------------------------

  async getDomainQuota(name: string): Promise<number | null> {
    const domain = requireDomain(name);
    return this.domainQuotas.get(domain, () => {
      const row = this.sql('SELECT quota FROM domains WHERE name = ?').get(domain) as { quota: number | null } | undefined;
      if (!row) throw new NotFoundError('unknown_domain', `domain ${domain} does not exist`);
      return row.quota;
    });
  }

  async setDomainQuota(name: string, quota: number | null): Promise<void> {
    const domain = requireDomain(name);
    const value = requireQuota(quota);
    const changed = this.sql('UPDATE domains SET quota = ? WHERE name = ?').run(value, domain).changes;
    if (changed === 0) throw new NotFoundError('unknown_domain', `domain ${domain} does not exist`);
    this.logger.info('domain quota changed', { domain, quota: value });
  }

  async swapQuotaWarningLevel(userId: UserId, level: number): Promise<number> {
    // Nearly always unchanged: answered by a plain read, without taking the write lock.
    const current = this.sql('SELECT level FROM quota_warnings WHERE user_id = ?').get(userId) as { level: number } | undefined;
    if ((current?.level ?? 0) === level) return level;
    // One IMMEDIATE transaction: two deliveries finishing at once must not both see the old level.
    return this.db.transaction((): number => {
      const row = this.sql('SELECT level FROM quota_warnings WHERE user_id = ?').get(userId) as { level: number } | undefined;
      const previous = row?.level ?? 0;
      if (previous !== level && this.sql('SELECT 1 FROM users WHERE id = ?').get(userId)) {
        this.sql('INSERT INTO quota_warnings (user_id, level, updated_at) VALUES (?, ?, ?) ON CONFLICT(user_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at')
          .run(userId, level, Date.now());
      }
      return previous;
    }).immediate();
  }

  // ---- aliases -----------------------------------------------------------------------------

  async addAlias(address: string, targets: string[]): Promise<Alias> {
    const { key, domain } = this.parseAliasAddress(address);
    const normalizedTargets = this.parseTargets(key, targets);
    const createdAt = Date.now();
    this.db.transaction(() => {
      this.requireLocalDomain(domain, InputError);
      if (this.aliasTargets(key)) throw new ConflictError('alias_exists', `alias ${key} exists already`);
      if (this.userRow(key)) throw new ConflictError('user_exists', `${key} is a user; an alias cannot have the same address`);
      for (const target of normalizedTargets) this.requireLocalTarget(target);
      this.sql('INSERT INTO aliases (address, domain, created_at) VALUES (?, ?, ?)').run(key, domain, createdAt);
      const insert = this.sql('INSERT INTO alias_targets (alias, position, target) VALUES (?, ?, ?)');
      normalizedTargets.forEach((target, i) => insert.run(key, i, target));
    }).immediate();
    this.logger.info('alias added', { alias: key, targets: normalizedTargets });
    return { address: key, targets: normalizedTargets };
  }

  async removeAlias(address: string): Promise<void> {
    const { key } = this.parseAliasAddress(address);
    this.db.transaction(() => {
      if (!this.aliasTargets(key)) throw new NotFoundError('unknown_alias', `no alias ${key}`);
      const referrers = this.referringAliases(key);
      if (referrers.length) {
        throw new ConflictError('alias_in_use', `alias ${key} is a target of ${referrers.join(', ')}; remove or change those first`);
      }
      this.sql('DELETE FROM aliases WHERE address = ?').run(key);
    }).immediate();
    this.logger.info('alias removed', { alias: key });
  }

  async listAliases(domain?: string): Promise<Alias[]> {
    const rows = (domain === undefined
      ? this.sql('SELECT a.address, t.target FROM aliases a JOIN alias_targets t ON t.alias = a.address ORDER BY a.address, t.position').all()
      : this.sql('SELECT a.address, t.target FROM aliases a JOIN alias_targets t ON t.alias = a.address WHERE a.domain = ? ORDER BY a.address, t.position')
        .all(this.requireLocalDomain(domain, NotFoundError))) as { address: string; target: string }[];
    const byAddress = new Map<string, string[]>();
    for (const r of rows) {
      const list = byAddress.get(r.address) ?? [];
      list.push(r.target);
      byAddress.set(r.address, list);
    }
    return [...byAddress].map(([address, targets]) => ({ address, targets }));
  }

  // ---- resolution --------------------------------------------------------------------------

  /**
   * Order: exact user, exact alias, `user+tag` stripped to `user` (user or alias), the domain's
   * catch-all. Throws InputError('invalid_address') for a malformed address.
   */
  async resolve(address: string): Promise<Resolution> {
    const parsed = requireAddress(address);
    return this.resolutions.get(parsed.address, () => this.resolveInTransaction.deferred(parsed.address, parsed.domain));
  }

  /**
   * One read transaction: the answer reflects one state of the directory, not a mix. Built once
   * (resolve() is on every RCPT TO's path); the first lookup's answer is expanded, not looked up again.
   */
  private resolveInTransaction!: Transaction<(address: string, domain: string) => Resolution>;

  private resolveNow(address: string, domain: string): Resolution {
    if (!this.domainExists(domain)) return { kind: 'foreign' };
    const entry = this.lookup(address) ?? this.lookup(`@${domain}`);
    if (!entry) return { kind: 'unknown' };
    const users = new Map<UserId, User>();
    this.expandEntry(entry, users, new Set(), 0);
    return users.size ? { kind: 'mailboxes', users: [...users.values()] } : { kind: 'unknown' };
  }

  /** What an address names, exact first, then without its `+tag`. */
  private lookup(address: string): Entry | null {
    for (const candidate of [address, withoutSubaddress(address)]) {
      if (!candidate) continue;
      const row = this.userRow(candidate);
      if (row) return { kind: 'user', user: toUser(row) };
      const targets = this.aliasTargets(candidate);
      if (targets) return { kind: 'alias', address: candidate, targets };
    }
    return null;
  }

  private expand(address: string, out: Map<UserId, User>, seen: Set<string>, depth: number): void {
    const entry = this.lookup(address);
    if (!entry) {
      // A target removed behind the directory's back (it refuses to do that itself).
      this.logger.warn('alias target does not exist', { target: address });
      return;
    }
    this.expandEntry(entry, out, seen, depth);
  }

  private expandEntry(entry: Entry, out: Map<UserId, User>, seen: Set<string>, depth: number): void {
    if (entry.kind === 'user') {
      if (!out.has(entry.user.id)) out.set(entry.user.id, entry.user);
      return;
    }
    if (seen.has(entry.address)) {
      this.logger.warn('alias loop cut', { alias: entry.address });
      return;
    }
    if (depth >= MAX_ALIAS_DEPTH) {
      this.logger.warn('alias nesting too deep; cut', { alias: entry.address, depth });
      return;
    }
    seen.add(entry.address);
    for (const target of entry.targets) this.expand(target, out, seen, depth + 1);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Prepared statements, compiled once: resolve() is on every RCPT TO's path. */
  private sql(text: string): Statement {
    let stmt = this.statements.get(text);
    if (!stmt) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt;
  }

  private domainExists(domain: string): boolean {
    return this.sql('SELECT 1 FROM domains WHERE name = ?').get(domain) !== undefined;
  }

  private userRow(address: string): UserRow | undefined {
    return this.sql('SELECT * FROM users WHERE address = ?').get(address) as UserRow | undefined;
  }

  private aliasTargets(address: string): string[] | null {
    if (!this.sql('SELECT 1 FROM aliases WHERE address = ?').get(address)) return null;
    return (this.sql('SELECT target FROM alias_targets WHERE alias = ? ORDER BY position').all(address) as { target: string }[]).map((r) => r.target);
  }

  /** Aliases with a target of `address` or `address`'s `+tag` forms. */
  private referringAliases(address: string): string[] {
    const at = address.lastIndexOf('@');
    const tagged = `${escapeLike(address.slice(0, at))}${SUBADDRESS_SEPARATOR}%${escapeLike(address.slice(at))}`;
    const rows = this.sql("SELECT DISTINCT alias FROM alias_targets WHERE target = ? OR target LIKE ? ESCAPE '\\' ORDER BY alias")
      .all(address, tagged) as { alias: string }[];
    return rows.map((r) => r.alias);
  }

  private requireLocalDomain(name: string, ErrorType: typeof InputError | typeof NotFoundError): string {
    const domain = requireDomain(name);
    if (!this.domainExists(domain)) throw new ErrorType('unknown_domain', `${domain} is not one of this server's domains; add it first`);
    return domain;
  }

  private requireUser(address: string): UserRow {
    const row = this.userRow(address);
    if (!row) throw new NotFoundError('unknown_user', `no user ${address}`);
    return row;
  }

  private requirePasswordStrength(password: string, address: string): void {
    const verdict = checkPasswordStrength(password, address);
    if (!verdict.ok) throw new InputError('weak_password', verdict.message!);
  }

  private checkNewUser(parsed: ParsedAddress): void {
    this.requireLocalDomain(parsed.domain, InputError);
    if (this.userRow(parsed.address)) throw new ConflictError('user_exists', `user ${parsed.address} exists already`);
    if (this.aliasTargets(parsed.address)) throw new ConflictError('alias_exists', `${parsed.address} is an alias; a user cannot have the same address`);
  }

  private checkUserRemovable(address: string): UserRow {
    const row = this.requireUser(address);
    const referrers = this.referringAliases(address);
    if (referrers.length) {
      throw new ConflictError('user_in_use', `user ${address} is a target of alias ${referrers.join(', ')}; remove or change those first`);
    }
    return row;
  }

  private parseAliasAddress(input: string): { key: string; domain: string } {
    const catchAll = normalizeCatchAll(input);
    if (catchAll) return { key: catchAll, domain: catchAll.slice(1) };
    const parsed = parseAddress(input);
    if (!parsed) throw new InputError('invalid_address', `"${input}" is not a valid alias address (expected local@domain, or @domain for a catch-all)`);
    return { key: parsed.address, domain: parsed.domain };
  }

  /** Normalises and de-duplicates targets, keeping their order. */
  private parseTargets(alias: string, targets: string[]): string[] {
    const out: string[] = [];
    for (const raw of targets) {
      if (normalizeCatchAll(raw)) throw new InputError('invalid_target', `a catch-all (${raw.trim()}) cannot be an alias target`);
      const parsed = parseAddress(raw);
      if (!parsed) throw new InputError('invalid_target', `"${raw}" is not a valid target address (expected local@domain)`);
      if (parsed.address === alias) throw new InputError('alias_loop', `alias ${alias} cannot point at itself`);
      if (!out.includes(parsed.address)) out.push(parsed.address);
    }
    if (!out.length) throw new InputError('invalid_target', `alias ${alias} needs at least one target`);
    return out;
  }

  private requireLocalTarget(target: string): void {
    const domain = target.slice(target.lastIndexOf('@') + 1);
    if (!this.domainExists(domain)) {
      throw new InputError('external_target', `target ${target} is outside this server's domains; forwarding to outside addresses is not supported yet`);
    }
    if (!this.lookup(target)) throw new InputError('unknown_target', `target ${target} is neither a user nor an alias`);
  }
}
