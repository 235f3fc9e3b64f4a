// Finding the part that an IMAP part number names (RFC 9051 section 6.4.5) in the stored tree.
//
// The rules, which differ between messages and multiparts:
// - The children of a multipart are numbered 1, 2, ... in order.
// - A message (the top level, or the message inside a message/rfc822 part) whose body is not
//   multipart has exactly one part, "1": its body. So BODY[1] of a single-part message is its
//   body text, and "2.1" of a forwarded single-part message is that message's body.
// - A message/rfc822 part's number continues into the enclosed message: "2.1" is the first
//   part of the enclosed message's multipart body.
// - Any other part has no children: "1.1.1" under a text part names nothing. (Dovecot 2.3
//   answers such a path with the leaf itself; the RFC gives leaves no sub-parts, and a path that
//   names nothing gets an empty answer, so we return nothing.)

import type { BodyPart } from '../mime/types.js';

/** What sits at a numeric step: the part, and whether numbering continues as in a message. */
interface Position {
  part: BodyPart;
  /** True when `part` is the body of a message (top level or enclosed). */
  isMessageBody: boolean;
}

function step(at: Position, n: number): Position | null {
  let children: BodyPart | null = null;
  let messageLevel = false;
  if (at.isMessageBody) {
    children = at.part;
    messageLevel = true;
  } else if (at.part.type === 'multipart') {
    children = at.part;
  } else if (at.part.message) {
    children = at.part.message.body;
    messageLevel = true;
  }
  if (!children) return null;
  if (children.type === 'multipart') {
    const child = children.parts?.[n - 1];
    return child ? { part: child, isMessageBody: false } : null;
  }
  // A message with a non-multipart body has just part 1, the body itself.
  return messageLevel && n === 1 ? { part: children, isMessageBody: false } : null;
}

/** The part at `path` under the message whose body is `root`; null when there is none. */
export function findPart(root: BodyPart, path: readonly number[]): BodyPart | null {
  let at: Position = { part: root, isMessageBody: true };
  for (const n of path) {
    const next = step(at, n);
    if (!next) return null;
    at = next;
  }
  return path.length === 0 ? null : at.part;
}
