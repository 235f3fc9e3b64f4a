// Shared by the store tests of IMAP behaviour (imap-*.test.ts, expunge.test.ts): delivering real messages and recording change events.

import assert from 'node:assert/strict';
import type { Folder, MailboxChange } from '../../../mail/store/contracts.js';
import { chunks, openStoreFixture, type StoreFixture } from './store-fixture.js';

export const ALICE = 'u-alice';
export const BOB = 'u-bob';

/** A store in a fresh temp directory with the mailboxes of ALICE and BOB. */
export async function openStoreWithAliceAndBob(): Promise<StoreFixture> {
  const f = await openStoreFixture();
  await f.store.createMailbox(ALICE);
  await f.store.createMailbox(BOB);
  return f;
}

export async function deliver(
  f: StoreFixture, raw: string | Buffer, targets: { userId: string; folder?: string; flags?: string[] }[], internalDate?: Date,
) {
  const tx = f.store.beginDelivery(internalDate ? { internalDate } : {});
  for (const t of targets) tx.addRecipient(t);
  await tx.writeBody(chunks(raw, 512));
  return tx.commit();
}

/** Every change published for `userId` from now on. */
export function recordChanges(f: StoreFixture, userId: string): MailboxChange[] {
  const changes: MailboxChange[] = [];
  f.store.subscribe(userId, (c) => changes.push(c));
  return changes;
}

export async function folder(f: StoreFixture, userId: string, name: string): Promise<Folder> {
  const row = await f.store.getFolder(userId, name);
  assert.ok(row, `folder ${name} exists`);
  return row;
}

/** The counters a folder should have, computed from its messages the slow way. */
export async function assertCountersExact(f: StoreFixture, userId: string, name: string): Promise<void> {
  const row = await folder(f, userId, name);
  const list = await f.store.listMessages(userId, name);
  assert.equal(row.messages, list.length, `${name}: messages`);
  assert.equal(row.unseen, list.filter((m) => !m.flags.includes('\\Seen')).length, `${name}: unseen`);
  assert.equal(row.size, list.reduce((n, m) => n + m.size, 0), `${name}: size`);
  const seenColumn = f.db.prepare('SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.user_id = ? AND f.name = ? AND m.seen = 1').get(userId, row.name) as { n: number };
  assert.equal(seenColumn.n, list.filter((m) => m.flags.includes('\\Seen')).length, `${name}: seen column`);
}

/** Refcount of each blob equals the message rows that use it, for the whole store. */
export function assertRefcountsExact(f: StoreFixture): void {
  const wrong = f.db.prepare(
    'SELECT b.blob_id, b.refcount, (SELECT count(*) FROM messages m WHERE m.blob = b.id) AS rows FROM blobs b WHERE b.refcount != (SELECT count(*) FROM messages m WHERE m.blob = b.id)',
  ).all();
  assert.deepEqual(wrong, []);
}

export function errorWith(cls: new (...args: never[]) => Error, code: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${String(err)}`);
    assert.equal((err as { code?: string }).code, code);
    return true;
  };
}
