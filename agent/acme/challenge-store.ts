// Pending HTTP-01 challenges (RFC 8555 section 8.3): token -> key authorization, kept as small
// files in DIR/acme/challenges so that whoever runs the order (the agent's renewal, or
// `mailroom tls issue` from a shell) and whoever answers on listen.http (the agent, or the CLI
// itself when no agent runs) need not be the same process.

import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ACME_DIR } from './account-key-store.js';

/** RFC 8555 section 8.3: the token is base64url, at least 128 bits of entropy. */
const TOKEN = /^[A-Za-z0-9_-]{16,256}$/;

export interface ChallengeStore {
  put(token: string, keyAuthorization: string): Promise<void>;
  /** The key authorization for a pending token, or null. */
  get(token: string): Promise<string | null>;
  remove(token: string): Promise<void>;
}

export function challengeDir(dataDir: string): string {
  return path.join(dataDir, ACME_DIR, 'challenges');
}

export class FileChallengeStore implements ChallengeStore {
  constructor(private readonly dir: string) {}

  async put(token: string, keyAuthorization: string): Promise<void> {
    if (!TOKEN.test(token)) throw new Error(`the ACME server sent a malformed challenge token`);
    // Readable by the agent's user (the panel's HTTP listener) whoever wrote it.
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const file = path.join(this.dir, token);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, keyAuthorization, { mode: 0o644 });
    await rename(tmp, file);
  }

  async get(token: string): Promise<string | null> {
    if (!TOKEN.test(token)) return null;
    try {
      return await readFile(path.join(this.dir, token), 'utf8');
    } catch {
      return null;
    }
  }

  async remove(token: string): Promise<void> {
    if (!TOKEN.test(token)) return;
    await unlink(path.join(this.dir, token)).catch(() => undefined);
  }
}
