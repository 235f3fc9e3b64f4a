// Whether a configured listener accepts connections: a TCP connect to its address (a wildcard
// address is probed on loopback, where every wildcard listener also answers), and for the
// implicit-TLS ports a handshake that reads the served certificate's expiry. The certificate
// is not verified: the probe reports what is served, it does not trust it.

import net from 'node:net';
import tls from 'node:tls';

export interface PortProbeResult {
  state: 'listening' | 'closed';
  /** Why it counts as closed (ECONNREFUSED, timeout ...). */
  error: string | null;
  /** TLS ports: the certificate's notAfter (ISO 8601), null when the handshake failed. */
  certificateExpires: string | null;
  /** TLS ports: why the handshake failed while TCP connected. */
  tlsError: string | null;
}

/** `*:25`, `0.0.0.0:25`, `[::]:25` -> 127.0.0.1 (a dual-stack wildcard answers there too); anything else as written. */
export function probeHost(host: string): string {
  if (['*', '', '0.0.0.0', '::', '[::]'].includes(host)) return '127.0.0.1';
  return host.replace(/^\[|\]$/g, '');
}

export function probePort(host: string, port: number, options: { tls: boolean; timeoutMs?: number; servername?: string }): Promise<PortProbeResult> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const target = probeHost(host);
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: PortProbeResult, socket: net.Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const closed = (error: string): PortProbeResult => ({ state: 'closed', error, certificateExpires: null, tlsError: null });
    const socket = net.connect({ host: target, port });
    const timer = setTimeout(() => done(closed(`no answer within ${timeoutMs} ms`), socket), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => done(closed(err.code ?? err.message), socket));
    socket.once('connect', () => {
      if (!options.tls) { done({ state: 'listening', error: null, certificateExpires: null, tlsError: null }, socket); return; }
      const secure = tls.connect({ socket, rejectUnauthorized: false, ...(options.servername && net.isIP(options.servername) === 0 ? { servername: options.servername } : {}) });
      secure.once('secureConnect', () => {
        const cert = secure.getPeerCertificate();
        const expires = cert?.valid_to ? new Date(cert.valid_to) : null;
        done({ state: 'listening', error: null, certificateExpires: expires && !Number.isNaN(expires.getTime()) ? expires.toISOString() : null, tlsError: null }, secure);
      });
      secure.on('error', (err: NodeJS.ErrnoException) => done({ state: 'listening', error: null, certificateExpires: null, tlsError: err.code ?? err.message }, secure));
    });
  });
}
