// The per-domain list of DKIM keys (DATA/dkim/<domain>/manifest.json): which selectors are
// published in DNS, which of them sign, and which generation names were ever used. The manifest
// is the commit point: key files are written before it names them and deleted after it stops
// naming them, so a crash leaves at worst an unreferenced file, never a reference to no file.

import { z } from 'zod';
import { MailroomError } from '../../../core/errors.js';

export const MANIFEST_FILE = 'manifest.json';

const entrySchema = z.strictObject({
  selector: z.string().min(1),
  algorithm: z.enum(['rsa', 'ed25519']),
  /** File name inside the domain's directory. */
  file: z.string().regex(/^[a-z0-9-]+\.(rsa|ed25519)\.pem$/),
  createdAt: z.string(),
  /** Signs outgoing mail. Inactive entries stay published until retired. */
  active: z.boolean(),
});

export const manifestSchema = z.strictObject({
  version: z.literal(1),
  domain: z.string(),
  keys: z.array(entrySchema),
  /** Every generation ever created for this domain, retired ones included: never reuse a selector. */
  generations: z.array(z.string()),
});

export type DkimKeyEntry = z.infer<typeof entrySchema>;
export type DkimManifest = z.infer<typeof manifestSchema>;

export function parseManifest(text: string, file: string): DkimManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MailroomError('dkim_manifest_invalid', `${file}: not valid JSON`, { cause: err });
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success) {
    throw new MailroomError('dkim_manifest_invalid', `${file}: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

export function serializeManifest(manifest: DkimManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}
