import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileSieve, parseHeaderSection, runSieve, SieveRuntimeError, type SieveAction, type SieveMessageView } from '../../../../mail/protocol/sieve/index.js';

const HEADER = [
  'From: "Alice Example" <Alice@Example.ORG>',
  'To: bob@e2e.test, "Carol" <carol@other.test>',
  'Cc: team@lists.example.org',
  'Subject: =?UTF-8?Q?Caf=C3=A9_report?= [weekly]',
  'X-Spam-Flag: YES',
  'X-Priority: 1',
  'X-Priority: 3',
  'List-Id: <team.lists.example.org>',
  '',
  'body',
].join('\r\n');

const view: SieveMessageView = {
  headers: parseHeaderSection(Buffer.from(HEADER)),
  envelope: { from: 'bounce+123@example.org', to: 'bob@e2e.test' },
  size: 5000,
};

const REQ = 'require ["fileinto", "envelope", "reject", "vacation", "imap4flags", "copy", "mailbox"];\n';

/** Runs `body` with every extension required; returns the actions. */
function run(body: string, message: SieveMessageView = view): SieveAction[] {
  return runSieve(compileSieve(REQ + body), message).actions;
}
const into = (mailbox: string, flags: string[] = []): SieveAction => ({ type: 'fileinto', mailbox, flags, create: false });
const keep = (flags: string[] = []): SieveAction => ({ type: 'keep', flags });

describe('sieve tests: one row per test, comparator and match type', () => {
  const table: [string, string, boolean][] = [
    ['true', 'true', true],
    ['false', 'false', false],
    ['header :is, casemap by default', 'header :is "subject" "café report [WEEKLY]"', true],
    ['header :is decodes encoded words', 'header :is "Subject" "Café report [weekly]"', true],
    ['header default match is :is', 'header "subject" "Café"', false],
    ['header :contains', 'header :contains "subject" "report"', true],
    ['header :contains any of the keys', 'header :contains "subject" ["nope", "weekly"]', true],
    ['header :contains any of the names', 'header :contains ["x-none", "x-spam-flag"] "yes"', true],
    ['header :contains "" on an existing field', 'header :contains "x-spam-flag" ""', true],
    ['header on a missing field', 'header :contains "x-missing" ""', false],
    ['header :matches *', 'header :matches "subject" "Caf* report*"', true],
    ['header :matches ?', 'header :matches "x-priority" "?"', true],
    ['header :matches escapes \\*', 'header :matches "subject" "*\\\\*"', false],
    ['header :matches needs the whole value', 'header :matches "subject" "report*"', false],
    ['header each occurrence of a field', 'header :is "x-priority" "3"', true],
    ['comparator i;octet is case-sensitive', 'header :is :comparator "i;octet" "x-spam-flag" "yes"', false],
    ['comparator i;octet exact', 'header :is :comparator "i;octet" "x-spam-flag" "YES"', true],
    ['comparator i;ascii-casemap explicit', 'header :contains :comparator "i;ascii-casemap" "x-spam-flag" "yes"', true],
    ['address :is :all', 'address :is :all "from" "alice@example.org"', true],
    ['address default part is :all', 'address :is "from" "alice@example.org"', true],
    ['address :localpart', 'address :is :localpart "from" "alice"', true],
    ['address :domain', 'address :is :domain "to" "other.test"', true],
    ['address ignores the display name', 'address :contains "from" "Example\\""', false],
    ['address :matches on a list', 'address :matches :domain ["to", "cc"] "lists.*"', true],
    ['address :localpart :matches', 'address :localpart :matches "cc" "t?am"', true],
    ['envelope from :domain', 'envelope :domain "from" "example.org"', true],
    ['envelope to :localpart', 'envelope :localpart :is "to" "bob"', true],
    ['envelope from :matches', 'envelope :matches "from" "bounce+*@*"', true],
    ['envelope :contains', 'envelope :contains "to" "e2e"', true],
    ['size :over true', 'size :over 4K', true],
    ['size :over false', 'size :over 5000', false],
    ['size :under true', 'size :under 1M', true],
    ['size :under false', 'size :under 5000', false],
    ['exists one', 'exists "list-id"', true],
    ['exists all of them', 'exists ["list-id", "x-nothing"]', false],
    ['allof true', 'allof (true, exists "subject")', true],
    ['allof false', 'allof (true, false)', false],
    ['anyof true', 'anyof (false, header :contains "subject" "weekly")', true],
    ['anyof false', 'anyof (false, false)', false],
    ['not', 'not false', true],
    ['not not', 'not not exists "x-nope"', false],
    ['nested', 'allof (anyof (false, true), not size :over 1G)', true],
  ];
  for (const [name, test, expected] of table) {
    it(name, () => {
      assert.deepEqual(run(`if ${test} { fileinto "Hit"; } else { fileinto "Miss"; }`), [into(expected ? 'Hit' : 'Miss')]);
    });
  }

  it('null envelope sender is the empty string', () => {
    const bounce = { ...view, envelope: { from: '', to: 'bob@e2e.test' } };
    assert.deepEqual(run('if envelope :is "from" "" { discard; }', bounce), [{ type: 'discard' }]);
    assert.deepEqual(run('if envelope :is :domain "from" "" { discard; }', bounce), [{ type: 'discard' }]);
  });
});

