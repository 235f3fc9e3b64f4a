// Just enough of the POSIX tar format (ustar, with pax extended headers for long names) to
// write update bundles and to read them back with every field checked. Reading goes by
// position through a file handle, one header at a time, so a large bundle is never held in
// memory and nothing is written anywhere while reading. Hard links, devices and FIFOs are
// reported as such for the caller to refuse; sparse files and other GNU extensions are not
// understood and are refused as malformed.

import type { FileHandle } from 'node:fs/promises';
import { UpdateError } from './update-errors.js';

const BLOCK = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'special';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  size: number;
  mode: number;
  linkname: string;
  /** Where the entry's data starts in the file. */
  dataOffset: number;
}

// ---------------------------------------------------------------------------------------------
// Reading

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? length : nul).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  const text = field(block, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw malformed(`bad ${what} field in a tar header`);
  const n = parseInt(text, 8);
  if (!Number.isSafeInteger(n)) throw malformed(`${what} out of range in a tar header`);
  return n;
}

const malformed = (why: string) => new UpdateError('bundle_malformed', `not a valid bundle: ${why}`);

function checksumOk(block: Buffer): boolean {
  const stored = octal(block, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) throw malformed('bad pax record');
    const len = Number(data.subarray(pos, space).toString('ascii'));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length) throw malformed('bad pax record length');
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    if (data[pos + len - 1] !== 0x0a) throw malformed('pax record without newline');
    const eq = record.indexOf('=');
    if (eq < 0) throw malformed('pax record without "="');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

export class TarReader {
  private offset = 0;
  private ended = false;

  constructor(private readonly fh: FileHandle, private readonly fileSize: number, private readonly maxMetaBytes = 64 * 1024) {}

