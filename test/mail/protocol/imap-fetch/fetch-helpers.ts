// Shared by the FETCH tests: index a raw message as the store does at delivery, and answer a
// BODY[...] or BINARY[...] item the way a session would, from the plans and the raw bytes.

import { createMessageIndexer } from '../../../../mail/protocol/mime/message-indexer.js';
import type { MessageIndex } from '../../../../mail/protocol/mime/types.js';
import { decodeAll } from '../../../../mail/protocol/imap-fetch/binary-decoder.js';
import { resolveBinarySection } from '../../../../mail/protocol/imap-fetch/binary-section.js';
import { filterHeaderFields } from '../../../../mail/protocol/imap-fetch/header-fields.js';
import { applyPartial } from '../../../../mail/protocol/imap-fetch/partial.js';
import { narrowToPartial, resolveBodySection } from '../../../../mail/protocol/imap-fetch/section.js';
import { parseBinarySectionSpec, parseSectionSpec, type PartialSpec } from '../../../../mail/protocol/imap-fetch/section-spec.js';

export function indexMessage(raw: Buffer, chunkSize = 4096): MessageIndex {
  const ix = createMessageIndexer();
  for (let i = 0; i < raw.length; i += chunkSize) ix.feed(raw.subarray(i, i + chunkSize));
  return ix.finish();
}

/** "BODY.PEEK[1.2]<3.5>" -> kind, section text, partial. */
export function splitItem(item: string): { kind: 'BODY' | 'BINARY' | 'BINARY.SIZE'; section: string; partial: PartialSpec | null } {
  const m = /^(BODY\.PEEK|BINARY\.PEEK|BINARY\.SIZE)\[(.*)\](?:<(\d+)\.(\d+)>)?$/s.exec(item);
  if (!m) throw new Error(`not a section item: ${item}`);
  const kind = m[1] === 'BODY.PEEK' ? 'BODY' : m[1] === 'BINARY.PEEK' ? 'BINARY' : 'BINARY.SIZE';
  return { kind, section: m[2]!, partial: m[3] === undefined ? null : { start: Number(m[3]), length: Number(m[4]) } };
}

/** The octets of BODY[section]<partial>, read from the raw message as the plan says. */
export function bodySectionBytes(raw: Buffer, index: MessageIndex, section: string, partial: PartialSpec | null): Buffer {
  const spec = parseSectionSpec(section);
  if (!spec) throw new Error(`bad section ${section}`);
  const plan = narrowToPartial(resolveBodySection(index, spec), partial);
  if (plan.kind === 'empty') return Buffer.alloc(0);
  if (plan.kind === 'range') return raw.subarray(plan.start, plan.end);
  return applyPartial(filterHeaderFields(raw.subarray(plan.start, plan.end), plan.fields, plan.not), partial);
}

/** BINARY[section]<partial> octets, or the NO code. */
export function binarySectionBytes(raw: Buffer, index: MessageIndex, section: string, partial: PartialSpec | null): { bytes: Buffer; decoded: boolean } | 'UNKNOWN-CTE' {
  const path = parseBinarySectionSpec(section);
  if (!path) throw new Error(`bad binary section ${section}`);
  const plan = resolveBinarySection(index, path);
  if (plan.kind === 'unknown-cte') return 'UNKNOWN-CTE';
  if (plan.kind === 'empty') return { bytes: Buffer.alloc(0), decoded: false };
  const stored = raw.subarray(plan.start, plan.end);
  const bytes = plan.decode ? decodeAll(plan.decode, stored) : stored;
  return { bytes: applyPartial(bytes, partial), decoded: plan.decode !== null };
}

/** How a session would write the octets: a literal, literal8 when they were decoded. */
export function asLiteral(bytes: Buffer, literal8 = false): string {
  return `${literal8 ? '~' : ''}{${bytes.length}}\r\n${bytes.toString('latin1')}`;
}
