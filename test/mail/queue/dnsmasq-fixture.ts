// A real DNS server for the queue tests: Debian's dnsmasq on a free loopback UDP/TCP port,
// answering only for the names the test gives it (see ../shared/PEERS.md).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';

export interface DnsmasqFixture {
  server: string; // "127.0.0.1:PORT"
  stop(): Promise<void>;
}

export function dnsmasqAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v dnsmasq || test -x /usr/sbin/dnsmasq']).status === 0;
}

async function freeUdpPort(): Promise<number> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  await new Promise<void>((resolve) => sock.close(() => resolve()));
  return port;
}

/**
 * `args` are dnsmasq record options, e.g. `--mx-host=a.test,mx.a.test,10`. The free UDP port may
 * be taken on TCP (dnsmasq binds both), or by another test between our probe and its bind: such
 * a start is tried again on another port.
 */
export async function startDnsmasq(args: string[]): Promise<DnsmasqFixture> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDnsmasqOnce(args);
    } catch (err) {
      if (attempt >= 5 || !/Address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startDnsmasqOnce(args: string[]): Promise<DnsmasqFixture> {
  const port = await freeUdpPort();
  const bin = spawnSync('sh', ['-c', 'command -v dnsmasq']).stdout.toString().trim() || '/usr/sbin/dnsmasq';
  const child: ChildProcess = spawn(bin, [
    '--keep-in-foreground', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
    '--user=root', '--pid-file=', '--log-facility=-', '--local=/test/', ...args,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const server = `127.0.0.1:${port}`;
  // Ready when it answers a query (any answer, NXDOMAIN included).
  const probe = new Resolver({ timeout: 200, tries: 1 });
  probe.setServers([server]);
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${stderr}`);
    try {
      await probe.resolve4('probe.test');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOTFOUND' || (err as NodeJS.ErrnoException).code === 'ENODATA') break;
      if (i > 50) throw new Error(`dnsmasq did not answer: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    server,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
