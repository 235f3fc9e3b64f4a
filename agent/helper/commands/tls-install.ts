// tls.install {cert, key}: installs a certificate chain and its private key (PEM) as the mail
// daemon's TLS files. The agent cannot write there on the appliance (the mail daemon's DIR), so
// it sends the pair here. The request carries only the PEM text, never a path: the files are
// config tls.cert/tls.key, accepted only inside the helper's own DIR and written without
// following symlinks, owned by DIR's owner (agent/acme/tls-install-in-helper.ts). Errors:
// bad_args (not text, too large), tls_pair_invalid, tls_path_refused, tls_install_failed.

import { z } from 'zod';
import { installTlsPairConfined } from '../../acme/tls-install-in-helper.js';
import { MAX_CERTIFICATE_CHAIN_CHARS, MAX_PRIVATE_KEY_CHARS } from '../../acme/tls-pair.js';
import { defineHelperCommand } from '../helper-command.js';

/** PEM is printable ASCII and line breaks. */
const PEM_TEXT = /^[\t\r\n\x20-\x7e]+$/;

export const tlsInstallCommand = defineHelperCommand({
  name: 'tls.install',
  schema: z.strictObject({
    cert: z.string().min(1).max(MAX_CERTIFICATE_CHAIN_CHARS).regex(PEM_TEXT, 'must be PEM text'),
    key: z.string().min(1).max(MAX_PRIVATE_KEY_CHARS).regex(PEM_TEXT, 'must be PEM text'),
  }),
  async run(args, ctx) {
    const config = ctx.config();
    const result = await installTlsPairConfined(ctx.dataDir, config.tls, { cert: args.cert, key: args.key });
    ctx.logger.info('tls certificate installed', { cert: result.cert, key: result.key });
    return result;
  },
});
