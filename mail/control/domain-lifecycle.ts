// A domain and its DKIM keys come and go together, as `mailroom domain add|rm` does it
// (cli/commands/domain.ts): add creates an RSA and an Ed25519 key and undoes the add when that
// fails; rm removes the keys after the directory row.

import { normalizeDomain } from '../../core/address.js';
import type { Domain } from '../store/contracts.js';
import type { ControlDeps } from './control-deps.js';

export async function addDomainWithKeys(deps: Pick<ControlDeps, 'directory' | 'dkimKeys' | 'logger'>, name: string): Promise<Domain> {
  const added = await deps.directory.addDomain(name);
  try {
    // The directory had no such domain, so any keys on disk are left from an interrupted removal.
    await deps.dkimKeys.create(added.name, { replace: true });
  } catch (err) {
    await deps.directory.removeDomain(added.name).catch((undoErr: unknown) => deps.logger.error('cannot undo domain add', { domain: added.name, err: undoErr }));
    throw err;
  }
  return added;
}

/** Returns the normalised name of the removed domain. */
export async function removeDomainWithKeys(deps: Pick<ControlDeps, 'directory' | 'dkimKeys'>, name: string): Promise<string> {
  await deps.directory.removeDomain(name);
  // removeDomain refused anything that is not a valid, existing domain.
  const domain = normalizeDomain(name)!;
  await deps.dkimKeys.remove(domain);
  return domain;
}
