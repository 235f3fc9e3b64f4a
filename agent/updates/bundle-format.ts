// The appliance update bundle, format "mailroom-bundle/1" (README.md in this directory has the
// full description). A bundle is a POSIX tar file whose first entry is `manifest.json`, whose
// second is `manifest.sig` (a detached Ed25519 signature over the manifest's exact bytes), and
// whose remaining entries are the application tree under `app/`, exactly the files and
// symlinks the manifest lists. This module holds the manifest's schema and the rules every
// path must pass; it is pure.

import path from 'node:path';
import { z } from 'zod';
import { isReleaseVersion } from './version-order.js';
import { UpdateError } from './update-errors.js';

export const BUNDLE_FORMAT = 'mailroom-bundle/1';
export const MANIFEST_ENTRY = 'manifest.json';
export const SIGNATURE_ENTRY = 'manifest.sig';
export const APP_PREFIX = 'app/';
/** Written beside the tree in every slot; a bundle may not ship a file of this name. */
export const SLOT_META_FILE = '.mailroom-slot.json';

/** Absurd sizes are refused before anything is read or written. */
export const LIMITS = {
  manifestBytes: 16 * 1024 * 1024,
  signatureBytes: 4096,
  fileBytes: 1024 * 1024 * 1024,
  totalBytes: 4 * 1024 * 1024 * 1024,
  entries: 200_000,
  pathBytes: 1024,
  pathDepth: 48,
} as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

export const manifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.string().refine(isReleaseVersion, 'must be a release version like 1.2.3'),
  createdAt: z.iso.datetime(),
  files: z.array(z.strictObject({
    path: z.string(),
    sha256: sha256Hex,
    size: z.number().int().min(0).max(LIMITS.fileBytes),
    /** Executable files keep their x bits; everything else is 0644. */
    mode: z.enum(['644', '755']),
  })).max(LIMITS.entries),
  symlinks: z.array(z.strictObject({ path: z.string(), target: z.string().min(1).max(LIMITS.pathBytes) })).max(LIMITS.entries).default([]),
});

export type BundleManifest = z.output<typeof manifestSchema>;
export type ManifestFile = BundleManifest['files'][number];

export interface ManifestSummary {
  version: string;
  createdAt: string;
  files: number;
  bytes: number;
}

export function summarize(m: BundleManifest): ManifestSummary {
  return { version: m.version, createdAt: m.createdAt, files: m.files.length, bytes: m.files.reduce((n, f) => n + f.size, 0) };
}

/**
 * A path inside the tree: relative, '/'-separated, already normal (no '.', '..' or empty
 * components), printable, and not our slot marker. Anything else is refused rather than
 * normalised, so what is signed is exactly what is written.
 */
export function checkTreePath(p: string): void {
  const unsafe = (why: string) => new UpdateError('bundle_unsafe_path', `unsafe path in bundle: ${JSON.stringify(p.slice(0, 200))} (${why})`);
  if (p.length === 0 || Buffer.byteLength(p) > LIMITS.pathBytes) throw unsafe('empty or too long');
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f\\]/.test(p)) throw unsafe('control character or backslash');
  if (p.startsWith('/')) throw unsafe('absolute');
  const parts = p.split('/');
  if (parts.length > LIMITS.pathDepth) throw unsafe('too deep');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') throw unsafe('not a normal relative path');
  }
  if (parts[0] === SLOT_META_FILE) throw unsafe('reserved name');
}

/**
 * Checks the manifest as a whole: every path safe and listed once, no file or link below a
 * symlink (writing through one could leave the tree), every symlink resolving inside the tree,
 * and the total size bounded.
 */
export function checkManifest(m: BundleManifest): void {
  const seen = new Set<string>();
  let total = 0;
  for (const f of m.files) {
    checkTreePath(f.path);
    if (seen.has(f.path)) throw new UpdateError('bundle_malformed', `the manifest lists ${f.path} twice`);
    seen.add(f.path);
    total += f.size;
  }
  if (total > LIMITS.totalBytes) throw new UpdateError('bundle_too_large', `the bundle's files add up to ${total} bytes, more than the limit of ${LIMITS.totalBytes}`);
  if (m.files.length + m.symlinks.length > LIMITS.entries) throw new UpdateError('bundle_too_large', `the bundle has more than ${LIMITS.entries} entries`);
  const links = new Set<string>();
  for (const l of m.symlinks) {
    checkTreePath(l.path);
    if (seen.has(l.path)) throw new UpdateError('bundle_malformed', `the manifest lists ${l.path} twice`);
    seen.add(l.path);
    links.add(l.path);
    if (l.target.startsWith('/')) throw new UpdateError('bundle_unsafe_path', `symlink ${l.path} points to an absolute path (${l.target})`);
    // '..' only at the start: after a component that may itself be a symlink, a lexical '..'
    // and the kernel's would disagree, and the link could leave the tree.
    const steps = l.target.split('/');
    const firstDown = steps.findIndex((s) => s !== '..');
    if (firstDown < 0 || steps.slice(firstDown).some((s) => s === '' || s === '.' || s === '..')) {
      throw new UpdateError('bundle_unsafe_path', `symlink ${l.path} has a target that is not a plain relative path (${l.target})`);
    }
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(l.path), l.target));
    if (resolved === '..' || resolved.startsWith('../')) throw new UpdateError('bundle_unsafe_path', `symlink ${l.path} points outside the tree (${l.target})`);
  }
  for (const p of seen) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (links.has(parent)) throw new UpdateError('bundle_unsafe_path', `${p} lies below the symlink ${parent}`);
      if (seen.has(parent) && !links.has(parent)) throw new UpdateError('bundle_malformed', `${p} lies below the file ${parent}`);
    }
  }
}

/** Parses and checks the manifest's bytes (after its signature was verified). */
export function parseManifest(bytes: Buffer): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new UpdateError('bundle_malformed', `manifest.json is not valid JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UpdateError('bundle_malformed', `manifest.json is not a ${BUNDLE_FORMAT} manifest (${issues})`);
  }
  checkManifest(parsed.data);
  return parsed.data;
}
