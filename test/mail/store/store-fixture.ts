// A real store in a temp directory: a real SQLite file and real blob files, as in production.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FsBlobStore } from '../../../mail/store/fs/blob-store.js';
import { openDatabase, type Db } from '../../../mail/store/sqlite/database.js';
import { SqliteMailStore, type SqliteMailStoreOptions } from '../../../mail/store/sqlite/mail-store.js';

export interface StoreFixture {
  dir: string;
  db: Db;
  blobs: FsBlobStore;
  store: SqliteMailStore;
  /** Closes the store and database and opens them again on the same files. */
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function openStoreFixture(options: Partial<SqliteMailStoreOptions> = {}): Promise<StoreFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mailroom-store-'));
  const open = async () => {
    const db = openDatabase(path.join(dir, 'mailroom.db'));
    const blobs = await FsBlobStore.open({ dataDir: dir });
    return { db, blobs, store: new SqliteMailStore({ db, blobs, ...options }) };
  };
  const fixture: StoreFixture = {
    dir,
    ...(await open()),
    async reopen() {
      await fixture.store.close();
      fixture.db.close();
      Object.assign(fixture, await open());
    },
    async cleanup() {
      await fixture.store.close();
      fixture.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

export async function* chunks(text: string | Buffer, size = 1000): AsyncGenerator<Buffer> {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Every file under DIR/blobs and DIR/tmp. */
export function blobFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else out.push(path.relative(dir, p));
    }
  };
  walk(path.join(dir, 'blobs'));
  walk(path.join(dir, 'tmp'));
  return out;
}

export function message(subject: string, body = 'Hello there.\r\n', extra = ''): string {
  return `From: Sender <sender@example.org>\r\nTo: team@example.com\r\nSubject: ${subject}\r\nDate: Mon, 2 Jun 2025 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n${extra}\r\n${body}`;
}

/** Polls `check` until it holds; fails naming `what` after `ms`. */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
