// Generated mail kept between runs of the IMAP benchmark. Loading 100,000 messages is most of a
// full run (Mailroom's durable deliveries took 525 s, writing the Maildir minutes more), and the
// data are the same every time for one message count and seed. So the first run saves what it
// loaded, before either server has touched it (Dovecot's Maildir before its first SELECT built
// an index, Mailroom's data directory before `mailroom serve` opened it), and later runs copy
// that instead of generating again: the "first SELECT after loading" is still a first one.
//
// A saved copy is used only when the message count, the seed and the code that produced it (the
// generator, the Maildir writer, the Mailroom loader: hashed) are the same; anything else makes
// a new one. --fresh-data ignores the cache, --data-cache DIR moves it.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_DATA_CACHE = '/var/tmp/mailroom-bench-imap-cache';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/**
 * Copies a directory's contents (ownership, modes and times kept; reflinks where the disk can).
 * Asynchronous, so that both servers' copies run at once.
 */
export function copyTree(from: string, to: string): Promise<void> {
  mkdirSync(to, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('cp', ['-a', '--reflink=auto', `${from}/.`, `${to}/`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`cp -a ${from} ${to} failed (${code}): ${stderr.trim()}`))));
  });
}

function codeHash(files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(readFileSync(path.join(HERE, f)));
  return h.digest('hex').slice(0, 12);
}

export interface SavedData {
  /** Where the copy lives (it may not exist yet). */
  dir: string;
  /** True when a complete copy is there. */
  present: boolean;
  /** What the run that made it recorded (load time). */
  meta: { loadMs: number; createdAt: string } | null;
}

/** The saved copy for one side, message count and seed. */
export function savedData(cacheDir: string, side: 'dovecot' | 'mailroom', messages: number, seed: number): SavedData {
  const code = side === 'dovecot'
    ? codeHash(['mailbox-generator.js', 'dovecot-maildir-writer.js'])
    : codeHash(['mailbox-generator.js', 'imap-mailroom-loader.js']);
  const dir = path.join(cacheDir, `${side}-${messages}-seed${seed}-${code}`);
  const metaFile = `${dir}.json`;
  const present = existsSync(dir) && existsSync(metaFile);
  const meta = present ? JSON.parse(readFileSync(metaFile, 'utf8')) as SavedData['meta'] : null;
  return { dir, present, meta };
}

/**
 * Saves `from` (nothing may have it open) as the copy. Copied beside it and renamed into place,
 * and the record written last: a run killed midway leaves no half copy that looks complete.
 */
export async function saveCopy(from: string, saved: SavedData, loadMs: number): Promise<void> {
  const tmp = `${saved.dir}.partial-${process.pid}`;
  rmSync(`${saved.dir}.json`, { force: true });
  rmSync(tmp, { recursive: true, force: true });
  await copyTree(from, tmp);
  rmSync(saved.dir, { recursive: true, force: true });
  renameSync(tmp, saved.dir);
  writeFileSync(`${saved.dir}.json`, JSON.stringify({ loadMs, createdAt: new Date().toISOString() }) + '\n');
}
