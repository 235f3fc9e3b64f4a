// A list's archive as the IMAP shared folder "Shared/LIST" (mail/lists/list-archive-folders.ts,
// mail/session/imap/shared-folders.ts), over the real IMAP service on loopback, a real store and
// list store in a temp directory: alice is a member and reads it (read-only, COPY out works);
// bob is not and never sees it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import { AuthPenalty } from '../../../mail/auth/auth-penalty.js';
import { ListArchiveFolders } from '../../../mail/lists/list-archive-folders.js';
import { listOwnerId } from '../../../mail/lists/list-types.js';
import { startImapService, type ImapService } from '../../../mail/session/imap/index.js';
import { SqliteDirectory } from '../../../mail/store/sqlite/directory.js';
import { SqliteListStore } from '../../../mail/store/sqlite/list-store.js';
import { ImapTestClient } from '../session/imap/engine-harness.js';
import { selfSignedCert } from '../session/smtp/harness.js';
import { chunks, openStoreFixture, type StoreFixture } from '../store/store-fixture.js';

const PASSWORD = 'Vq7!trellis-Oxbow-42';
const LIST = 'team@example.test';
const SHARED = `Shared/${LIST}`;
/** As the server writes names: quoted. */
const Q = `"${SHARED}"`;

function message(subject: string): string {
  return `From: carl@example.test\r\nTo: ${LIST}\r\nSubject: ${subject}\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.test>\r\nDate: Tue, 10 Jun 2025 12:00:00 +0000\r\n\r\nBody of ${subject}.\r\n`;
}

