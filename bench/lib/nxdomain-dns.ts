// A DNS server on a loopback port that answers NXDOMAIN for every name, at once: dnsmasq with no
// upstream and every domain local. rspamd asks DNS for each message (RBL/SURBL/DBL lookups of
// the domains it finds); the machine's own resolver may be unreachable from a test box, and a
// lookup that times out (1 s, retried) would measure the sandbox, not rspamd. NXDOMAIN is what a
// clean message's block-list lookups answer in real life ("not listed"), from a resolver that
// has them cached.

import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { freeLoopbackPort, PeerProcess } from '../../test/helpers/peer-process.js';

export const DNSMASQ = '/usr/sbin/dnsmasq';

export class NxdomainDns {
  private readonly process = new PeerProcess('dnsmasq');
  port = 0;

  /** "127.0.0.1:PORT", for a resolver setting. */
  get address(): string { return `127.0.0.1:${this.port}`; }

  static missing(): string | null {
    return existsSync(DNSMASQ) ? null : 'dnsmasq is not installed (apt-get install dnsmasq-base)';
  }

  async start(): Promise<void> {
    this.port = await freeLoopbackPort();
    await this.process.start(DNSMASQ, [
      '--keep-in-foreground', '--log-facility=-', `--port=${this.port}`, '--listen-address=127.0.0.1', '--bind-interfaces',
      '--no-resolv', '--no-hosts', '--no-poll', '--local=/#/', '--pid-file=',
    ], { probe: () => this.answersNxdomain(), timeoutMs: 20_000 });
  }

  private async answersNxdomain(): Promise<boolean> {
    const r = new Resolver({ timeout: 500, tries: 1 });
    r.setServers([this.address]);
    try {
      await r.resolve4('probe.invalid');
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOTFOUND';
    }
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}
