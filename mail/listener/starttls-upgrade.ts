// The server side of an in-place TLS switch (IMAP STARTTLS, POP3 STLS, ManageSieve STARTTLS):
// the plain socket is wrapped in a TLS socket that the session's connection reads from then on.
// The wrapper is returned before the handshake ends so the caller attaches its own listeners in
// the same tick, before the first decrypted byte can arrive.

import type net from 'node:net';
import tls from 'node:tls';

export interface TlsUpgrade {
  socket: tls.TLSSocket;
  /** Resolves when the handshake is done; rejects when it fails or the client goes away first. */
  handshake: Promise<void>;
}

export function upgradeToTls(raw: net.Socket, context: tls.SecureContext): TlsUpgrade {
  const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
  const handshake = new Promise<void>((resolve, reject) => {
    socket.once('secure', resolve);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed during the TLS handshake')));
  });
  return { socket, handshake };
}
