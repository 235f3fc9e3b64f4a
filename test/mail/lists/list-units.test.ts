// Pure parts of mailing lists: addresses and VERP, tokens, the posting policy, the copy's header
// section and the DMARC rewrite decision.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  confirmToken, confirmTokenId, confirmTokenMatches, decodeUnsubscribeToken, decodeVerp, listAddressCandidates, unsubscribeToken, verpAddress,
} from '../../../mail/lists/list-addresses.js';
import { decideAuthor, decideEnvelope } from '../../../mail/lists/list-policy.js';
import { listCopyHeader, parseHeaderFields, parseMailbox } from '../../../mail/lists/list-headers.js';
import { createDmarcPolicySource, needsFromRewrite, parseDmarcRecord } from '../../../mail/lists/dmarc-policy.js';
import type { MailingList } from '../../../mail/lists/list-types.js';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 8);
const LIST = 'team@example.test';

function list(over: Partial<MailingList> = {}): MailingList {
  return { address: LIST, name: 'Team', postPolicy: 'members', subjectPrefix: '[team]', owner: null, senders: [], sendToPoster: true, createdAt: new Date(0), ...over };
}

test('list address candidates: post, requests, tagged bounces and confirmations', () => {
  assert.deepEqual(listAddressCandidates('Team@Example.test'), [{ list: LIST, role: 'post', tag: null }]);
  assert.deepEqual(listAddressCandidates('team-subscribe@example.test').map((c) => [c.list, c.role]), [['team-subscribe@example.test', 'post'], [LIST, 'subscribe']]);
  assert.deepEqual(listAddressCandidates('team-bounces+abc@example.test'), [{ list: LIST, role: 'bounces', tag: 'abc' }]);
  assert.deepEqual(listAddressCandidates('team-confirm+1-aa@example.test'), [{ list: LIST, role: 'confirm', tag: '1-aa' }]);
  assert.deepEqual(listAddressCandidates('team-confirm@example.test').map((c) => c.role), ['post'], 'a confirmation needs its token');
  assert.deepEqual(listAddressCandidates('team-subscribe+x@example.test'), [], 'requests take no tag');
  assert.deepEqual(listAddressCandidates('no-at-sign'), []);
});

test('VERP: readable member, HMAC checked, case-insensitive; long addresses use the member id', () => {
  const v = verpAddress(KEY, LIST, { id: 3, address: 'Bob@Beta.test' });
  assert.match(v, /^team-bounces\+[0-9a-f]{10}\.bob=beta\.test@example\.test$/);
  const tag = v.slice(v.indexOf('+') + 1, v.lastIndexOf('@'));
  assert.deepEqual(decodeVerp(KEY, LIST, tag.toUpperCase()), { kind: 'address', address: 'bob@beta.test' });
  assert.equal(decodeVerp(OTHER, LIST, tag), null, 'another key');
  assert.equal(decodeVerp(KEY, 'other@example.test', tag), null, 'another list');
  assert.equal(decodeVerp(KEY, LIST, tag.replace(/^[0-9a-f]/, (c) => (c === '0' ? '1' : '0'))), null, 'a changed MAC');
  assert.equal(decodeVerp(KEY, LIST, 'garbage'), null);
  const long = verpAddress(KEY, LIST, { id: 42, address: `${'x'.repeat(50)}@beta.test` });
  assert.match(long, /^team-bounces\+[0-9a-f]{10}\.id42@example\.test$/);
  assert.deepEqual(decodeVerp(KEY, LIST, long.slice(long.indexOf('+') + 1, long.lastIndexOf('@'))), { kind: 'id', id: 42 });
});

test('one-click tokens validate without a lookup; forged ones do not', () => {
  const t = unsubscribeToken(KEY, LIST, 'Bob@beta.test');
  assert.deepEqual(decodeUnsubscribeToken(KEY, t), { list: LIST, member: 'bob@beta.test' });
  assert.equal(decodeUnsubscribeToken(OTHER, t), null);
  const [payload] = t.split('.');
  const swapped = `${Buffer.from(`${LIST}\neve@beta.test`).toString('base64url')}.${t.split('.')[1]}`;
  assert.equal(decodeUnsubscribeToken(KEY, swapped), null, 'another member under the same MAC');
  assert.equal(decodeUnsubscribeToken(KEY, `${payload}.zz`), null);
  assert.equal(decodeUnsubscribeToken(KEY, 'abc123'), null);
});

test('confirmation tokens name the pending row and are bound to its fields', () => {
  const pending = { id: 9, list: LIST, address: 'bob@beta.test', action: 'subscribe' };
  const t = confirmToken(KEY, pending);
  assert.equal(confirmTokenId(t), 9);
  assert.ok(confirmTokenMatches(KEY, t, pending));
  assert.ok(!confirmTokenMatches(KEY, t, { ...pending, address: 'eve@beta.test' }));
  assert.ok(!confirmTokenMatches(KEY, t, { ...pending, action: 'unsubscribe' }));
  assert.equal(confirmTokenId('nope'), null);
});

