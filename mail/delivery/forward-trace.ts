// Loop detection for forwarding. Every forwarded copy carries one trace field per forwarding
// address, `X-Mailroom-Forwarded: <addr>` (Postfix's Delivered-To plays the same part). A
// message that comes back to a forwarder already named in its trace has gone round a loop; a
// message with more Received fields than MAX_RECEIVED has gone round one we cannot see (another
// server's forwarder in the circle). Pure, apart from reading the head of a byte stream.

export const FORWARD_TRACE_FIELD = 'X-Mailroom-Forwarded';
/** RFC 5321 6.3: count trace fields; Postfix gives up at 50, 30 is plenty for real paths. */
export const MAX_RECEIVED = 30;
/** A header section longer than this is not searched further for trace fields. */
const MAX_HEAD_BYTES = 256 * 1024;

export interface TraceInfo {
  received: number;
  /** Lower-cased addresses of our trace fields. */
  forwarded: Set<string>;
}

/** The trace fields of a header section (CRLF line ends; stops at the empty line). */
export function parseTrace(head: string): TraceInfo {
  const end = head.indexOf('\r\n\r\n');
  const section = (end >= 0 ? head.slice(0, end) : head).replace(/\r\n[ \t]+/g, ' ');
  const info: TraceInfo = { received: 0, forwarded: new Set() };
  const traceName = FORWARD_TRACE_FIELD.toLowerCase();
  for (const line of section.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'received') info.received++;
    else if (name === traceName) {
      const value = line.slice(colon + 1).trim().replace(/^<|>$/g, '').toLowerCase();
      if (value) info.forwarded.add(value);
    }
  }
  return info;
}

export type LoopVerdict = { loop: false } | { loop: true; why: string };

export function detectLoop(trace: TraceInfo, forwarders: readonly string[]): LoopVerdict {
  const seen = forwarders.find((a) => trace.forwarded.has(a.toLowerCase()));
  if (seen) return { loop: true, why: `already forwarded by ${seen}` };
  if (trace.received > MAX_RECEIVED) return { loop: true, why: `${trace.received} Received fields (more than ${MAX_RECEIVED})` };
  return { loop: false };
}

/** Our trace fields for a forwarded copy, one per forwarding address. */
export function traceFields(forwarders: readonly string[]): string {
  return forwarders.map((a) => `${FORWARD_TRACE_FIELD}: ${a}\r\n`).join('');
}

/** A relayed message carries no Return-Path (RFC 5321 4.4): drop the one our trace starts with. */
export function dropLeadingReturnPath(head: Buffer): Buffer {
  if (!/^return-path:/i.test(head.subarray(0, 12).toString('latin1'))) return head;
  let i = head.indexOf('\r\n');
  // Folded continuation lines belong to the field too.
  while (i >= 0 && (head[i + 2] === 0x20 || head[i + 2] === 0x09)) i = head.indexOf('\r\n', i + 2);
  return i < 0 ? head : head.subarray(i + 2);
}

/**
 * Reads the start of a byte stream until the end of the header section (or MAX_HEAD_BYTES),
 * and gives back that prefix and an iterator of the rest, so the stream is still read once.
 */
export async function readHead(body: AsyncIterable<Buffer | string>): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = body[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  let carry = Buffer.alloc(0);
  while (size < MAX_HEAD_BYTES) {
    const next = await iterator.next();
    if (next.done) { done = true; break; }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    chunks.push(chunk);
    size += chunk.length;
    // The empty line may straddle two chunks: look at the last 3 bytes before this one too.
    const window = Buffer.concat([carry, chunk]);
    if (window.includes('\r\n\r\n')) break;
    carry = window.subarray(Math.max(0, window.length - 3));
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
    }
  }
  return { head, rest: rest() };
}
