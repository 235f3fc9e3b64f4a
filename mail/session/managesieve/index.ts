// The ManageSieve service as the composition root starts it: one listener (RFC 5804's port 4190
// is plain with STARTTLS; there is no implicit-TLS port in the RFC). Everything is handed in.

import tls from 'node:tls';
import type { Logger } from '../../../core/log.js';
import type { AuthPenalty } from '../../auth/auth-penalty.js';
import { ManageSieveListener } from '../../listener/managesieve-listener.js';
import type { Directory, SieveStore } from '../../store/contracts.js';
import type { ManageSieveDeps, ManageSieveLimits } from './deps.js';

export interface ManageSieveServiceOptions {
  hostname: string;
  /** "host:port", or null (disabled). */
  listen: string | null;
  /** `context`: the daemon's shared one (TlsContextSource); without it one is made from key and cert. */
  tls: { key: string | Buffer; cert: string | Buffer; context?: tls.SecureContext } | null;
  limits: ManageSieveLimits & { connectionsPerIp: number; maxConnections: number };
  allowInsecureAuth: boolean;
  directory: Directory;
  scripts: SieveStore;
  logger: Logger;
  authPenalty: AuthPenalty;
  version: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface ManageSieveService {
  readonly addresses: Record<string, { address: string; port: number }>;
  close(drainMs?: number): Promise<void>;
}

export async function startManageSieveService(options: ManageSieveServiceOptions): Promise<ManageSieveService> {
  const logger = options.logger.child({ component: 'managesieve' });
  if (!options.listen) return { addresses: {}, close: async () => undefined };
  const context = options.tls ? options.tls.context ?? tls.createSecureContext({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }) : null;
  if (!context && !options.allowInsecureAuth) logger.warn('no TLS certificate: ManageSieve cannot offer STARTTLS, so no one can log in', { outcome: 'degraded' });
  const deps: ManageSieveDeps = {
    hostname: options.hostname,
    limits: {
      maxScriptSize: options.limits.maxScriptSize, maxScripts: options.limits.maxScripts, maxRedirects: options.limits.maxRedirects,
      maxLineLength: options.limits.maxLineLength, idleTimeout: options.limits.idleTimeout, maxErrors: options.limits.maxErrors,
    },
    tls: context,
    allowInsecureAuth: options.allowInsecureAuth,
    directory: options.directory,
    scripts: options.scripts,
    penalty: options.authPenalty,
    logger,
    version: options.version,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  };
  const listener = new ManageSieveListener({ name: 'managesieve', limits: { connectionsPerIp: options.limits.connectionsPerIp, maxConnections: options.limits.maxConnections }, deps, logger });
  const a = await listener.listen(options.listen);
  return { addresses: { managesieve: { address: a.address, port: a.port } }, close: (drainMs = 8000) => listener.close(drainMs) };
}
