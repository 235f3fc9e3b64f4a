// The audit log: one JSON line per admin action (who, when, what, on what, from where, and
// how it ended) appended to DIR/audit.log. Appended synchronously before the response goes
// out, so an action the admin saw succeed is always on record. Secrets (passwords, tokens,
// TOTP codes) are never passed in. The panel reads the newest lines back from the file's end.
// Rotation is left to logrotate with copytruncate (the file is opened per append).

import { appendFileSync, closeSync, openSync, readSync, fstatSync } from 'node:fs';
import type { AuditEntry } from '../../ui/shared/api-types.js';

export const AUDIT_LOG_FILE = 'audit.log';

/** How far back from the end `recent` reads; lines are short, so this holds thousands. */
const TAIL_BYTES = 512 * 1024;

export class AuditLog {
  constructor(private readonly file: string, private readonly now: () => Date = () => new Date()) {}

  record(entry: Omit<AuditEntry, 'time'>): AuditEntry {
    const line: AuditEntry = { time: this.now().toISOString(), ...entry };
    appendFileSync(this.file, JSON.stringify(line) + '\n', { mode: 0o640 });
    return line;
  }

  /** The newest entries, newest first. */
  recent(limit = 100): AuditEntry[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(0, size - TAIL_BYTES);
      const buf = Buffer.alloc(size - start);
      readSync(fd, buf, 0, buf.length, start);
      const lines = buf.toString('utf8').split('\n');
      if (start > 0) lines.shift(); // a partial first line
      const out: AuditEntry[] = [];
      for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
        const text = lines[i]!.trim();
        if (!text) continue;
        try {
          out.push(JSON.parse(text) as AuditEntry);
        } catch {
          // a line cut by a crash mid-append: skip it
        }
      }
      return out;
    } finally {
      closeSync(fd);
    }
  }
}