test('posting policy at RCPT and at DATA', () => {
  const stranger = { address: 'x@y.test', member: false };
  const member = { address: 'm@y.test', member: true };
  assert.equal(decideEnvelope(list(), member).kind, 'accept');
  const refused = decideEnvelope(list(), stranger);
  assert.equal(refused.kind, 'refuse');
  assert.equal(refused.kind === 'refuse' && refused.reply.enhanced, '5.7.1');
  assert.match(refused.kind === 'refuse' ? String(refused.reply.text) : '', /only members may post to team@example\.test/);
  assert.equal(decideEnvelope(list(), { address: '', member: false }).kind, 'refuse', 'no bounces to the post address');
  assert.equal(decideEnvelope(list(), { address: 'SRS0=ab=cd=y.test=x@fwd.test', member: false }).kind, 'wait');
  assert.equal(decideEnvelope(list({ postPolicy: 'anyone' }), stranger).kind, 'accept');
  assert.equal(decideEnvelope(list({ postPolicy: 'senders', senders: ['x@y.test'] }), stranger).kind, 'accept');
  assert.equal(decideEnvelope(list({ postPolicy: 'moderated' }), member).kind, 'hold');
  assert.equal(decideEnvelope(list({ postPolicy: 'moderated', senders: ['m@y.test'] }), member).kind, 'accept');
  assert.equal(decideAuthor(list(), stranger).kind, 'refuse');
  assert.equal(decideAuthor(list(), null).kind, 'refuse');
  assert.equal(decideAuthor(list(), member).kind, 'accept');
});

const HEAD = 'Return-Path: <ann@a.test>\r\nReceived: from x\r\n by y\r\nFrom: "Ann A" <Ann@a.test>\r\nTo: team@example.test\r\nSubject: hello\r\nList-Id: <old.list>\r\n';

test('the copy header: list fields, prefix once, old list fields and Return-Path dropped', () => {
  const out = listCopyHeader(parseHeaderFields(HEAD), { list: list(), unsubscribeUrl: 'https://mx/api/v1/lists/unsubscribe/T', unsubscribeMailto: 'team-unsubscribe@example.test', rewriteFrom: false });
  assert.ok(!out.includes('Return-Path'));
  assert.ok(!out.includes('old.list'));
  assert.ok(out.includes('Received: from x\r\n by y\r\n'), 'folded fields kept whole');
  assert.ok(out.includes('Subject: [team] hello\r\n'));
  assert.ok(out.includes('List-Id: "Team" <team.example.test>\r\n'));
  assert.ok(out.includes('List-Post: <mailto:team@example.test>\r\n'));
  assert.ok(out.includes('List-Unsubscribe: <https://mx/api/v1/lists/unsubscribe/T>,\r\n <mailto:team-unsubscribe@example.test>\r\n'));
  assert.ok(out.includes('List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n'));
  assert.ok(out.includes('Precedence: list\r\n'));
  assert.ok(out.includes('From: "Ann A" <Ann@a.test>\r\n'));
  const reply = listCopyHeader(parseHeaderFields('From: b@b.test\r\nSubject: Re: [Team] hello\r\n'), { list: list(), unsubscribeUrl: null, unsubscribeMailto: 'u@example.test', rewriteFrom: false });
  assert.ok(reply.includes('Subject: Re: [Team] hello\r\n'), 'no second prefix');
  assert.ok(!reply.includes('List-Unsubscribe-Post'), 'no one-click without the URL');
});

test('DMARC From rewrite: "Author via List", Reply-To the author unless one is set', () => {
  const out = listCopyHeader(parseHeaderFields(HEAD), { list: list(), unsubscribeUrl: null, unsubscribeMailto: 'u@example.test', rewriteFrom: true });
  assert.ok(out.includes('From: "Ann A via Team" <team@example.test>\r\n'), out);
  assert.ok(out.includes('Reply-To: "Ann A" <Ann@a.test>\r\n'));
  const withReplyTo = listCopyHeader(parseHeaderFields('From: ann@a.test\r\nReply-To: other@a.test\r\n'), { list: list(), unsubscribeUrl: null, unsubscribeMailto: 'u@example.test', rewriteFrom: true });
  assert.ok(withReplyTo.includes('From: "ann via Team" <team@example.test>\r\n'));
  assert.equal((withReplyTo.match(/Reply-To:/g) ?? []).length, 1);
  assert.deepEqual(parseMailbox('Ann <ANN@a.test>'), { name: 'Ann', address: 'ann@a.test' });
  assert.deepEqual(parseMailbox('ann@a.test (Ann)'), { name: 'Ann', address: 'ann@a.test' });
});

test('DMARC policy: records parsed, organisational domain asked, failures rewrite, cached', async () => {
  assert.equal(parseDmarcRecord('v=DMARC1; p=reject', false), 'reject');
  assert.equal(parseDmarcRecord('v=DMARC1; p=none; sp=quarantine', true), 'quarantine');
  assert.equal(parseDmarcRecord('v=spf1 -all', false), null);
  assert.ok(needsFromRewrite('reject') && needsFromRewrite('quarantine') && needsFromRewrite('unknown') && !needsFromRewrite('none'));
  const asked: string[] = [];
  const records: Record<string, string[][]> = { '_dmarc.org.test': [['v=DMARC1; p=none; ', 'sp=reject']], '_dmarc.strict.test': [['v=DMARC1; p=quarantine']] };
  const source = createDmarcPolicySource({
    resolve: async (name) => {
      asked.push(name);
      if (name === '_dmarc.broken.test') throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
      const r = records[name];
      if (!r) throw Object.assign(new Error('none'), { code: 'ENOTFOUND' });
      return r;
    },
  });
  assert.equal(await source.policyOf('strict.test'), 'quarantine');
  assert.equal(await source.policyOf('mail.org.test'), 'reject', 'sp= of the organisational domain');
  assert.equal(await source.policyOf('plain.test'), 'none');
  assert.equal(await source.policyOf('broken.test'), 'unknown');
  const before = asked.length;
  assert.equal(await source.policyOf('STRICT.test'), 'quarantine');
  assert.equal(asked.length, before, 'answered from the cache');
});
