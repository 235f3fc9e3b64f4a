// What the privileged helper's backup.run hands the backup child (backup-child-main.ts) on its
// stdin, and what the child answers on stdout: one JSON value each way. The password travels
// on stdin, never in argv (where `ps` shows it).

import type { Repository } from './restic-repository.js';
import type { RetentionPolicy } from './restic-client.js';

export interface BackupChildRequest {
  dataDir: string;
  hostname: string;
  repository: Repository;
  password: string;
  /** Backend credentials, already checked (backup-config-in-helper.ts). */
  env: Record<string, string>;
  tags: string[];
  /** Apply retention after the backup (scheduled runs); null: do not. */
  keep: RetentionPolicy | null;
  /** The restic binary. */
  resticProgram: string;
  /** restic's cache, a directory the child's user may write (DIR/tmp/restic-cache). */
  cacheDir: string;
  /**
   * The user the child becomes before it touches DIR (a root helper: DIR's owner; absent when
   * the helper is not root). The child starts as the helper's user so that it can load its own
   * code wherever that is installed, then drops: groups cleared, gid, then uid.
   */
  runAs?: { uid: number; gid: number };
}

export interface BackupChildOutcome {
  snapshotId: string;
  messages: number;
  dataAdded: number;
  missingFiles: number;
}

export type BackupChildResponse =
  | { ok: true; result: BackupChildOutcome }
  | { ok: false; error: { code: string; message: string } };
