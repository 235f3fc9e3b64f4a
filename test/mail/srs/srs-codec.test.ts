import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { isOurSrsAddress, srsForward, srsHash, srsReverse, srsTimestamp, srsTimestampValid, type SrsOptions } from '../../../mail/srs/srs-codec.js';

const DAY = 86_400_000;
const now = new Date(Date.UTC(2024, 4, 17, 12));
const a: SrsOptions = { key: Buffer.from('alpha secret'), domain: 'fwd.alpha.test', maxAgeDays: 21 };
const b: SrsOptions = { key: Buffer.from('beta secret'), domain: 'fwd.beta.test', maxAgeDays: 21 };

describe('SRS time stamps', () => {
  test('two base32 characters of the day number mod 1024, checked case-insensitively', () => {
    const day = Math.floor(now.getTime() / DAY) % 1024;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    assert.equal(srsTimestamp(now), alphabet[day >> 5]! + alphabet[day & 31]!);
    assert.ok(srsTimestampValid(srsTimestamp(now), now, 21));
    assert.ok(srsTimestampValid(srsTimestamp(now).toLowerCase(), now, 21));
  });
  const cases: [string, number, boolean][] = [
    ['today', 0, true], ['21 days old', 21, true], ['22 days old', 22, false],
    ['tomorrow (a previous cycle: very old)', -1, false], ['1023 days old', 1023, false], ['1024 days old (wrapped)', 1024, true],
  ];
  for (const [name, ageDays, valid] of cases) {
    test(name, () => assert.equal(srsTimestampValid(srsTimestamp(new Date(now.getTime() - ageDays * DAY)), now, 21), valid));
  }
  test('garbage stamps are refused', () => {
    for (const s of ['', 'A', 'AAA', '1A', '==']) assert.equal(srsTimestampValid(s, now, 21), false, s);
  });
});

describe('SRS0', () => {
  test('the libsrs2 layout with an HMAC-SHA1 of the lower-cased fields', () => {
    const addr = srsForward('Alice@Orig.Test', a, now);
    const stamp = srsTimestamp(now);
    const expectedHash = createHmac('sha1', a.key).update(stamp.toLowerCase()).update('orig.test').update('alice').digest('base64').slice(0, 4);
    assert.equal(addr, `SRS0=${expectedHash}=${stamp}=Orig.Test=Alice@fwd.alpha.test`);
  });

  const senders = ['alice@orig.test', 'first.last+tag@sub.orig.test', 'a=b@orig.test', 'x@y.example'];
  for (const sender of senders) {
    test(`round trip of ${sender}`, () => {
      const srs = srsForward(sender, a, now);
      assert.match(srs, /^SRS0=/);
      assert.ok(isOurSrsAddress(srs, a));
      assert.deepEqual(srsReverse(srs, a, now), { ok: true, kind: 'SRS0', address: sender });
    });
  }

  test('case folding on the way (an MTA lower- or upper-casing the local part) still verifies', () => {
    const srs = srsForward('alice@orig.test', a, now);
    assert.deepEqual(srsReverse(srs.toLowerCase(), a, now), { ok: true, kind: 'SRS0', address: 'alice@orig.test' });
    const upper = srs.slice(0, srs.indexOf('@')).toUpperCase() + srs.slice(srs.indexOf('@'));
    assert.deepEqual(srsReverse(upper, a, now), { ok: true, kind: 'SRS0', address: 'ALICE@ORIG.TEST' });
  });

  test('a forged hash, a changed field or another key is refused', () => {
    const srs = srsForward('alice@orig.test', a, now);
    const [, hash] = /^SRS0=([^=]+)=/.exec(srs)!;
    const flipped = hash!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    assert.deepEqual(srsReverse(srs.replace(hash!, flipped), a, now), { ok: false, reason: 'bad_hash' });
    assert.deepEqual(srsReverse(srs.replace('=alice@', '=mallory@'), a, now), { ok: false, reason: 'bad_hash' });
    assert.deepEqual(srsReverse(srs.replace('=orig.test=', '=evil.test='), a, now), { ok: false, reason: 'bad_hash' });
    assert.deepEqual(srsReverse(srs, { ...a, key: Buffer.from('other') }, now), { ok: false, reason: 'bad_hash' });
  });

  test('expired after maxAgeDays', () => {
    const old = srsForward('alice@orig.test', a, new Date(now.getTime() - 22 * DAY));
    assert.deepEqual(srsReverse(old, a, now), { ok: false, reason: 'expired' });
    assert.deepEqual(srsReverse(old, { ...a, maxAgeDays: 30 }, now), { ok: true, kind: 'SRS0', address: 'alice@orig.test' });
  });

  test('malformed and foreign addresses', () => {
    assert.deepEqual(srsReverse('SRS0=abcd@fwd.alpha.test', a, now), { ok: false, reason: 'malformed' });
    assert.deepEqual(srsReverse('SRS0=abcd=TT=orig.test@fwd.alpha.test', a, now), { ok: false, reason: 'malformed' });
    assert.deepEqual(srsReverse('alice@fwd.alpha.test', a, now), { ok: false, reason: 'not_srs' });
    assert.deepEqual(srsReverse(srsForward('alice@orig.test', b, now), a, now), { ok: false, reason: 'not_srs' });
    assert.equal(isOurSrsAddress('srs0=x=y=z=w@FWD.alpha.test', a), true);
    assert.equal(isOurSrsAddress('srs2=x=y=z=w@fwd.alpha.test', a), false);
  });

  test('the null sender stays null; our own domain is not rewritten', () => {
    assert.equal(srsForward('', a, now), '');
    assert.equal(srsForward('bounces@fwd.alpha.test', a, now), 'bounces@fwd.alpha.test');
  });
});

