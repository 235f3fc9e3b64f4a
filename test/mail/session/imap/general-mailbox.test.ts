// The commands of any state against a real store: LIST (patterns, LIST-EXTENDED, LIST-STATUS,
// special use, children), LSUB, STATUS, CREATE/DELETE/RENAME/SUBSCRIBE and their refusals,
// quota, ENABLE, ID and NAMESPACE.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ALICE_QUOTA, BOB, imapHarness, type ImapHarness, type ImapTestClient } from './engine-harness.js';

const MESSAGE = 'From: a@example.test\r\nSubject: hi\r\n\r\nhello\r\n';

/** The names of `* LIST` lines, in order. */
const names = (lines: string[], verb = 'LIST') => lines.filter((l) => l.startsWith(`* ${verb} `)).map((l) => /"\/" (.*)$/.exec(l)![1]!.replace(/^"|"$/g, '').replace(/ \(\("CHILDINFO".*$/, '').replace(/"$/, ''));

describe('IMAP commands of any state', () => {
  let h: ImapHarness;
  let c: ImapTestClient;
  before(async () => {
    h = await imapHarness();
    for (const f of ['Projects', 'Projects/2024', 'Projects/2024/Q1', 'Projects/2025', 'Reports', 'Thư đã gửi']) {
      await h.store.store.createFolder(h.aliceId, f);
    }
    await h.store.store.setSubscribed(h.aliceId, 'Projects', false);
    await h.store.store.setSubscribed(h.aliceId, 'Reports', false);
    await h.store.store.setSubscribed(h.aliceId, 'Projects/2024', false);
    await h.deliver(MESSAGE);
    await h.deliver(MESSAGE, { flags: ['\\Seen', '\\Deleted'] });
    await h.deliver(MESSAGE, { flags: ['\\Deleted'] });
    c = await h.login();
  });
  after(async () => {
    c.destroy();
    await h.close();
  });

  it('LIST "" "" answers the separator; NAMESPACE the one personal namespace', async () => {
    assert.deepEqual((await c.command('LIST "" ""')).untagged, ['* LIST (\\Noselect) "/" ""']);
    const r = await c.command('NAMESPACE');
    assert.deepEqual(r.untagged, ['* NAMESPACE (("" "/")) NIL NIL']);
    assert.match(r.tagged, / OK /);
  });

  it('LIST patterns: *, %, references, INBOX in any case, names in modified UTF-7', async () => {
    const all = await c.command('LIST "" "*"');
    assert.deepEqual(names(all.untagged), [
      'INBOX', 'Archive', 'Drafts', 'Junk', 'Projects', 'Projects/2024', 'Projects/2024/Q1', 'Projects/2025', 'Reports', 'Sent',
      'Th&AbA- &AREA4w- g&Hu0-i', 'Trash',
    ]);
    assert.ok(all.untagged.includes('* LIST (\\HasNoChildren \\Sent) "/" "Sent"'), all.untagged.join('\n'));
    assert.ok(all.untagged.includes('* LIST (\\HasChildren) "/" "Projects"'));
    assert.ok(all.untagged.includes('* LIST (\\HasNoChildren) "/" "INBOX"'));
    const table: Array<[string, string[]]> = [
      ['"" "%"', ['INBOX', 'Archive', 'Drafts', 'Junk', 'Projects', 'Reports', 'Sent', 'Th&AbA- &AREA4w- g&Hu0-i', 'Trash']],
      ['"" "Projects/%"', ['Projects/2024', 'Projects/2025']],
      ['"Projects/" "%"', ['Projects/2024', 'Projects/2025']],
      ['"Projects/" "*"', ['Projects/2024', 'Projects/2024/Q1', 'Projects/2025']],
      ['"" "Projects/%/%"', ['Projects/2024/Q1']],
      ['"" "*2024*"', ['Projects/2024', 'Projects/2024/Q1']],
      ['"" "P%"', ['Projects']],
      ['"" "inbox"', ['INBOX']],
      ['"" "InBox"', ['INBOX']],
      ['"" "Sent"', ['Sent']],
      ['"" "sent"', []],
      ['"" "Nope*"', []],
      ['"" "%/%"', ['Projects/2024', 'Projects/2025']],
    ];
    for (const [args, expected] of table) assert.deepEqual(names((await c.command(`LIST ${args}`)).untagged), expected, args);
  });

  it('LIST-EXTENDED: SUBSCRIBED, RECURSIVEMATCH with CHILDINFO, SPECIAL-USE, RETURN options, several patterns', async () => {
    const sub = await c.command('LIST (SUBSCRIBED) "" "*"');
    assert.deepEqual(names(sub.untagged), ['INBOX', 'Archive', 'Drafts', 'Junk', 'Projects/2024/Q1', 'Projects/2025', 'Sent', 'Th&AbA- &AREA4w- g&Hu0-i', 'Trash']);
    assert.ok(sub.untagged.every((l) => l.includes('\\Subscribed')), sub.untagged.join('\n'));

    const rec = await c.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"');
    assert.ok(rec.untagged.includes('* LIST (\\HasChildren) "/" "Projects" (("CHILDINFO" ("SUBSCRIBED")))'), rec.untagged.join('\n'));
    assert.ok(!names(rec.untagged).includes('Reports'));

    const special = await c.command('LIST (SPECIAL-USE) "" "*"');
    assert.deepEqual(special.untagged, [
      '* LIST (\\HasNoChildren \\Archive) "/" "Archive"',
      '* LIST (\\HasNoChildren \\Drafts) "/" "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "/" "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "/" "Trash"',
    ]);
    const ret = await c.command('LIST "" ("INBOX" "Reports" "Projects/%") RETURN (SUBSCRIBED CHILDREN SPECIAL-USE)');
    assert.deepEqual(ret.untagged, [
      '* LIST (\\HasNoChildren \\Subscribed) "/" "INBOX"',
      '* LIST (\\HasChildren) "/" "Projects/2024"',
      '* LIST (\\HasNoChildren \\Subscribed) "/" "Projects/2025"',
      '* LIST (\\HasNoChildren) "/" "Reports"',
    ]);
    assert.match((await c.command('LIST (BOGUS) "" "*"')).tagged, / BAD /);
  });

  it('LIST-STATUS: a STATUS after each listed mailbox', async () => {
    const r = await c.command('LIST "" ("INBOX" "Sent") RETURN (STATUS (MESSAGES UNSEEN DELETED))');
    assert.deepEqual(r.untagged, [
      '* LIST (\\HasNoChildren) "/" "INBOX"',
      '* STATUS "INBOX" (MESSAGES 3 UNSEEN 2 DELETED 2)',
      '* LIST (\\HasNoChildren \\Sent) "/" "Sent"',
      '* STATUS "Sent" (MESSAGES 0 UNSEEN 0 DELETED 0)',
    ]);
  });

  it('LSUB: subscribed folders; a % level that is not subscribed shows as \\Noselect', async () => {
    const all = await c.command('LSUB "" "*"');
    assert.deepEqual(names(all.untagged, 'LSUB'), ['INBOX', 'Archive', 'Drafts', 'Junk', 'Projects/2024/Q1', 'Projects/2025', 'Sent', 'Th&AbA- &AREA4w- g&Hu0-i', 'Trash']);
    const top = await c.command('LSUB "" "Proj%"');
    assert.deepEqual(top.untagged, ['* LSUB (\\Noselect) "/" "Projects"']);
    const second = await c.command('LSUB "Projects/" "%"');
    assert.deepEqual(second.untagged, ['* LSUB (\\Noselect) "/" "Projects/2024"', '* LSUB () "/" "Projects/2025"']);
  });

  it('STATUS: every item, of the selected mailbox too; unknown mailbox NO [NONEXISTENT]', async () => {
    const inbox = (await h.store.store.getFolder(h.aliceId, 'INBOX'))!;
    const r = await c.command('STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN DELETED SIZE RECENT HIGHESTMODSEQ APPENDLIMIT MAILBOXID)');
    assert.deepEqual(r.untagged, [
      `* STATUS "INBOX" (MESSAGES 3 UIDNEXT 4 UIDVALIDITY ${inbox.uidValidity} UNSEEN 2 DELETED 2 SIZE ${3 * MESSAGE.length} RECENT 0 HIGHESTMODSEQ ${inbox.highestModseq} APPENDLIMIT 1048576 MAILBOXID (${inbox.mailboxId}))`,
    ]);
    assert.match((await c.command('STATUS Nowhere (MESSAGES)')).tagged, / NO \[NONEXISTENT\] /);
    assert.match((await c.command('STATUS INBOX (BOGUS)')).tagged, / BAD /);
    assert.match((await c.command('SELECT INBOX')).tagged, / OK /);
    assert.deepEqual((await c.command('STATUS INBOX (MESSAGES)')).untagged, ['* STATUS "INBOX" (MESSAGES 3)']);
    assert.match((await c.command('UNSELECT')).tagged, / OK /);
  });

  it('CREATE, RENAME, SUBSCRIBE, DELETE and their refusals', async () => {
    const ok = async (cmd: string) => assert.match((await c.command(cmd)).tagged, / OK /, cmd);
    const no = async (cmd: string, code: RegExp) => assert.match((await c.command(cmd)).tagged, code, cmd);
    await ok('CREATE Work/');
    assert.ok(await h.store.store.getFolder(h.aliceId, 'Work'), 'created without the trailing separator');
    await ok('CREATE Work/Deep/Down');
    assert.ok(await h.store.store.getFolder(h.aliceId, 'Work/Deep'), 'parents are created');
    await no('CREATE Work', /NO \[ALREADYEXISTS\] /);
    await no('CREATE inbox', /NO \[ALREADYEXISTS\] /);
    await no('CREATE "a//b"', /NO \[CANNOT\] /);
    await no('CREATE "bad*name"', /NO \[CANNOT\] /);
    await ok('CREATE Sent2 (USE (\\Sent))');
    assert.equal((await h.store.store.getFolder(h.aliceId, 'Sent2'))?.specialUse, '\\Sent');
    await no('CREATE Everything (USE (\\All))', /NO \[USEATTR\] /);
    await ok('CREATE "Caf&AOk-"');
    assert.ok(await h.store.store.getFolder(h.aliceId, 'Café'), 'modified UTF-7 decoded');
    await no('CREATE "Caf\u00e9x"', / BAD /);

    await no('DELETE Work', /NO \[HASCHILDREN\] /);
    await no('DELETE INBOX', / NO /);
    await no('DELETE Nowhere', /NO \[NONEXISTENT\] /);
    await ok('DELETE Work/Deep/Down');
    await ok('DELETE Work/Deep');

    await ok('RENAME Work Play');
    await no('RENAME Work Other', /NO \[NONEXISTENT\] /);
    await no('RENAME Play Sent', /NO \[ALREADYEXISTS\] /);
    await ok('RENAME Play Projects/Play');
    assert.ok(await h.store.store.getFolder(h.aliceId, 'Projects/Play'));

    await ok('UNSUBSCRIBE Sent2');
    assert.equal((await h.store.store.getFolder(h.aliceId, 'Sent2'))?.subscribed, false);
    await ok('SUBSCRIBE Sent2');
    assert.equal((await h.store.store.getFolder(h.aliceId, 'Sent2'))?.subscribed, true);
    await no('SUBSCRIBE Nowhere', /NO \[NONEXISTENT\] /);
    await no('UNSUBSCRIBE Nowhere', /NO \[NONEXISTENT\] /);
  });

  it('DELETE of the selected mailbox: tagged OK, then BYE (as Dovecot does)', async () => {
    const d = await h.login();
    assert.match((await d.command('CREATE Doomed')).tagged, / OK /);
    assert.match((await d.command('SELECT Doomed')).tagged, / OK /);
    assert.match((await d.command('DELETE Doomed')).tagged, / OK /);
    assert.match(await d.line(), /^\* BYE Selected mailbox was deleted/);
    assert.ok(await d.waitClosed());
    assert.equal(await h.store.store.getFolder(h.aliceId, 'Doomed'), null);
  });

  it('quota: GETQUOTAROOT and GETQUOTA "" for an account with a quota; none without; SETQUOTA refused', async () => {
    const usage = await h.store.store.usage(h.aliceId);
    const quotaLine = `* QUOTA "" (STORAGE ${Math.ceil(usage.bytes / 1024)} ${ALICE_QUOTA / 1024})`;
    const root = await c.command('GETQUOTAROOT INBOX');
    assert.deepEqual(root.untagged, ['* QUOTAROOT "INBOX" ""', quotaLine]);
    assert.deepEqual((await c.command('GETQUOTA ""')).untagged, [quotaLine]);
    assert.match((await c.command('GETQUOTA "other"')).tagged, / NO \[NONEXISTENT\] /);
    assert.match((await c.command('GETQUOTAROOT Nowhere')).tagged, / NO \[NONEXISTENT\] /);
    assert.match((await c.command('SETQUOTA "" (STORAGE 1)')).tagged, / NO \[NOPERM\] /);

    const bob = await h.login(BOB);
    assert.deepEqual((await bob.command('GETQUOTAROOT INBOX')).untagged, ['* QUOTAROOT "INBOX"']);
    assert.match((await bob.command('GETQUOTA ""')).tagged, / NO \[NONEXISTENT\] /);
    // An administrator's change shows at once.
    await h.directory.setQuota(BOB, 2048 * 1024);
    assert.deepEqual((await bob.command('GETQUOTA ""')).untagged, ['* QUOTA "" (STORAGE 0 2048)']);
    bob.destroy();
  });

  it('ENABLE (only newly enabled ones, authenticated state only), ID', async () => {
    const d = await h.login();
    assert.deepEqual((await d.command('ENABLE CONDSTORE X-UNKNOWN')).untagged, ['* ENABLED CONDSTORE']);
    assert.deepEqual((await d.command('ENABLE CONDSTORE QRESYNC')).untagged, ['* ENABLED QRESYNC']);
    assert.deepEqual((await d.command('ENABLE QRESYNC')).untagged, ['* ENABLED']);
    assert.deepEqual((await d.command('ENABLE IMAP4rev2')).untagged, ['* ENABLED IMAP4rev2']);
    // IMAP4rev2: names in UTF-8.
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    assert.deepEqual((await d.command('LIST "" "Th*"')).untagged, [utf8('* LIST (\\HasNoChildren) "/" "Thư đã gửi"')]);
    assert.match((await d.command('SELECT INBOX')).tagged, / OK /);
    assert.match((await d.command('ENABLE CONDSTORE')).tagged, / BAD /, 'not in the selected state');
    const id = await d.command('ID ("name" "TestClient" "version" "1.0")');
    assert.deepEqual(id.untagged, ['* ID ("name" "Mailroom" "version" "9.8.7")']);
    assert.ok(h.logs.some((l) => l.msg === 'imap client id' && (l.client as Record<string, string>).name === 'TestClient'));
    d.destroy();
    const e = await h.connect('imaps');
    await e.line();
    assert.deepEqual((await e.command('ID NIL')).untagged, ['* ID ("name" "Mailroom" "version" "9.8.7")'], 'ID before login too');
    e.destroy();
  });
});
