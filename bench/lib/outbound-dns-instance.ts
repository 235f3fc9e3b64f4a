// A dnsmasq on a loopback port that publishes one remote domain whose MX is the bench's sink
// (127.0.0.1). Mailroom routes outbound mail by MX through `dns.servers`, so this is how its
// queue finds the sink with its normal code path (MX lookup, address lookup, opportunistic TLS
// that the sink does not offer). Nothing is forwarded: dnsmasq has no upstream servers.
// Its answers look like a real zone's: a 300 s TTL (dnsmasq's own default is 0: never cache), and
// NXDOMAIN for other names in the domain (`_mta-sts.`), not REFUSED (which reads as a resolver
// failure, asked again every time).

import { spawn, type ChildProcess } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { sleep } from './proc.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';

export interface OutboundDnsOptions {
  port: number;
  /** The recipients' domain. */
  domain: string;
  /** Its MX host name; it resolves to 127.0.0.1. */
  mxHost: string;
}

export class OutboundDnsInstance {
  private child: ChildProcess | null = null;
  private exited = false;
  private stderr = '';

  constructor(private readonly opts: OutboundDnsOptions) {}

  get server(): string {
    return `127.0.0.1:${this.opts.port}`;
  }

  async start(): Promise<void> {
    if (!existsSync(DNSMASQ)) throw new Error(`${DNSMASQ} is missing (apt-get install dnsmasq-base)`);
    const { port, domain, mxHost } = this.opts;
    const args = [
      '--keep-in-foreground', '--conf-file=/dev/null', '--pid-file', `--port=${port}`, '--listen-address=127.0.0.1',
      '--bind-interfaces', '--no-resolv', '--no-hosts', `--mx-host=${domain},${mxHost},10`, `--host-record=${mxHost},127.0.0.1`,
      '--local-ttl=300', `--local=/${domain}/`,
    ];
    this.child = spawn(DNSMASQ, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => { if (this.stderr.length < 4000) this.stderr += d.toString(); });
    this.child.on('exit', () => { this.exited = true; });
    const resolver = new Resolver({ timeout: 500, tries: 1 });
    resolver.setServers([this.server]);
    const deadline = Date.now() + 10000;
    let last = '';
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`dnsmasq exited: ${this.stderr.trim()}`);
      try {
        const mx = await resolver.resolveMx(domain);
        if (mx.some((r) => r.exchange === mxHost)) return;
        last = `unexpected MX ${JSON.stringify(mx)}`;
      } catch (err) {
        last = (err as Error).message;
      }
      await sleep(100);
    }
    throw new Error(`dnsmasq did not answer on ${this.server}: ${last} ${this.stderr.trim()}`);
  }

  async stop(): Promise<void> {
    if (this.child && !this.exited) {
      this.child.kill('SIGTERM');
      const deadline = Date.now() + 5000;
      while (!this.exited && Date.now() < deadline) await sleep(20);
      if (!this.exited) this.child.kill('SIGKILL');
    }
  }

  stopSync(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
  }
}
