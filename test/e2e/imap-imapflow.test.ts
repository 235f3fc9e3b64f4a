// IMAP end to end with imapflow (the IMAP client of Nodemailer's author, used by many Node mail
// apps): TLS, LIST, mailboxOpen, FETCH of envelope/bodyStructure/source, flags, SEARCH, MOVE,
// APPEND, IDLE hearing a delivery within a second, and two clients on one mailbox seeing each
// other's changes (expunge and flags in the source, EXISTS in the destination).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { MailroomInstance, TEST_PASSWORD, buildMessage, rawDeliver, uniqueToken, waitFor, withTimeout } from './harness.js';

const ALICE = 'alice@e2e.test';

function client(inst: MailroomInstance, opts: { implicitTls?: boolean } = {}): ImapFlow {
  const implicitTls = opts.implicitTls ?? true;
  return new ImapFlow({
    host: '127.0.0.1',
    port: implicitTls ? inst.imapsPort : inst.imapPort,
    secure: implicitTls,
    // STARTTLS on the plain port is required, not optional.
    ...(implicitTls ? {} : { doSTARTTLS: true }),
    auth: { user: ALICE, pass: TEST_PASSWORD },
    // The instance's certificate is the self-signed one `mailroom init` made.
    tls: { rejectUnauthorized: false },
    logger: false,
    // Enter IDLE soon after each command, so the tests do not wait for the default delay.
    autoIdleDelay: 200,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

async function deliver(inst: MailroomInstance, subject: string, body = 'Hello from imapflow tests.\r\n'): Promise<string> {
  const message = buildMessage({ from: 'sender@remote.test', to: ALICE, subject, body });
  const r = await rawDeliver(inst.port, { from: 'sender@remote.test', to: [ALICE], message });
  assert.ok(r.ok, `delivery: ${JSON.stringify(r.final)}`);
  return message;
}

/** JSON for assertion messages; imapflow's results hold BigInt (UIDVALIDITY, MODSEQ) and Maps. */
function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x instanceof Map ? [...x.entries()] : x instanceof Set ? [...x] : x));
}

/** Resolves with the first event `name` the client emits for which `pred` holds. */
function nextEvent<T>(c: ImapFlow, name: string, pred: (e: T) => boolean, ms: number, what: string): Promise<T> {
  return withTimeout(new Promise<T>((resolve) => {
    const on = (e: T) => { if (pred(e)) { c.off(name, on); resolve(e); } };
    c.on(name, on);
  }), ms, what);
}

