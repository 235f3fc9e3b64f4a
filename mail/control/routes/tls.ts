// The mail daemon's TLS certificate over the control socket:
//   GET  /v1/tls          what new handshakes are served (subject, names, issuer, notAfter, fingerprint)
//   POST /v1/tls/reload   read tls.cert/tls.key again; new handshakes (implicit TLS and STARTTLS)
//                         get the new certificate, open connections keep theirs
// The agent calls reload after it installs a renewed certificate. A pair that cannot be used
// (unreadable, key and certificate not matching) is refused with 422 and the old one stays.

import type { ControlDeps } from '../control-deps.js';
import { ControlRequestError } from '../control-errors.js';
import { ok, type ControlRoute } from '../control-router.js';
import { TlsReloadError, type TlsCertificateInfo } from '../../listener/tls-context-source.js';

/** The daemon's side of certificate reloads (mail/listener/tls-context-source.ts). */
export interface TlsControl {
  current(): TlsCertificateInfo | null;
  reload(): TlsCertificateInfo;
}

function requireTls(deps: ControlDeps): TlsControl {
  if (!deps.tls) throw new ControlRequestError(404, 'tls_unavailable', 'this mail daemon has no reloadable TLS certificate');
  return deps.tls;
}

export function tlsRoutes(deps: ControlDeps): ControlRoute[] {
  return [
    {
      method: 'GET', path: '/v1/tls',
      async handle() {
        const current = requireTls(deps).current();
        if (!current) throw new ControlRequestError(404, 'tls_none', 'the mail daemon serves no TLS certificate (tls.cert/tls.key were unreadable at start)');
        return ok(current);
      },
    },
    {
      method: 'POST', path: '/v1/tls/reload',
      async handle() {
        try {
          const info = requireTls(deps).reload();
          deps.logger.info('tls certificate reloaded', { subject: info.subject, issuer: info.issuer, notAfter: info.notAfter, fingerprint: info.fingerprint256, outcome: 'reloaded' });
          return ok(info);
        } catch (err) {
          if (err instanceof TlsReloadError) {
            deps.logger.warn('tls certificate reload refused', { err, outcome: 'refused' });
            throw new ControlRequestError(422, err.code, `${err.message}; the previous certificate stays in use`);
          }
          throw err;
        }
      },
    },
  ];
}