describe('sieve actions', () => {
  const table: [string, string, SieveAction[]][] = [
    ['empty script: implicit keep', '', [keep()]],
    ['keep', 'keep;', [keep()]],
    ['fileinto cancels the implicit keep', 'fileinto "Lists";', [into('Lists')]],
    ['fileinto :copy keeps too', 'fileinto :copy "Lists";', [into('Lists'), keep()]],
    ['fileinto :create', 'fileinto :create "New/Sub";', [{ type: 'fileinto', mailbox: 'New/Sub', flags: [], create: true }]],
    ['fileinto twice into one folder is one copy', 'fileinto "A"; fileinto "A"; fileinto "B";', [into('A'), into('B')]],
    ['fileinto INBOX and keep are one copy', 'fileinto "INBOX"; keep;', [into('INBOX')]],
    ['redirect', 'redirect "carol@other.test";', [{ type: 'redirect', address: 'carol@other.test' }]],
    ['redirect :copy', 'redirect :copy "carol@other.test";', [{ type: 'redirect', address: 'carol@other.test' }, keep()]],
    ['redirect twice to one address is one', 'redirect "a@x.test"; redirect "A@x.test";', [{ type: 'redirect', address: 'a@x.test' }]],
    ['reject', 'reject "no thanks";', [{ type: 'reject', reason: 'no thanks' }]],
    ['discard', 'discard;', [{ type: 'discard' }]],
    ['stop keeps the implicit keep', 'stop; fileinto "Never";', [keep()]],
    ['stop after fileinto', 'fileinto "A"; stop; fileinto "B";', [into('A')]],
    ['if/elsif/else: elsif', 'if false { fileinto "1"; } elsif true { fileinto "2"; } else { fileinto "3"; }', [into('2')]],
    ['if/elsif/else: else', 'if false { fileinto "1"; } elsif false { fileinto "2"; } else { fileinto "3"; }', [into('3')]],
    ['if without else, false', 'if false { discard; }', [keep()]],
    ['setflag then keep', 'setflag "\\\\Seen"; keep;', [keep(['\\Seen'])]],
    ['addflag and implicit keep', 'addflag ["\\\\Flagged", "$Work"]; addflag "$Work";', [keep(['\\Flagged', '$Work'])]],
    ['addflag splits on spaces', 'addflag "a b"; removeflag "A";', [keep(['b'])]],
    ['setflag replaces', 'addflag "a"; setflag "b"; fileinto "X";', [into('X', ['b'])]],
    ['fileinto :flags overrides the variable', 'addflag "a"; fileinto :flags "\\\\Seen" "X";', [into('X', ['\\Seen'])]],
    ['keep :flags', 'keep :flags ["$x", "$y"];', [keep(['$x', '$y'])]],
    ['hasflag', 'addflag "$Important"; if hasflag :is "$important" { fileinto "Imp"; }', [into('Imp', ['$Important'])]],
    ['hasflag :contains', 'addflag "$JobX"; if not hasflag :contains "job" { discard; }', [keep(['$JobX'])]],
    ['vacation keeps the message', 'vacation :days 3 :subject "Away" "I am away";', [
      { type: 'vacation', params: { days: 3, subject: 'Away', from: null, addresses: [], mime: false, handle: null, reason: 'I am away' } }, keep(),
    ]],
    ['vacation :days defaults to 7 and is clamped', 'vacation :days 0 :addresses ["b@x.test"] :mime :handle "h" :from "me@x.test" "r";', [
      { type: 'vacation', params: { days: 1, subject: null, from: 'me@x.test', addresses: ['b@x.test'], mime: true, handle: 'h', reason: 'r' } }, keep(),
    ]],
    ['multi-line text: string', 'vacation text:\r\nline one\r\n..dot\r\n.\r\n;', [
      { type: 'vacation', params: { days: 7, subject: null, from: null, addresses: [], mime: false, handle: null, reason: 'line one\r\n.dot\r\n' } }, keep(),
    ]],
  ];
  for (const [name, script, expected] of table) {
    it(name, () => assert.deepEqual(run(script), expected));
  }
});

describe('sieve runtime errors', () => {
  const table: [string, string, string][] = [
    ['reject with fileinto', 'fileinto "A"; reject "x";', 'sieve_reject_conflict'],
    ['reject with vacation', 'vacation "x"; reject "x";', 'sieve_reject_conflict'],
    ['two vacations', 'vacation "x"; vacation "y";', 'sieve_duplicate_vacation'],
    ['too many redirects', 'redirect "a@x.test"; redirect "b@x.test"; redirect "c@x.test"; redirect "d@x.test"; redirect "e@x.test";', 'sieve_too_many_redirects'],
  ];
  for (const [name, script, code] of table) {
    it(name, () => assert.throws(() => run(script), (err: unknown) => err instanceof SieveRuntimeError && err.code === code));
  }
  it('too many actions', () => {
    const script = compileSieve(REQ + Array.from({ length: 40 }, (_, i) => `fileinto "F${i}";`).join('\n'));
    assert.throws(() => runSieve(script, view, { maxActions: 10, maxRedirects: 2 }), (err: unknown) => err instanceof SieveRuntimeError && err.code === 'sieve_too_many_actions');
  });
});
