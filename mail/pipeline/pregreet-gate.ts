// The pregreet test, as Postfix's postscreen does it: a client the MX has not seen lately waits
// a moment for the 220 greeting; a real MTA waits (RFC 5321 gives it five minutes), a spam bot
// that talks first gives itself away and is refused. A client that passed is remembered for a
// day and greeted at once after that, so repeat senders pay nothing. Pure bookkeeping: the
// session layer does the waiting.

export interface PregreetGateOptions {
  /** How long an unknown client waits for the greeting, in ms; 0 turns the test off. */
  waitMs: number;
  /** How long a pass is remembered, in ms. */
  passTtlMs?: number;
  /** Most clients remembered; the oldest passes are forgotten first. */
  maxEntries?: number;
  now?: () => number;
}

export class PregreetGate {
  private readonly passes = new Map<string, number>(); // client key -> pass time, oldest first
  private readonly ttl: number;
  private readonly max: number;
  private readonly now: () => number;

  constructor(private readonly options: PregreetGateOptions) {
    this.ttl = options.passTtlMs ?? 24 * 3600_000;
    this.max = options.maxEntries ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds this client must wait for its greeting (0 = greet at once). */
  waitFor(address: string): number {
    if (this.options.waitMs <= 0) return 0;
    const passedAt = this.passes.get(clientKey(address));
    if (passedAt !== undefined && this.now() - passedAt < this.ttl) return 0;
    return this.options.waitMs;
  }

  /** The client waited without talking: greet it at once from now on. */
  passed(address: string): void {
    const key = clientKey(address);
    this.passes.delete(key); // re-insert so Map order stays oldest-first
    this.passes.set(key, this.now());
    while (this.passes.size > this.max) {
      const oldest = this.passes.keys().next().value as string;
      this.passes.delete(oldest);
    }
  }
}

/** IPv4 addresses by themselves; IPv6 by /64, since one host holds a whole /64. */
function clientKey(address: string): string {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (!a.includes(':')) return a;
  const groups = expandIpv6(a);
  return groups.slice(0, 4).join(':') + '::/64';
}

function expandIpv6(address: string): string[] {
  const [head, tail] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? Array(Math.max(0, 8 - h.length - t.length)).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}