describe('list archive as an IMAP shared folder', () => {
  let store: StoreFixture;
  let lists: SqliteListStore;
  let service: ImapService;
  const clients: ImapTestClient[] = [];
  let aliceId = '';

  async function deliver(subject: string): Promise<void> {
    const tx = store.store.beginDelivery();
    tx.addRecipient({ userId: listOwnerId(LIST) });
    await tx.writeBody(chunks(message(subject), 13));
    await tx.commit();
  }

  async function login(user: string): Promise<ImapTestClient> {
    const c = await ImapTestClient.connect(service.addresses.imaps!.port, true);
    clients.push(c);
    await c.line();
    const r = await c.command(`LOGIN ${user} "${PASSWORD}"`);
    assert.match(r.tagged, / OK /);
    return c;
  }

  before(async () => {
    store = await openStoreFixture();
    const directory = new SqliteDirectory({ db: store.db, mailStore: store.store, logger: silentLogger });
    await directory.addDomain('example.test');
    aliceId = (await directory.addUser('alice@example.test', PASSWORD)).id;
    await directory.addUser('bob@example.test', PASSWORD);
    lists = new SqliteListStore({ db: store.db, logger: silentLogger });
    await lists.createList({ address: LIST });
    await store.store.createMailbox(listOwnerId(LIST));
    await lists.addMember(LIST, 'Alice@Example.test');
    await lists.addMember(LIST, 'carl@remote.test');
    await deliver('first post');
    await deliver('second post');
    service = await startImapService({
      hostname: 'mx.example.test',
      listen: { imap: null, imaps: '127.0.0.1:0' },
      tls: selfSignedCert(),
      limits: {
        maxLineLength: 8192, maxLiteralSize: 8192, appendLimit: 1024 * 1024, idleTimeout: 600, preAuthTimeout: 60,
        maxErrors: 50, connectionsPerUser: 20, connectionsPerIp: 50, maxConnections: 100,
      },
      allowInsecureAuth: false,
      directory, mailStore: store.store, logger: silentLogger,
      authPenalty: new AuthPenalty({ baseMs: 1, maxMs: 1 }),
      sleep: async () => undefined,
      sharedFolders: new ListArchiveFolders(lists),
    });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await service?.close(500);
    await store?.cleanup();
  });

  it('NAMESPACE announces the shared namespace', async () => {
    const c = await login('alice@example.test');
    const r = await c.command('NAMESPACE');
    assert.deepEqual(r.untagged, ['* NAMESPACE (("" "/")) NIL (("Shared/" "/"))']);
  });

  it('a member lists the archive (LIST, %, LIST-EXTENDED, LIST-STATUS); a non-member sees nothing of it', async () => {
    const alice = await login('alice@example.test');
    const all = await alice.command('LIST "" "*"');
    assert.ok(all.untagged.includes('* LIST (\\Noselect \\HasChildren) "/" "Shared"'), all.untagged.join('\n'));
    assert.ok(all.untagged.includes(`* LIST (\\HasNoChildren) "/" ${Q}`), all.untagged.join('\n'));
    const top = await alice.command('LIST "" "%"');
    assert.ok(top.untagged.includes('* LIST (\\Noselect \\HasChildren) "/" "Shared"'));
    assert.ok(!top.untagged.some((l) => l.includes(SHARED)), '% stops at the root');
    const below = await alice.command('LIST "Shared/" "%"');
    assert.deepEqual(below.untagged, [`* LIST (\\HasNoChildren) "/" ${Q}`]);
    const status = await alice.command(`LIST "" "Shared/*" RETURN (SUBSCRIBED STATUS (MESSAGES UNSEEN))`);
    assert.deepEqual(status.untagged, [`* LIST (\\HasNoChildren \\Subscribed) "/" ${Q}`, `* STATUS ${Q} (MESSAGES 2 UNSEEN 2)`]);
    const st = await alice.command(`STATUS ${SHARED} (MESSAGES UIDNEXT)`);
    assert.deepEqual(st.untagged, [`* STATUS ${Q} (MESSAGES 2 UIDNEXT 3)`]);
    assert.deepEqual((await alice.command('LIST (SPECIAL-USE) "" "*"')).untagged.filter((l) => l.includes('Shared')), []);

    const bob = await login('bob@example.test');
    const bobs = await bob.command('LIST "" "*"');
    assert.ok(!bobs.untagged.some((l) => l.includes('Shared')), bobs.untagged.join('\n'));
    assert.match((await bob.command(`SELECT ${SHARED}`)).tagged, /NO \[NONEXISTENT\]/);
    assert.match((await bob.command(`EXAMINE ${SHARED}`)).tagged, /NO \[NONEXISTENT\]/);
    assert.match((await bob.command(`STATUS ${SHARED} (MESSAGES)`)).tagged, /NO \[NONEXISTENT\]/);
    assert.match((await bob.command(`SUBSCRIBE ${SHARED}`)).tagged, /NO \[NONEXISTENT\]/);
    assert.match((await bob.command(`APPEND ${SHARED} {5}`)).tagged, /NO \[NONEXISTENT\]/, 'no TRYCREATE in the shared namespace');
  });

  it('subscription is the reader\'s own: UNSUBSCRIBE drops it from LSUB, SUBSCRIBE brings it back', async () => {
    const alice = await login('alice@example.test');
    assert.ok((await alice.command('LSUB "" "*"')).untagged.includes(`* LSUB () "/" ${Q}`));
    assert.match((await alice.command(`UNSUBSCRIBE ${SHARED}`)).tagged, / OK /);
    assert.ok(!(await alice.command('LSUB "" "*"')).untagged.some((l) => l.includes(SHARED)));
    assert.ok(!(await alice.command('LIST (SUBSCRIBED) "" "*"')).untagged.some((l) => l.includes('Shared')));
    assert.deepEqual(await lists.archiveUnsubscribed(aliceId), [LIST]);
    assert.match((await alice.command(`SUBSCRIBE ${SHARED}`)).tagged, / OK /);
    assert.ok((await alice.command('LSUB "" "%"')).untagged.includes('* LSUB (\\Noselect) "/" "Shared"'));
    assert.ok((await alice.command('LIST (SUBSCRIBED) "" "*"')).untagged.includes(`* LIST (\\HasNoChildren \\Subscribed) "/" ${Q}`));
  });

  it('SELECT opens it read-only; FETCH and SEARCH work and change no flag; writes are NO [NOPERM]', async () => {
    const alice = await login('alice@example.test');
    const sel = await alice.command(`SELECT ${SHARED}`);
    assert.match(sel.tagged, /OK \[READ-ONLY\]/);
    assert.ok(sel.untagged.includes('* 2 EXISTS'), sel.untagged.join('\n'));
    const body = await alice.command('FETCH 1 (BODY[] FLAGS)');
    assert.match(body.untagged.join('\n'), /Subject: first post/);
    assert.match(body.untagged.join('\n'), /FLAGS \(\)/);
    assert.deepEqual((await alice.command('UID SEARCH SUBJECT second')).untagged, ['* SEARCH 2']);
    assert.match((await alice.command('STORE 1 +FLAGS (\\Seen)')).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command('UID STORE 1 +FLAGS (\\Deleted)')).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command('EXPUNGE')).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command('MOVE 1 INBOX')).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command(`APPEND ${SHARED} {5}`)).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command('CREATE Shared/mine')).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command(`DELETE ${SHARED}`)).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command(`RENAME ${SHARED} Mine`)).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command('RENAME Archive Shared/x')).tagged, /NO \[NOPERM\]/);
    const flags = await store.store.messageFlags(listOwnerId(LIST), 'INBOX');
    assert.deepEqual(flags.map((f) => f.flags), [[], []], 'the archive\'s flags are unchanged');
    assert.match((await alice.command('CLOSE')).tagged, / OK /);
    assert.equal((await store.store.messageFlags(listOwnerId(LIST), 'INBOX')).length, 2, 'CLOSE expunged nothing');
  });

  it('COPY out into the reader\'s own folder works (COPYUID); COPY into the archive is NO [NOPERM]', async () => {
    const alice = await login('alice@example.test');
    await alice.command(`EXAMINE ${SHARED}`);
    const copy = await alice.command('COPY 1:2 Archive');
    assert.match(copy.tagged, /OK \[COPYUID \d+ 1:2 1:2\]/);
    const mine = await store.store.listMessages(aliceId, 'Archive');
    assert.deepEqual(mine.map((m) => m.subject), ['first post', 'second post']);
    assert.match((await alice.command('COPY 1 Nowhere')).tagged, /NO \[TRYCREATE\]/);
    await alice.command('SELECT Archive');
    assert.match((await alice.command(`COPY 1 ${SHARED}`)).tagged, /NO \[NOPERM\]/);
    assert.match((await alice.command(`MOVE 1 ${SHARED}`)).tagged, /NO \[NOPERM\]/);
  });

  it('a new post reaches a reader who has it selected; a member who leaves no longer sees it', async () => {
    const alice = await login('alice@example.test');
    await alice.command(`SELECT ${SHARED}`);
    await deliver('third post');
    const noop = await alice.command('NOOP');
    assert.ok(noop.untagged.includes('* 3 EXISTS'), noop.untagged.join('\n'));
    await lists.setMemberStatus(LIST, 'alice@example.test', 'disabled');
    await alice.command('UNSELECT');
    assert.match((await alice.command(`SELECT ${SHARED}`)).tagged, /NO \[NONEXISTENT\]/);
    assert.ok(!(await alice.command('LIST "" "*"')).untagged.some((l) => l.includes('Shared')));
    await lists.setMemberStatus(LIST, 'alice@example.test', 'active');
  });
});
