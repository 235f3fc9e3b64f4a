// Resolving BODY[section]<partial> (RFC 9051 section 6.4.5) against the stored MessageIndex into
// a plan for reading the raw message: a byte range to copy, or a header block to read and
// filter. Nothing here reads the message; the session reads what the plan says from the store.
//
// Offsets: a part's [headerStart, bodyStart) is its header block with the blank line, and
// [bodyStart, bodyEnd) its body. For an enclosed message/rfc822, the part's body is the whole
// enclosed message and the enclosed message's root part starts at that body.
// A section naming a part that does not exist, or HEADER/TEXT of a part that is not a message,
// is answered with the empty string, as Dovecot and Cyrus do.

import type { BodyPart, MessageIndex } from '../mime/types.js';
import { findPart } from './part-path.js';
import { partialWindow } from './partial.js';
import type { PartialSpec, SectionSpec } from './section-spec.js';

export type SectionPlan =
  /** Send raw[start, end) as it is. */
  | { kind: 'range'; start: number; end: number }
  /** Read raw[start, end) (a header block), pass it through filterHeaderFields, then apply the partial. */
  | { kind: 'header-fields'; start: number; end: number; fields: string[]; not: boolean }
  /** Send the empty string. */
  | { kind: 'empty' };

const EMPTY: SectionPlan = { kind: 'empty' };

interface MessageBounds {
  headerStart: number;
  bodyStart: number;
  bodyEnd: number;
}

/** The message (top level, or enclosed in a message/rfc822 part) that HEADER/TEXT refer to. */
function messageAt(index: MessageIndex, spec: SectionSpec): MessageBounds | null {
  if (spec.part.length === 0) return { headerStart: 0, bodyStart: index.body.bodyStart, bodyEnd: index.size };
  const part = findPart(index.body, spec.part);
  return part?.message ? part.message.body : null;
}

function range(start: number, end: number): SectionPlan {
  return end > start ? { kind: 'range', start, end } : EMPTY;
}

/** Where the section's octets come from, before any partial. */
export function resolveBodySection(index: MessageIndex, spec: SectionSpec): SectionPlan {
  const text = spec.text;
  if (text === null) {
    if (spec.part.length === 0) return range(0, index.size);
    const part = findPart(index.body, spec.part);
    return part ? range(part.bodyStart, part.bodyEnd) : EMPTY;
  }
  if (text.kind === 'MIME') {
    const part: BodyPart | null = spec.part.length > 0 ? findPart(index.body, spec.part) : null;
    return part ? range(part.headerStart, part.bodyStart) : EMPTY;
  }
  const message = messageAt(index, spec);
  if (!message) return EMPTY;
  if (text.kind === 'HEADER') return range(message.headerStart, message.bodyStart);
  if (text.kind === 'TEXT') return range(message.bodyStart, message.bodyEnd);
  return { kind: 'header-fields', start: message.headerStart, end: message.bodyStart, fields: [...text.fields], not: text.not };
}

/**
 * The plan with the partial applied where that needs no reading: a range narrows to the window;
 * header-fields plans keep the partial for after filtering (their size is known only then).
 */
export function narrowToPartial(plan: SectionPlan, partial: PartialSpec | null): SectionPlan {
  if (plan.kind !== 'range' || !partial) return plan;
  const w = partialWindow(plan.end - plan.start, partial);
  return range(plan.start + w.start, plan.start + w.end);
}