  private async readAt(position: number, length: number): Promise<Buffer> {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, position + done);
      if (bytesRead === 0) throw malformed('the file ends in the middle of an entry');
      done += bytesRead;
    }
    return buf;
  }

  /** The next entry, or null after the end-of-archive marker (whose trailing blocks must be zero). */
  async next(): Promise<TarEntry | null> {
    if (this.ended) return null;
    let pax: Record<string, string> = {};
    let longName: string | null = null;
    let longLink: string | null = null;
    for (;;) {
      if (this.offset + BLOCK > this.fileSize) throw malformed('the file ends without an end-of-archive marker');
      const block = await this.readAt(this.offset, BLOCK);
      if (block.every((b) => b === 0)) {
        await this.checkTrailer(this.offset + BLOCK);
        this.ended = true;
        return null;
      }
      if (!checksumOk(block)) throw malformed(`bad tar header checksum at byte ${this.offset}`);
      const magic = block.subarray(257, 263).toString('latin1');
      if (magic !== 'ustar\0' && magic !== 'ustar ') throw malformed('not a ustar archive');
      const flag = String.fromCharCode(block[156]!);
      let size = octal(block, 124, 12, 'size');
      if (pax.size !== undefined) size = Number(pax.size);
      if (!Number.isSafeInteger(size) || size < 0) throw malformed('bad entry size');
      const dataOffset = this.offset + BLOCK;
      if (dataOffset + size > this.fileSize) throw malformed('an entry runs past the end of the file');
      this.offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;

      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        if (size > this.maxMetaBytes) throw malformed('an extended header is too large');
        const data = await this.readAt(dataOffset, size);
        if (flag === 'x') pax = { ...pax, ...parsePax(data) };
        else if (flag === 'L') longName = field(data, 0, data.length);
        else if (flag === 'K') longLink = field(data, 0, data.length);
        // 'g' (global headers) carry nothing a bundle needs.
        continue;
      }
      const prefix = magic === 'ustar\0' ? field(block, 345, 155) : '';
      const shortName = field(block, 0, 100);
      const name = pax.path ?? longName ?? (prefix ? `${prefix}/${shortName}` : shortName);
      const linkname = pax.linkpath ?? longLink ?? field(block, 157, 100);
      const type: TarEntryType | null = flag === '0' || flag === '\0' || flag === '7' ? 'file'
        : flag === '5' ? 'directory' : flag === '2' ? 'symlink' : flag === '1' ? 'hardlink'
          : flag === '3' || flag === '4' || flag === '6' ? 'special' : null;
      if (type === null) throw malformed(`unsupported tar entry type "${flag}" for ${name}`);
      return { name, type, size: type === 'file' ? size : 0, mode: octal(block, 100, 8, 'mode'), linkname, dataOffset };
    }
  }

  private async checkTrailer(from: number): Promise<void> {
    // tar pads to whole records with zeros; anything else after the marker is smuggled data.
    const rest = this.fileSize - from;
    if (rest > 1024 * 1024) throw malformed('data after the end-of-archive marker');
    if (rest > 0 && !(await this.readAt(from, rest)).every((b) => b === 0)) throw malformed('data after the end-of-archive marker');
  }

  /** Reads a small entry's data whole (the manifest, the signature). */
  async readSmall(entry: TarEntry, limit: number): Promise<Buffer> {
    if (entry.size > limit) throw new UpdateError('bundle_too_large', `${entry.name} is ${entry.size} bytes, more than the limit of ${limit}`);
    return this.readAt(entry.dataOffset, entry.size);
  }

  /** Streams an entry's data in chunks to `sink`, awaiting each. */
  async pipe(entry: TarEntry, sink: (chunk: Buffer) => Promise<void> | void, chunkSize = 1024 * 1024): Promise<void> {
    let pos = 0;
    while (pos < entry.size) {
      const chunk = await this.readAt(entry.dataOffset + pos, Math.min(chunkSize, entry.size - pos));
      await sink(chunk);
      pos += chunk.length;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

function putString(block: Buffer, start: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(block, start);
}

function putOctal(block: Buffer, start: number, length: number, value: number): void {
  putString(block, start, length, value.toString(8).padStart(length - 1, '0'));
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  // The length counts its own digits.
  const bodyLen = Buffer.byteLength(body);
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return Buffer.from(`${len}${body}`, 'utf8');
}

function header(name: string, flag: string, size: number, mode: number, mtime: number, linkname = ''): Buffer {
  const block = Buffer.alloc(BLOCK);
  putString(block, 0, 100, name);
  putOctal(block, 100, 8, mode);
  putOctal(block, 108, 8, 0);
  putOctal(block, 116, 8, 0);
  putOctal(block, 124, 12, size);
  putOctal(block, 136, 12, mtime);
  block.fill(0x20, 148, 156);
  block.write(flag, 156, 'latin1');
  putString(block, 157, 100, linkname);
  block.write('ustar\u000000', 257, 'latin1');
  putString(block, 265, 32, 'root');
  putString(block, 297, 32, 'root');
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return block;
}

const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/**
 * The header blocks of one entry: a pax header first when the name or link target does not fit
 * the 100 bytes of ustar (no prefix splitting: one rule is easier to read back). Owner root,
 * a fixed mtime: the same tree gives the same bytes.
 */
export function entryHeader(entry: { name: string; type: 'file' | 'directory' | 'symlink'; size?: number; mode: number; linkname?: string }, mtime: number): Buffer {
  const records: Buffer[] = [];
  let name = entry.name;
  let linkname = entry.linkname ?? '';
  if (Buffer.byteLength(name) > 100) { records.push(paxRecord('path', name)); name = name.slice(0, 50).replace(/[^\x20-\x7e]/g, '_'); }
  if (Buffer.byteLength(linkname) > 100) { records.push(paxRecord('linkpath', linkname)); linkname = ''; }
  const flag = entry.type === 'file' ? '0' : entry.type === 'directory' ? '5' : '2';
  const main = header(name, flag, entry.type === 'file' ? entry.size ?? 0 : 0, entry.mode, mtime, linkname);
  if (records.length === 0) return main;
  const pax = Buffer.concat(records);
  return Buffer.concat([header('PaxHeader', 'x', pax.length, 0o644, mtime), pax, padding(pax.length), main]);
}

export { padding as tarPadding };

/** The end-of-archive marker: two zero blocks. */
export const TAR_END = Buffer.alloc(BLOCK * 2);
