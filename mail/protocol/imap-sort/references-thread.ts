// THREAD=REFERENCES (RFC 5256 section 3): threads built from Message-ID, References and
// In-Reply-To, then roots with the same base subject merged, every level ordered by sent date.
// The step numbers below are the RFC's.
//
// Deep reply chains are normal (a long discussion is one chain), so the tree walks are loops
// over explicit stacks, never recursion proportional to the chain length.

import { extractBaseSubject } from './base-subject.js';
import { asciiCasemapKey } from './collation.js';
import { threadReferences, firstMessageId } from './message-ids.js';
import type { ThreadNode } from './thread-tree.js';

/** What threading needs of one message. */
export interface ThreadSource {
  /** Sequence number or UID: written in the response and the final tie-breaker (both follow arrival order). */
  id: number;
  /** Raw Message-ID, In-Reply-To and References fields (null when absent). */
  messageId: string | null;
  inReplyTo: string | null;
  references: string | null;
  /** Decoded Subject. */
  subject: string | null;
  /** Sent date in ms (the internal date when the Date field is missing or unparseable). */
  sentDate: number;
}

interface Message {
  id: number;
  sentDate: number;
  baseKey: string;
  isReplyOrForward: boolean;
}

class Container {
  message: Message | null = null;
  parent: Container | null = null;
  children: Container[] = [];
}

function isAncestorOrSelf(candidate: Container, of: Container): boolean {
  // A container without children is nobody's ancestor: this keeps long chains linear.
  if (candidate.children.length === 0) return candidate === of;
  for (let c: Container | null = of; c; c = c.parent) if (c === candidate) return true;
  return false;
}

function unlink(child: Container): void {
  const parent = child.parent;
  if (!parent) return;
  const i = parent.children.indexOf(child);
  if (i >= 0) parent.children.splice(i, 1);
  child.parent = null;
}

function link(parent: Container, child: Container): void {
  child.parent = parent;
  parent.children.push(child);
}

/** The message that stands for a container when sorting and grouping: its own, or its first child's. */
function representative(c: Container): Message | null {
  return c.message ?? c.children[0]?.message ?? null;
}

function sortKeyOf(c: Container): { date: number; id: number } {
  const m = representative(c);
  return m ? { date: m.sentDate, id: m.id } : { date: Number.POSITIVE_INFINITY, id: Number.POSITIVE_INFINITY };
}

/** Sent date, then message number (RFC 5256 section 2.2 ties). Dummies sort by their first child. */
function sortSiblings(list: Container[]): void {
  for (const c of list) if (!c.message) c.children.sort(compareContainers);
  list.sort(compareContainers);
}

function compareContainers(a: Container, b: Container): number {
  const x = sortKeyOf(a);
  const y = sortKeyOf(b);
  return x.date - y.date || x.id - y.id;
}

/** Step 1: containers linked by references. Returns every container. */
function buildContainers(messages: readonly ThreadSource[]): Container[] {
  const byId = new Map<string, Container>();
  const all: Container[] = [];
  const containerFor = (msgId: string): Container => {
    let c = byId.get(msgId);
    if (!c) {
      c = new Container();
      byId.set(msgId, c);
      all.push(c);
    }
    return c;
  };
  for (const source of messages) {
    const subject = extractBaseSubject(source.subject);
    const message: Message = { id: source.id, sentDate: source.sentDate, baseKey: asciiCasemapKey(subject.base), isReplyOrForward: subject.isReplyOrForward };
    // A missing or duplicate Message-ID gets a container of its own that nothing can reference.
    const msgId = firstMessageId(source.messageId);
    let own = msgId === null ? null : containerFor(msgId);
    if (!own || own.message) {
      own = new Container();
      all.push(own);
    }
    own.message = message;

    const refs = threadReferences(source.references, source.inReplyTo);
    // 1.A: each reference is the parent of the next, unless the child already has a parent
    // or the link would make a loop.
    for (let i = 0; i + 1 < refs.length; i++) {
      const parent = containerFor(refs[i]!);
      const child = containerFor(refs[i + 1]!);
      if (child.parent || isAncestorOrSelf(child, parent)) continue;
      link(parent, child);
    }
    // 1.B: the last reference is this message's parent (replacing any parent a truncated
    // References field gave it); no references means no parent.
    unlink(own);
    const last = refs.length > 0 ? containerFor(refs[refs.length - 1]!) : null;
    if (last && !isAncestorOrSelf(own, last)) link(last, own);
  }
  return all;
}

