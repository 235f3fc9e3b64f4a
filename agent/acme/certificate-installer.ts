// Who writes an issued certificate into the mail daemon's TLS files (config tls.cert/tls.key).
// In development and tests (agent.stateDir null) the agent shares DIR with the mail daemon and
// writes them itself. With its own state directory (the appliance: /var/lib/mailroom-agent) the
// agent may not write DIR, so it hands the PEM pair to the privileged helper's tls.install,
// which checks the pair and writes the files as the mail daemon's user.

import type { Config } from '../../core/config.js';
import type { HelperCaller } from '../helper/helper-client.js';
import { installCertificate } from './certificate-files.js';

export type CertificateInstaller = (pem: { cert: string; key: string }) => Promise<void>;

/** Writes the files from this process (it must be allowed to). */
export function directCertificateInstaller(files: { cert: string; key: string }): CertificateInstaller {
  return (pem) => installCertificate(files, pem);
}

/** Asks the helper; its errors (tls_pair_invalid, helper_unavailable, ...) pass through. */
export function helperCertificateInstaller(helper: HelperCaller): CertificateInstaller {
  return async (pem) => { await helper.call('tls.install', { cert: pem.cert, key: pem.key }); };
}

/** The agent's choice: through the helper exactly when it has a state directory of its own. */
export function agentCertificateInstaller(config: Pick<Config, 'agent' | 'tls'>, helper: HelperCaller): CertificateInstaller {
  return config.agent.stateDir ? helperCertificateInstaller(helper) : directCertificateInstaller(config.tls);
}
