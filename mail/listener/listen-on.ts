// Binds a listener's server to "host:port" and logs it; shared by every protocol's listener.

import type net from 'node:net';
import { splitHostPort } from '../../core/config.js';
import type { Logger } from '../../core/log.js';

/** Resolves with the bound address, or rejects with the bind error (EADDRINUSE ...). */
export function listenOn(server: net.Server, hostPort: string, name: string, logger: Logger): Promise<net.AddressInfo> {
  const { host, port } = splitHostPort(hostPort);
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address() as net.AddressInfo;
      logger.info('listening', { listener: name, address: address.address, port: address.port, outcome: 'listening' });
      resolve(address);
    });
  });
}
