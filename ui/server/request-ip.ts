// The client's address as logs and the audit log show it: the socket's peer (the agent is not
// behind a proxy), IPv4-mapped IPv6 written as plain IPv4.

import type { IncomingMessage } from 'node:http';

export function requestIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}
