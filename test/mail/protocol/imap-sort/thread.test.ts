import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessageIds, threadReferences } from '../../../../mail/protocol/imap-sort/message-ids.js';
import { threadByOrderedSubject } from '../../../../mail/protocol/imap-sort/ordered-subject-thread.js';
import { threadByReferences, type ThreadSource } from '../../../../mail/protocol/imap-sort/references-thread.js';
import { formatThreads, type ThreadNode } from '../../../../mail/protocol/imap-sort/thread-tree.js';

const n = (id: number | null, ...children: ThreadNode[]): ThreadNode => ({ id, children });

function msg(id: number, messageId: string | null, subject: string, sentDate: number, refs: { references?: string; inReplyTo?: string } = {}): ThreadSource {
  return { id, messageId, subject, sentDate, references: refs.references ?? null, inReplyTo: refs.inReplyTo ?? null };
}

describe('thread-list format (RFC 5256 section 4)', () => {
  it('writes the RFC example', () => {
    const roots = [n(2), n(3, n(6, n(4, n(23)), n(44, n(7, n(96)))))];
    assert.equal(formatThreads(roots), '(2)(3 6 (4 23)(44 7 96))');
  });
  it('writes a dummy root as its children only', () => {
    assert.equal(formatThreads([n(null, n(1), n(2, n(3)))]), '((1)(2 3))');
    assert.equal(formatThreads([]), '');
  });
});

describe('msg-id parsing', () => {
  it('finds every <id>, drops folding whitespace and junk', () => {
    assert.deepEqual(parseMessageIds('<a@x> (comment) <b\r\n @y>  <>'), ['a@x', 'b@y']);
    assert.deepEqual(threadReferences(null, 'Your message of Monday <p@x> <q@x>'), ['p@x']);
    assert.deepEqual(threadReferences('<r@x>', '<p@x>'), ['r@x'], 'References wins over In-Reply-To');
    assert.deepEqual(threadReferences('garbage', null), []);
  });
});

describe('THREAD=REFERENCES', () => {
  it('links replies, keeps a root dummy for siblings of a missing parent, and groups by subject', () => {
    const roots = threadByReferences([
      msg(1, '<a@x>', 'Hello', 10),
      msg(2, '<b@x>', 'Re: Hello', 20, { references: '<a@x>' }),
      msg(3, '<c@x>', 'Re: Hello', 30, { references: '<a@x> <b@x>' }),
      msg(4, '<d@x>', 'Other', 5),
      msg(5, '<e@x>', 'Re: Hello', 50, { inReplyTo: '<a@x>' }),
      msg(6, '<f@x>', 'Topic', 60, { references: '<missing@x>' }),
      msg(7, '<g@x>', 'Re: Topic', 70, { references: '<missing@x>' }),
      msg(8, '<h@x>', 'Re: Other', 80),
    ]);
    assert.equal(formatThreads(roots), '(4 8)(1 (2 3)(5))((6)(7))');
  });

  it('promotes the only child of a missing parent to the root level', () => {
    const roots = threadByReferences([msg(1, '<a@x>', 'One', 1, { references: '<gone@x>' }), msg(2, '<b@x>', 'Two', 2)]);
    assert.equal(formatThreads(roots), '(1)(2)');
  });

  it('puts two originals with the same subject under a new dummy', () => {
    const roots = threadByReferences([msg(1, '<a@x>', 'Lunch', 1), msg(2, '<b@x>', 'lunch', 2), msg(3, '<c@x>', 'Dinner', 3)]);
    assert.equal(formatThreads(roots), '((1)(2))(3)');
  });

  it('makes an original the parent of a reply root with its subject, even when the reply is older', () => {
    const roots = threadByReferences([msg(1, '<a@x>', 'Re: Plan', 1), msg(2, '<b@x>', 'Plan', 2)]);
    assert.equal(formatThreads(roots), '(2 1)');
  });

  it('orders siblings by sent date, then by number', () => {
    const roots = threadByReferences([
      msg(1, '<a@x>', 'Q', 1),
      msg(2, '<b@x>', 'Re: Q', 40, { references: '<a@x>' }),
      msg(3, '<c@x>', 'Re: Q', 20, { references: '<a@x>' }),
      msg(4, '<d@x>', 'Re: Q', 20, { references: '<a@x>' }),
    ]);
    assert.equal(formatThreads(roots), '(1 (3)(4)(2))');
  });

  it('survives reference loops, self references and duplicate Message-IDs', () => {
    const roots = threadByReferences([
      msg(1, '<a@x>', 'A', 1, { references: '<b@x>' }),
      msg(2, '<b@x>', 'B', 2, { references: '<a@x>' }),
      msg(3, '<c@x>', 'C', 3, { references: '<c@x>' }),
      msg(4, '<c@x>', 'D', 4),
      msg(5, null, 'E', 5),
    ]);
    const text = formatThreads(roots);
    for (const id of ['1', '2', '3', '4', '5']) assert.ok(new RegExp(`\\b${id}\\b`).test(text), `${id} appears in ${text}`);
    assert.equal(text, '(2 1)(3)(4)(5)');
  });

  it('replaces a parent from a truncated References field with the real one', () => {
    const roots = threadByReferences([
      msg(1, '<a@x>', 'T', 1),
      msg(2, '<b@x>', 'Re: T', 2, { references: '<a@x>' }),
      // References claims c's parent is b (a truncated chain a b c d), then c arrives saying a.
      msg(3, '<d@x>', 'Re: T', 4, { references: '<b@x> <c@x>' }),
      msg(4, '<c@x>', 'Re: T', 3, { references: '<a@x>' }),
    ]);
    assert.equal(formatThreads(roots), '(1 (2)(4 3))');
  });

  it('threads a very long reply chain without recursion limits', () => {
    const messages: ThreadSource[] = [];
    for (let i = 1; i <= 20_000; i++) messages.push(msg(i, `<m${i}@x>`, 'Long', i, i > 1 ? { references: `<m${i - 1}@x>` } : {}));
    const text = formatThreads(threadByReferences(messages));
    assert.ok(text.startsWith('(1 2 3 '));
    assert.ok(text.endsWith(' 19999 20000)'));
  });
});

describe('THREAD=ORDEREDSUBJECT', () => {
  it('groups by base subject; the earliest is the root, threads by root date', () => {
    const roots = threadByOrderedSubject([
      { id: 1, subject: 'Beta', sentDate: 30 },
      { id: 2, subject: 'Alpha', sentDate: 20 },
      { id: 3, subject: 'Re: Beta', sentDate: 10 },
      { id: 4, subject: 'Re: alpha', sentDate: 40 },
      { id: 5, subject: 'Fwd: Alpha', sentDate: 25 },
      { id: 6, subject: 'Gamma', sentDate: 15 },
    ]);
    assert.equal(formatThreads(roots), '(3 1)(6)(2 (5)(4))');
  });
});
