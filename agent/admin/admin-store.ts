// Admin accounts of the panel, in DIR/agent.db. Passwords are scrypt hashes (the mail
// accounts' hashing, mail/auth/password-hash.ts) and must pass the same strength policy; the
// TOTP secret, once enrolled, makes a code part of every login.

import { ConflictError, InputError, NotFoundError } from '../../core/errors.js';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, verifyDummy, verifyPassword, type ScryptParams } from '../../mail/auth/password-hash.js';
import { checkPasswordStrength } from '../../mail/auth/password-policy.js';
import { migrateAgentDatabase, type AgentDb } from './agent-database.js';
import { generateTotpSecret, matchTotp } from './totp.js';

export interface AdminAccount {
  name: string;
  /** A TOTP code is needed at login. */
  totp: boolean;
  createdAt: Date;
}

const SCHEMA = [
  `CREATE TABLE admins (
     name TEXT PRIMARY KEY,
     password_hash TEXT NOT NULL,
     totp_secret TEXT,
     totp_last_step INTEGER,
     created_at INTEGER NOT NULL
   ) STRICT`,
];

interface AdminRow { name: string; password_hash: string; totp_secret: string | null; totp_last_step: number | null; created_at: number }

const toAccount = (r: AdminRow): AdminAccount => ({ name: r.name, totp: r.totp_secret !== null, createdAt: new Date(r.created_at) });

/** Lower-case letters, digits, dot, dash and underscore; 1-64 characters, starting with a letter or digit. */
export function normalizeAdminName(input: string): string {
  const name = input.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
    throw new InputError('invalid_admin_name', `"${input}" is not a valid admin name (letters, digits, ".", "-", "_"; at most 64)`);
  }
  return name;
}

export class AdminStore {
  private readonly params: ScryptParams;

  constructor(private readonly db: AgentDb, options: { passwordParams?: ScryptParams } = {}) {
    this.params = options.passwordParams ?? DEFAULT_SCRYPT_PARAMS;
    migrateAgentDatabase(db, 'admins', SCHEMA);
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM admins').get() as { n: number }).n;
  }

  list(): AdminAccount[] {
    return (this.db.prepare('SELECT * FROM admins ORDER BY name').all() as AdminRow[]).map(toAccount);
  }

  get(name: string): AdminAccount | null {
    const row = this.row(name);
    return row ? toAccount(row) : null;
  }

  /** Refuses a malformed name, a weak password and an existing admin; nothing is written then. */
  async add(nameInput: string, password: string): Promise<AdminAccount> {
    const name = normalizeAdminName(nameInput);
    this.requireStrong(password, name);
    if (this.row(name)) throw new ConflictError('admin_exists', `admin ${name} exists already`);
    const hash = await hashPassword(password, this.params);
    const createdAt = Date.now();
    this.db.transaction(() => {
      // Checked again: another writer may have added it while the hash was computed.
      if (this.row(name)) throw new ConflictError('admin_exists', `admin ${name} exists already`);
      this.db.prepare('INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)').run(name, hash, createdAt);
    }).immediate();
    return { name, totp: false, createdAt: new Date(createdAt) };
  }

  /**
   * Adds the first admin only while there is none, atomically: two visitors racing with the
   * setup token cannot both create one.
   */
  async addFirst(nameInput: string, password: string): Promise<AdminAccount> {
    const name = normalizeAdminName(nameInput);
    this.requireStrong(password, name);
    if (this.count() > 0) throw new ConflictError('setup_done', 'an admin exists already; log in instead');
    const hash = await hashPassword(password, this.params);
    const createdAt = Date.now();
    this.db.transaction(() => {
      if (this.count() > 0) throw new ConflictError('setup_done', 'an admin exists already; log in instead');
      this.db.prepare('INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)').run(name, hash, createdAt);
    }).immediate();
    return { name, totp: false, createdAt: new Date(createdAt) };
  }

  remove(nameInput: string): AdminAccount {
    const name = normalizeAdminName(nameInput);
    const row = this.row(name);
    if (!row) throw new NotFoundError('unknown_admin', `no admin ${name}`);
    this.db.prepare('DELETE FROM admins WHERE name = ?').run(name);
    return toAccount(row);
  }

  async setPassword(nameInput: string, password: string): Promise<void> {
    const name = normalizeAdminName(nameInput);
    if (!this.row(name)) throw new NotFoundError('unknown_admin', `no admin ${name}`);
    this.requireStrong(password, name);
    const hash = await hashPassword(password, this.params);
    this.db.prepare('UPDATE admins SET password_hash = ? WHERE name = ?').run(hash, name);
  }

  /** The account when the password is right, else null; the same work whether or not it exists. */
  async verifyPassword(nameInput: string, password: string): Promise<AdminAccount | null> {
    let name: string;
    try {
      name = normalizeAdminName(nameInput);
    } catch {
      await verifyDummy(password, this.params);
      return null;
    }
    const row = this.row(name);
    if (!row) {
      await verifyDummy(password, this.params);
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? toAccount(row) : null;
  }

  /** Enrolls (or re-enrolls) a second factor; returns the new secret, base32. */
  enableTotp(nameInput: string): string {
    const name = normalizeAdminName(nameInput);
    const secret = generateTotpSecret();
    const changed = this.db.prepare('UPDATE admins SET totp_secret = ?, totp_last_step = NULL WHERE name = ?').run(secret, name).changes;
    if (changed === 0) throw new NotFoundError('unknown_admin', `no admin ${name}`);
    return secret;
  }

  disableTotp(nameInput: string): void {
    const name = normalizeAdminName(nameInput);
    const changed = this.db.prepare('UPDATE admins SET totp_secret = NULL, totp_last_step = NULL WHERE name = ?').run(name).changes;
    if (changed === 0) throw new NotFoundError('unknown_admin', `no admin ${name}`);
  }

  /**
   * Whether the code is valid now for this admin; a valid code is used up (its step recorded)
   * in the same transaction, so a second login with the same code fails.
   */
  checkTotp(nameInput: string, code: string, nowMs = Date.now()): boolean {
    const name = normalizeAdminName(nameInput);
    return this.db.transaction(() => {
      const row = this.row(name);
      if (!row?.totp_secret) return false;
      const step = matchTotp(row.totp_secret, code, nowMs, row.totp_last_step);
      if (step === null) return false;
      this.db.prepare('UPDATE admins SET totp_last_step = ? WHERE name = ?').run(step, name);
      return true;
    }).immediate();
  }

  private row(name: string): AdminRow | undefined {
    return this.db.prepare('SELECT * FROM admins WHERE name = ?').get(name) as AdminRow | undefined;
  }

  private requireStrong(password: string, name: string): void {
    const verdict = checkPasswordStrength(password, name);
    if (!verdict.ok) throw new InputError('weak_password', verdict.message!);
  }
}
