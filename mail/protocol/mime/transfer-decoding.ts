// Streaming Content-Transfer-Encoding decoders (RFC 2045 section 6): bytes in as they arrive,
// decoded bytes out, with whatever cannot be decoded yet (a base64 quantum or an "=XX" escape
// split across chunks) carried to the next call.

export interface TransferDecoder {
  write(bytes: Buffer): Buffer;
  end(): Buffer;
}

const BASE64_VALUE = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => { BASE64_VALUE[c.charCodeAt(0)] = i; });
// The URL-safe alphabet shows up in broken mailers; accept it too.
BASE64_VALUE[0x2d] = 62;
BASE64_VALUE[0x5f] = 63;

class Base64Decoder implements TransferDecoder {
  private carry: number[] = [];

  write(bytes: Buffer): Buffer {
    const out = Buffer.allocUnsafe(Math.floor(((bytes.length + this.carry.length) * 3) / 4) + 3);
    let n = 0;
    const quad = this.carry;
    for (let i = 0; i < bytes.length; i++) {
      const v = BASE64_VALUE[bytes[i]!]!;
      if (v < 0) continue; // line breaks, padding and garbage are skipped
      quad.push(v);
      if (quad.length === 4) {
        out[n++] = (quad[0]! << 2) | (quad[1]! >> 4);
        out[n++] = ((quad[1]! & 15) << 4) | (quad[2]! >> 2);
        out[n++] = ((quad[2]! & 3) << 6) | quad[3]!;
        quad.length = 0;
      }
    }
    return out.subarray(0, n);
  }

  end(): Buffer {
    const q = this.carry;
    this.carry = [];
    if (q.length === 2) return Buffer.from([(q[0]! << 2) | (q[1]! >> 4)]);
    if (q.length === 3) return Buffer.from([(q[0]! << 2) | (q[1]! >> 4), ((q[1]! & 15) << 4) | (q[2]! >> 2)]);
    return Buffer.alloc(0);
  }
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

class QuotedPrintableDecoder implements TransferDecoder {
  private carry: Buffer = Buffer.alloc(0);

  write(input: Buffer): Buffer {
    const bytes = this.carry.length ? Buffer.concat([this.carry, input]) : input;
    this.carry = Buffer.alloc(0);
    const out = Buffer.allocUnsafe(bytes.length);
    let n = 0;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c !== 0x3d) { out[n++] = c; continue; }
      // "=" needs up to two more bytes (or the rest of the line for a soft break) to be understood.
      let j = i + 1;
      while (j < bytes.length && (bytes[j] === 0x20 || bytes[j] === 0x09)) j++;
      if (j < bytes.length && (bytes[j] === 0x0d || bytes[j] === 0x0a)) {
        if (bytes[j] === 0x0d) {
          if (j + 1 >= bytes.length) { this.carry = Buffer.from(bytes.subarray(i)); break; }
          if (bytes[j + 1] === 0x0a) j++;
        }
        i = j; // soft line break: "=" plus its line ending vanish
        continue;
      }
      if (j >= bytes.length) { this.carry = Buffer.from(bytes.subarray(i)); break; }
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) { out[n++] = (hi << 4) | lo; i += 2; continue; }
      if (i + 2 >= bytes.length && hi >= 0) { this.carry = Buffer.from(bytes.subarray(i)); break; }
      out[n++] = c; // a lone "=" that escapes nothing is kept, as RFC 2045 suggests
    }
    return out.subarray(0, n);
  }

  end(): Buffer {
    const rest = this.carry;
    this.carry = Buffer.alloc(0);
    return rest.length && rest[rest.length - 1] !== 0x3d ? rest : Buffer.alloc(0);
  }
}

class IdentityDecoder implements TransferDecoder {
  write(bytes: Buffer): Buffer { return bytes; }
  end(): Buffer { return Buffer.alloc(0); }
}

export function createTransferDecoder(encoding: string): TransferDecoder {
  if (encoding === 'base64') return new Base64Decoder();
  if (encoding === 'quoted-printable') return new QuotedPrintableDecoder();
  return new IdentityDecoder();
}