/**
 * Step 3: dummies without children go; dummies with children give them to their parent, except
 * a root dummy with several children, which stays to hold them together.
 */
function pruneDummies(roots: Container[]): Container[] {
  // Post-order over an explicit stack: children are pruned before their parent is looked at.
  const order: Container[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const c = stack.pop()!;
    order.push(c);
    stack.push(...c.children);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const c = order[i]!;
    if (c.children.length === 0) continue;
    c.children = promote(c.children, false, c);
  }
  return promote(roots, true, null);
}

function promote(list: Container[], atRoot: boolean, parent: Container | null): Container[] {
  const out: Container[] = [];
  for (const c of list) {
    if (c.message) {
      out.push(c);
    } else if (c.children.length === 0) {
      continue;
    } else if (atRoot && c.children.length > 1) {
      out.push(c);
    } else {
      for (const child of c.children) {
        child.parent = parent;
        out.push(child);
      }
    }
  }
  return out;
}

/** Step 5: roots whose base subjects are equal become one thread. */
function groupBySubject(roots: Container[]): Container[] {
  const table = new Map<string, Container>();
  // 5.A: per subject, prefer a dummy, then a message that is not a reply or forward.
  for (const c of roots) {
    const m = representative(c);
    if (!m || m.baseKey === '') continue;
    const old = table.get(m.baseKey);
    if (!old) {
      table.set(m.baseKey, c);
      continue;
    }
    const oldMessage = representative(old)!;
    if ((!c.message && old.message) || (oldMessage.isReplyOrForward && !m.isReplyOrForward)) table.set(m.baseKey, c);
  }
  // 5.B: merge every other root with that subject into the table's container.
  const removed = new Set<Container>();
  const replaced = new Map<Container, Container>();
  for (const c of roots) {
    if (removed.has(c)) continue;
    const m = representative(c);
    if (!m || m.baseKey === '') continue;
    const t = table.get(m.baseKey)!;
    if (t === c) continue;
    const tm = representative(t)!;
    if (!t.message && !c.message) {
      for (const child of c.children) link(t, child);
      c.children = [];
      removed.add(c);
    } else if (!t.message) {
      link(t, c);
      removed.add(c);
    } else if (!c.message) {
      // Cannot follow 5.A's preference for dummies, but keep the rule symmetric.
      link(c, t);
      table.set(m.baseKey, c);
      removed.add(t);
    } else if (m.isReplyOrForward && !tm.isReplyOrForward) {
      link(t, c);
      removed.add(c);
    } else if (!m.isReplyOrForward && tm.isReplyOrForward) {
      link(c, t);
      table.set(m.baseKey, c);
      removed.add(t);
    } else {
      const dummy = new Container();
      link(dummy, t);
      link(dummy, c);
      replaced.set(t, dummy);
      table.set(m.baseKey, dummy);
      removed.add(c);
    }
  }
  const out: Container[] = [];
  for (const c of roots) {
    if (removed.has(c)) continue;
    out.push(resolveReplacement(c, replaced));
  }
  return out;
}

function resolveReplacement(c: Container, replaced: Map<Container, Container>): Container {
  let at = c;
  while (replaced.has(at)) at = replaced.get(at)!;
  return at;
}

/** Step 6: siblings at every level by sent date, top-down. */
function sortTree(roots: Container[]): void {
  sortSiblings(roots);
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    const c = queue[i]!;
    if (c.children.length > 1) sortSiblings(c.children);
    queue.push(...c.children);
  }
}

function toNodes(roots: Container[]): ThreadNode[] {
  const convert = (c: Container): ThreadNode => ({ id: c.message ? c.message.id : null, children: [] });
  const result = roots.map(convert);
  const stack: Array<[Container, ThreadNode]> = roots.map((c, i) => [c, result[i]!]);
  while (stack.length > 0) {
    const [c, node] = stack.pop()!;
    for (const child of c.children) {
      const n = convert(child);
      node.children.push(n);
      stack.push([child, n]);
    }
  }
  return result;
}

/** THREAD=REFERENCES over the messages that matched the search, in sequence order. */
export function threadByReferences(messages: readonly ThreadSource[]): ThreadNode[] {
  const all = buildContainers(messages);
  // Step 2: the root set is every container without a parent.
  let roots = all.filter((c) => c.parent === null);
  roots = pruneDummies(roots);
  // Step 4: roots by date (dummies by their earliest child) before subjects are grouped.
  sortSiblings(roots);
  roots = groupBySubject(roots);
  sortTree(roots);
  return toNodes(roots);
}