describe('SRS1', () => {
  test('re-forwarding an SRS0 address makes SRS1; reversing it gives the SRS0 back; that reverses to the sender', () => {
    const first = srsForward('alice@orig.test', a, now);
    const second = srsForward(first, b, now);
    const rest = first.slice(4, first.indexOf('@'));
    assert.equal(second, `SRS1=${srsHash(b.key, ['fwd.alpha.test', rest])}=fwd.alpha.test=${rest}@fwd.beta.test`);
    assert.match(second, /^SRS1=[^=]{4}=fwd\.alpha\.test==[^=]{4}=..=orig\.test=alice@fwd\.beta\.test$/);
    const back = srsReverse(second, b, now);
    assert.deepEqual(back, { ok: true, kind: 'SRS1', address: first });
    assert.deepEqual(srsReverse(first, a, now), { ok: true, kind: 'SRS0', address: 'alice@orig.test' });
  });

  test('a third hop keeps the first forwarder and re-signs', () => {
    const c: SrsOptions = { key: Buffer.from('gamma'), domain: 'fwd.gamma.test', maxAgeDays: 21 };
    const first = srsForward('alice@orig.test', a, now);
    const second = srsForward(first, b, now);
    const third = srsForward(second, c, now);
    assert.match(third, /^SRS1=[^=]{4}=fwd\.alpha\.test==.+@fwd\.gamma\.test$/);
    // Bounces skip the middle forwarder: C sends straight back to A's SRS0 address.
    assert.deepEqual(srsReverse(third, c, now), { ok: true, kind: 'SRS1', address: first });
  });

  test('SRS1 with a forged hash, case-folded, malformed', () => {
    const second = srsForward(srsForward('alice@orig.test', a, now), b, now);
    const [, hash] = /^SRS1=([^=]+)=/.exec(second)!;
    assert.deepEqual(srsReverse(second.replace(`SRS1=${hash}=`, 'SRS1=zzzz='), b, now), { ok: false, reason: 'bad_hash' });
    assert.deepEqual(srsReverse(second.replace('=fwd.alpha.test=', '=evil.test='), b, now), { ok: false, reason: 'bad_hash' });
    assert.equal(srsReverse(second.toLowerCase(), b, now).ok, true);
    assert.deepEqual(srsReverse('SRS1=abcd=host@fwd.beta.test', b, now), { ok: false, reason: 'malformed' });
  });

  test('an SRS0 written with another separator (libsrs2 allows + and -) becomes SRS1 and comes back unchanged', () => {
    const foreign = 'SRS0+abcd=TT=orig.test=alice@other.test';
    const second = srsForward(foreign, b, now);
    assert.match(second, /^SRS1=[^=]{4}=other\.test=\+abcd=TT=orig\.test=alice@fwd\.beta\.test$/);
    assert.deepEqual(srsReverse(second, b, now), { ok: true, kind: 'SRS1', address: foreign });
  });
});
