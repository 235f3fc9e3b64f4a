// Where the agent finds the ACME account key of releases before agent.stateDir, for
// loadOrCreateAccountKey's adoptLegacy (account-key-store.ts): DIR/acme/account-key.pem read
// directly when the agent may (a development set-up), else handed over by the privileged
// helper's acme.legacy-account-key (the appliance: DIR/acme is the mail daemon's, 0700, and
// the agent only shares DIR's group). null: there is no old key.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HelperCaller } from '../helper/helper-client.js';
import { ACME_DIR } from './account-key-store.js';

/** `read`: a test seam (how the agent reads a file itself). */
export function legacyAccountKeySource(dataDir: string, helper: HelperCaller | null, read: (file: string) => Promise<Buffer> = readFile): () => Promise<Buffer | null> {
  const file = path.join(dataDir, ACME_DIR, 'account-key.pem');
  return async () => {
    try {
      return await read(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code !== 'EACCES' && code !== 'EPERM') throw err;
      if (!helper) throw err;
    }
    const { pem } = await helper.call<{ pem: string | null }>('acme.legacy-account-key');
    return pem === null ? null : Buffer.from(pem);
  };
}
