// Counts open connections per client address and in total, for one listener. IPv6 clients are
// counted per /64, the block one subscriber usually holds, or a single host could take as many
// slots as it has addresses.

import net from 'node:net';

export type AdmitResult = 'ok' | 'too-many' | 'too-many-from-ip';

export class ConnectionLimiter {
  private readonly perKey = new Map<string, number>();
  private total = 0;

  constructor(private readonly limits: { connectionsPerIp: number; maxConnections: number }) {}

  get size(): number {
    return this.total;
  }

  countFor(ip: string): number {
    return this.perKey.get(clientKey(ip)) ?? 0;
  }

  /** Takes a slot for `ip`, or says why not. Every 'ok' needs exactly one release(). */
  admit(ip: string): AdmitResult {
    if (this.total >= this.limits.maxConnections) return 'too-many';
    const key = clientKey(ip);
    const n = this.perKey.get(key) ?? 0;
    if (n >= this.limits.connectionsPerIp) return 'too-many-from-ip';
    this.perKey.set(key, n + 1);
    this.total++;
    return 'ok';
  }

  release(ip: string): void {
    const key = clientKey(ip);
    const n = this.perKey.get(key) ?? 0;
    if (n <= 1) this.perKey.delete(key);
    else this.perKey.set(key, n - 1);
    if (n > 0) this.total--;
  }
}

/** The address a limit applies to: the IPv4 address, or the /64 of an IPv6 one. */
export function clientKey(ip: string): string {
  const v4 = ip.replace(/^::ffff:/i, '');
  if (net.isIPv4(v4)) return v4;
  if (!net.isIPv6(ip)) return ip;
  return expandIPv6(ip).slice(0, 4).join(':') + '::/64';
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail = ''] = ip.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = ip.includes('::') && tail ? tail.split(':') : [];
  const fill = ip.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((p) => p.toLowerCase().padStart(4, '0'));
}
