// Resolving BINARY[section]<partial> and BINARY.SIZE[section] (RFC 3516, RFC 9051 6.4.5) into a
// plan: which stored octets to read and how to decode them.
//
// - BINARY[] is the whole message as stored: its top-level header is never transfer-encoded.
// - A multipart or an enclosed message is sent as stored: RFC 2045 allows those only 7bit, 8bit
//   or binary, so there is nothing to undo. (Dovecot goes further and rewrites every leaf below
//   to binary with new headers; the RFC does not ask for that, and it cannot be done from a
//   byte range.)
// - A leaf in base64 or quoted-printable is decoded; in 7bit/8bit/binary sent as stored; in any
//   other encoding the command fails with NO [UNKNOWN-CTE].
// - A part that does not exist is the empty string, like BODY[].
// Responses should use literal8 (~{n}) whenever `decode` is set: decoded content may hold NUL.

import type { MessageIndex } from '../mime/types.js';
import { DECODABLE_ENCODINGS, IDENTITY_ENCODINGS } from './binary-decoder.js';
import { findPart } from './part-path.js';

export type BinaryPlan =
  /** Read raw[start, end); pass it through createBinaryDecoder(decode) when decode is set. */
  | { kind: 'range'; start: number; end: number; decode: 'base64' | 'quoted-printable' | null }
  | { kind: 'empty' }
  /** Answer NO [UNKNOWN-CTE]. */
  | { kind: 'unknown-cte'; encoding: string };

export function resolveBinarySection(index: MessageIndex, path: readonly number[]): BinaryPlan {
  if (path.length === 0) return index.size > 0 ? { kind: 'range', start: 0, end: index.size, decode: null } : { kind: 'empty' };
  const part = findPart(index.body, path);
  if (!part || part.bodyEnd <= part.bodyStart) return { kind: 'empty' };
  const raw = { kind: 'range' as const, start: part.bodyStart, end: part.bodyEnd };
  if (part.type === 'multipart' || part.message) return { ...raw, decode: null };
  if (IDENTITY_ENCODINGS.has(part.encoding)) return { ...raw, decode: null };
  if (DECODABLE_ENCODINGS.has(part.encoding)) return { ...raw, decode: part.encoding as 'base64' | 'quoted-printable' };
  return { kind: 'unknown-cte', encoding: part.encoding };
}

/** BINARY.SIZE without decoding, when the plan sends octets as stored; null when it must decode. */
export function undecodedBinarySize(plan: BinaryPlan): number | null {
  if (plan.kind === 'empty') return 0;
  if (plan.kind === 'range' && plan.decode === null) return plan.end - plan.start;
  return null;
}