describe('IMAP with imapflow', () => {
  let inst: MailroomInstance;
  const clients: ImapFlow[] = [];
  const open = async (opts: { implicitTls?: boolean } = {}) => {
    const c = client(inst, opts);
    c.on('error', () => { /* surfaced by the failing call */ });
    clients.push(c);
    await withTimeout(c.connect(), 20_000, 'imapflow connect');
    return c;
  };

  before(async () => {
    inst = await MailroomInstance.start({ users: [ALICE], imap: true });
  });
  after(async () => {
    for (const c of clients) await c.logout().catch(() => c.close());
    await inst?.cleanup();
  });

  it('connects over TLS and STARTTLS, lists folders with special-use flags', async () => {
    for (const implicitTls of [true, false]) {
      const c = await open({ implicitTls });
      assert.ok(c.secureConnection || !implicitTls, 'implicit TLS connection');
      const list = await c.list();
      const byPath = new Map(list.map((m) => [m.path, m]));
      for (const p of ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']) assert.ok(byPath.has(p), `LIST has ${p}: ${[...byPath.keys()].join(', ')}`);
      assert.equal(byPath.get('Sent')!.specialUse, '\\Sent');
      assert.equal(byPath.get('Trash')!.specialUse, '\\Trash');
      assert.equal(byPath.get('Junk')!.specialUse, '\\Junk');
      await c.logout();
    }
  });

  it('fetches envelope, bodyStructure and source; sets flags; searches; moves; appends', async () => {
    const token = uniqueToken('flow');
    const sent = await deliver(inst, `${token} fetch me`, 'Body line one.\r\nBody line two, với tiếng Việt.\r\n');
    const c = await open();
    const box = await c.mailboxOpen('INBOX');
    assert.ok(box.exists >= 1);
    assert.ok(box.uidValidity > 0n || Number(box.uidValidity) > 0);

    const uids = await c.search({ subject: token }, { uid: true });
    assert.ok(Array.isArray(uids) && uids.length === 1, `search: ${JSON.stringify(uids)}`);
    const uid = uids[0]!;
    const msg = await c.fetchOne(String(uid), { envelope: true, bodyStructure: true, source: true, flags: true, size: true, internalDate: true }, { uid: true });
    assert.ok(msg, 'fetchOne found the message');
    assert.equal(msg.envelope?.subject, `${token} fetch me`);
    assert.equal(msg.envelope?.from?.[0]?.address, 'sender@remote.test');
    assert.equal(msg.envelope?.to?.[0]?.address, ALICE);
    assert.equal(msg.bodyStructure?.type, 'text/plain');
    assert.equal(msg.bodyStructure?.parameters?.charset, 'utf-8');
    const stored = (await inst.findBySubject(ALICE, token))[0]!;
    const raw = await inst.mailCat(ALICE, stored.uid);
    assert.equal(msg.source?.toString('latin1'), raw.toString('latin1'), 'source is the stored message');
    assert.ok(msg.source!.toString('utf8').endsWith(sent.slice(sent.indexOf('\r\n\r\n') + 4)), 'the body is what was sent');
    assert.equal(msg.size, raw.length);

    assert.ok(await c.messageFlagsAdd(String(uid), ['\\Flagged', '\\Seen', 'Important'], { uid: true }));
    const flagged = await c.fetchOne(String(uid), { flags: true }, { uid: true });
    assert.ok(flagged && flagged.flags?.has('\\Flagged') && flagged.flags.has('\\Seen') && flagged.flags.has('Important'), `flags: ${[...(flagged ? flagged.flags ?? [] : [])].join(' ')}`);
    assert.deepEqual(await c.search({ flagged: true, subject: token }, { uid: true }), [uid]);
    assert.deepEqual(await c.search({ body: 'Việt' }, { uid: true }), [uid], 'SEARCH BODY with a UTF-8 word');

    const moved = await c.messageMove(String(uid), 'Archive', { uid: true });
    assert.ok(moved && moved.uidMap && moved.uidMap.size === 1, `MOVE: ${show(moved)}`);
    assert.deepEqual(await c.search({ subject: token }, { uid: true }), []);
    assert.equal((await inst.findBySubject(ALICE, token, 'Archive')).length, 1);

    const draftToken = uniqueToken('draft');
    const draft = buildMessage({ from: ALICE, to: 'bob@remote.test', subject: `${draftToken} draft`, body: 'Saved by imapflow.\r\n' });
    const appended = await c.append('Drafts', draft, ['\\Draft', '\\Seen']);
    assert.ok(appended && appended.uid, `APPEND: ${show(appended)}`);
    const drafts = await inst.findBySubject(ALICE, draftToken, 'Drafts');
    assert.equal(drafts.length, 1);
    assert.equal((await inst.mailCat(ALICE, drafts[0]!.uid, 'Drafts')).toString('latin1'), draft);
    await c.logout();
  });

  it('IDLE: the exists event comes within a second of a delivery', async () => {
    const c = await open();
    // imapflow updates the mailbox object it returned as responses arrive: keep the count.
    const before = (await c.mailboxOpen('INBOX')).exists;
    await waitFor(() => c.idling, 5000, 'imapflow to enter IDLE');
    const heard = nextEvent<{ path: string; count: number; prevCount: number }>(c, 'exists', (e) => e.path === 'INBOX' && e.count > before, 10_000, 'exists event');
    await deliver(inst, `${uniqueToken('idle')} wake up`);
    const acked = Date.now();
    const e = await heard;
    const ms = Date.now() - acked;
    assert.equal(e.count, before + 1);
    assert.ok(ms < 1000, `exists came ${ms} ms after the 250`);
    await c.logout();
  });

  it('two clients on INBOX: a move in one shows as expunge in the other and EXISTS in the destination; flags too', async () => {
    const token = uniqueToken('pair');
    await deliver(inst, `${token} shared`);
    const a = await open();
    const b = await open();
    const watcher = await open();
    await a.mailboxOpen('INBOX');
    await b.mailboxOpen('INBOX');
    const archiveBefore = (await watcher.mailboxOpen('Archive')).exists;
    const [uid] = (await a.search({ subject: token }, { uid: true })) as number[];
    assert.ok(uid, 'client A finds the message');
    await waitFor(() => b.idling && watcher.idling, 5000, 'clients B and the Archive watcher to enter IDLE');

    // Flags set in A reach B while B idles.
    const flagsSeen = nextEvent<{ path: string; uid?: number; flags: Set<string> }>(b, 'flags', (e) => e.flags.has('\\Flagged'), 5000, 'flags event in client B');
    await a.messageFlagsAdd(String(uid), ['\\Flagged'], { uid: true });
    const fe = await flagsSeen;
    assert.ok(fe.flags.has('\\Flagged'));

    // A moves it: B hears the expunge, the watcher hears EXISTS in Archive.
    await waitFor(() => b.idling, 5000, 'client B back in IDLE');
    const expunged = nextEvent<{ path: string; seq?: number; uid?: number; vanished?: boolean }>(b, 'expunge', (e) => e.path === 'INBOX', 5000, 'expunge event in client B');
    const arrived = nextEvent<{ path: string; count: number }>(watcher, 'exists', (e) => e.path === 'Archive' && e.count === archiveBefore + 1, 5000, 'exists event in the Archive watcher');
    const moved = await a.messageMove(String(uid), 'Archive', { uid: true });
    assert.ok(moved, 'MOVE succeeded');
    await expunged;
    await arrived;
    const inB = await b.search({ subject: token }, { uid: true });
    assert.deepEqual(inB, [], 'client B no longer sees it in INBOX');
  });
});
