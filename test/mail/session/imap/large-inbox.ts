// A large INBOX for the scale tests: one delivered message and COUNT rows that all point at its
// blob, written in one SQL transaction (delivering each would take minutes). Every third message
// is unseen and every seventh has $Work, as flagsOf says.

import { message } from '../../store/store-fixture.js';
import type { SelectedHarness } from './selected-harness.js';

/** The flags of message `uid` in a large inbox, as FETCH writes them. */
export function flagsOf(uid: number): string {
  return [uid % 3 !== 0 ? '\\Seen' : '', uid % 7 === 0 ? '$Work' : ''].filter(Boolean).join(' ');
}

/** Fills alice's (empty) INBOX with UIDs 1..count, MODSEQ uid + 1, internal date uid seconds, 100 octets each. */
export async function fillLargeInbox(h: SelectedHarness, count: number): Promise<void> {
  const db = h.store.db;
  await h.deliver(message('Template'), { folder: 'Archive' });
  const template = db.prepare('SELECT id FROM blobs').get() as { id: number };
  const inbox = db.prepare("SELECT id FROM folders WHERE user_id = ? AND name = 'INBOX'").get(h.alice.id) as { id: number };
  db.transaction(() => {
    const msg = db.prepare('INSERT INTO messages (folder_id, uid, modseq, flags, seen, internal_date, size, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    let unseen = 0;
    for (let uid = 1; uid <= count; uid++) {
      const seen = uid % 3 !== 0;
      msg.run(inbox.id, uid, uid + 1, flagsOf(uid), seen ? 1 : 0, uid * 1000, 100, template.id);
      if (!seen) unseen++;
    }
    db.prepare('UPDATE blobs SET refcount = refcount + ? WHERE id = ?').run(count, template.id);
    db.prepare('UPDATE folders SET uidnext = ?, highest_modseq = ?, messages = ?, unseen = ?, size = ? WHERE id = ?').run(count + 1, count + 1, count, unseen, count * 100, inbox.id);
  }).immediate();
}
