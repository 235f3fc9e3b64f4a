// Where a blob lives on disk: DATA/blobs/YYYYMMDD/HH/<id>, id = "YYYYMMDDHH" + 22 random
// url-safe characters (128 bits).
//
// Why time-bucketed directories instead of a hash fan-out (xx/yy/): a new name is only durable
// after an fsync of its directory, and concurrent deliveries share that fsync only if they land
// in the same directory. With 65,536 hash directories two concurrent messages almost never do;
// with one directory per hour every concurrent delivery does, so one directory fsync serves a
// whole batch. Hour buckets also keep each directory to one hour of mail, make backups
// incremental-friendly, and let a sweep walk recent mail first. The id carries its bucket, so
// finding a blob needs no lookup.

import path from 'node:path';
import { randomFillSync } from 'node:crypto';

const ID_PATTERN = /^(\d{8})(\d{2})[A-Za-z0-9_-]{22}$/;

export function isBlobId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// Random bytes are drawn from the CSPRNG 4 KB at a time and handed out once each: one
// randomFillSync per 256 ids instead of one randomBytes (and its Buffer) per id.
const RANDOM_POOL_BYTES = 4096;
const ID_RANDOM_BYTES = 16;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/** 16 fresh random bytes as 22 url-safe characters. */
function randomChars(): string {
  if (randomOffset + ID_RANDOM_BYTES > randomPool.length) {
    randomPool = randomFillSync(Buffer.allocUnsafeSlow(RANDOM_POOL_BYTES));
    randomOffset = 0;
  }
  const start = randomOffset;
  randomOffset += ID_RANDOM_BYTES;
  return randomPool.toString('base64url', start, start + ID_RANDOM_BYTES);
}

/** A new id for a blob created at `now` (UTC buckets, so clocks changing zone do not matter). */
export function newBlobId(now: Date): string {
  const bucket = `${pad(now.getUTCFullYear(), 4)}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}${pad(now.getUTCHours())}`;
  return bucket + randomChars();
}

export interface BlobLocation {
  dayDir: string;
  hourDir: string;
  file: string;
}

/** The paths of a blob under `blobsRoot`; null when the id is not one of ours (never a path). */
export function locateBlob(blobsRoot: string, id: string): BlobLocation | null {
  const m = ID_PATTERN.exec(id);
  if (!m) return null;
  const dayDir = path.join(blobsRoot, m[1]!);
  const hourDir = path.join(dayDir, m[2]!);
  return { dayDir, hourDir, file: path.join(hourDir, id) };
}
