// The privileged helper's own settings: every value that makes root run a program, trust a
// signing key or write somewhere. They never come from DIR/config.json, which belongs to the
// mail daemon's user (whoever can write DIR must not get root through the helper): they are
// fixed defaults here, optionally changed by a root-owned file, /etc/mailroom/helper.json
// (regular file, owner root, not writable by group or others; refused otherwise). A missing
// file means the defaults.
//
//   { "updates": { "trustedKeys": ["<PEM or base64 Ed25519 key>"], "keysDir": "/usr/lib/mailroom/update-keys",
//                  "restartCommand": ["systemctl", "restart", "mailroom-mail.service", "mailroom-agent.service"],
//                  "slotsDir": "/var/lib/mailroom-updates/slots", "bundleDir": "/var/lib/mailroom-updates/inbox" } }
//
// Errors: helper_settings_refused (ownership or mode), helper_settings_invalid (not the schema).

import { constants as C, closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HelperError } from './helper-command.js';

export const HELPER_SETTINGS_FILE = '/etc/mailroom/helper.json';

const absolute = z.string().min(1).refine((p) => path.isAbsolute(p), 'must be an absolute path');

const settingsSchema = z.strictObject({
  updates: z.strictObject({
    /** Ed25519 public keys that may sign bundles, besides keysDir's *.pub files. */
    trustedKeys: z.array(z.string().min(40)).default([]),
    keysDir: absolute.nullable().default('/usr/lib/mailroom/update-keys'),
    /** argv (no shell) restarting the services onto the active slot, run as root. */
    restartCommand: z.array(z.string().min(1)).min(1).default(['systemctl', 'restart', 'mailroom-mail.service', 'mailroom-agent.service']),
    slotsDir: absolute.default('/var/lib/mailroom-updates/slots'),
    bundleDir: absolute.default('/var/lib/mailroom-updates/inbox'),
  }).prefault({}),
});

export type HelperSettings = z.output<typeof settingsSchema>;

export const DEFAULT_HELPER_SETTINGS: HelperSettings = Object.freeze(settingsSchema.parse({}));

/** Parses settings from JSON text; `source` names it in errors. */
export function parseHelperSettings(text: string, source: string): HelperSettings {
  let value: unknown;
  try { value = JSON.parse(text); } catch (err) {
    throw new HelperError('helper_settings_invalid', `${source} is not JSON: ${(err as Error).message}`);
  }
  const r = settingsSchema.safeParse(value);
  if (!r.success) {
    throw new HelperError('helper_settings_invalid', `${source}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/**
 * Reads the settings file; defaults when it does not exist. `uid`: who may own it besides root
 * (the helper's own uid, for a development helper that is not root).
 */
export function loadHelperSettings(file = HELPER_SETTINGS_FILE, uid = process.getuid?.() ?? 0): HelperSettings {
  let fd: number;
  try {
    fd = openSync(file, C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return DEFAULT_HELPER_SETTINGS;
    if (code === 'ELOOP') throw new HelperError('helper_settings_refused', `${file} is a symlink; the helper's settings must be a root-owned file`);
    throw new HelperError('helper_settings_invalid', `cannot open ${file} (${code ?? (err as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HelperError('helper_settings_refused', `${file} is not a regular file`);
    if (st.uid !== 0 && st.uid !== uid) throw new HelperError('helper_settings_refused', `${file} belongs to uid ${st.uid}, not root`);
    if (st.mode & 0o022) throw new HelperError('helper_settings_refused', `${file} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`);
    if (st.size > 1024 * 1024) throw new HelperError('helper_settings_invalid', `${file} is larger than 1 MiB`);
    return parseHelperSettings(readFileSync(fd, 'utf8'), file);
  } finally {
    closeSync(fd);
  }
}
