// acme.legacy-account-key {}: hands the agent the ACME account key of releases before
// agent.stateDir, DIR/acme/account-key.pem, once, so an appliance that issued certificates
// before keeps its ACME account (agent/acme/legacy-account-key.ts calls it only when its own
// STATE/acme/account-key.pem is missing). The agent cannot read it itself: DIR/acme is the mail
// daemon's (0700) and the key 0600. Least privilege for a one-time hand-over: the path is fixed
// (nothing from the request or config.json), read without following links and only when it is
// the mail daemon's own regular file (agent/helper/confined-file.ts), and only a parsed private
// key goes back, re-encoded, so no other content can leave through this command. Nothing is
// changed in DIR. Result: {pem: string | null} (null: there is no old key).
// Errors: helper_path_refused, legacy_account_key_invalid, helper_file_unreadable.

import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { readFileInsideDataDir } from '../confined-file.js';
import { defineHelperCommand, HelperError } from '../helper-command.js';

export const LEGACY_ACCOUNT_KEY_FILE = path.join('acme', 'account-key.pem');
const MAX_KEY_BYTES = 16 * 1024;

export const acmeLegacyAccountKeyCommand = defineHelperCommand({
  name: 'acme.legacy-account-key',
  schema: z.strictObject({}),
  async run(_args, ctx) {
    let pem: Buffer;
    try {
      pem = await readFileInsideDataDir(ctx.dataDir, LEGACY_ACCOUNT_KEY_FILE, { what: 'the old ACME account key', maxBytes: MAX_KEY_BYTES });
    } catch (err) {
      if (err instanceof HelperError && err.code === 'helper_file_missing') return { pem: null };
      throw err;
    }
    let exported: string;
    try {
      exported = createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }) as string;
    } catch (err) {
      throw new HelperError('legacy_account_key_invalid', `DIR/${LEGACY_ACCOUNT_KEY_FILE} is not a private key in PEM`, { cause: err });
    }
    ctx.logger.info('old ACME account key handed to the agent', { file: LEGACY_ACCOUNT_KEY_FILE });
    return { pem: exported };
  },
});
