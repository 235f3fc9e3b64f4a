// Renders a FirewallPolicy to an nft script that replaces our table, and only our table, in one
// transaction: `table inet mailroom` (creates it if absent) + `delete table inet mailroom` +
// the full table. `nft -f` applies a file atomically, so there is never a moment with a half
// ruleset or none. Pure: policy in, text out; every address is re-validated here because the
// text goes to nft as a program.
//
// Order in the input chain matters:
//   1. blocked sources, before everything else, established connections included: a ban cuts
//      an attacker's open sessions too;
//   2. invalid dropped, established/related accepted, loopback accepted;
//   3. ICMP and ICMPv6 (path MTU discovery, neighbour discovery and router advertisements need it);
//   4. DHCPv6 replies to the link-local client;
//   5. per-source rate limit on new connections to the rate-limited ports (one dynamic set per
//      family keyed by source address and port, entries expiring when idle);
//   6. open ports; admin ports and SSH from their networks only. Everything else: policy drop.
// Output is left alone (policy accept): the appliance's own connections are not filtered.

import { InputError } from '../../core/errors.js';
import type { BlockedSource, FirewallPolicy } from './firewall-policy.js';
import { parseIpAddress, parseIpNetwork, type IpFamily } from './ip-address.js';

export const FIREWALL_TABLE = 'mailroom';
export const FIREWALL_FAMILY = 'inet';
export const BLOCKLIST_SET: Record<IpFamily, string> = { 4: 'blocklist4', 6: 'blocklist6' };
/** Rate-limit sets forget a source after this many seconds without a new connection. */
const RATE_SET_TIMEOUT = 600;
const RATE_SET_SIZE = 65535;

function checkPort(p: number, what: string): number {
  if (!Number.isInteger(p) || p < 1 || p > 65535) throw new InputError('bad_policy', `${what}: ${p} is not a port (1-65535)`);
  return p;
}

function portSet(ports: number[]): string {
  return ports.length === 1 ? String(ports[0]) : `{ ${ports.join(', ')} }`;
}

function checkSeconds(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 10 * 365 * 86400) throw new InputError('bad_policy', `${what}: ${n} is not a whole number of seconds`);
  return n;
}

function blockedElement(b: BlockedSource): { family: IpFamily; text: string } {
  const ip = parseIpAddress(b.ip);
  const timeout = checkSeconds(b.timeoutSeconds, `block of ${ip.text}`);
  const expires = b.expiresSeconds === undefined ? null : checkSeconds(Math.min(b.expiresSeconds, timeout), `block of ${ip.text}`);
  return { family: ip.family, text: `${ip.text} timeout ${timeout}s${expires !== null && expires !== timeout ? ` expires ${expires}s` : ''}` };
}

/** Rules accepting `ports` from `networks`, one per family that has networks. */
function fromNetworks(networks: string[], ports: number[], what: string): string[] {
  if (ports.length === 0) return [];
  const parsed = networks.map((n) => parseIpNetwork(n));
  const rules: string[] = [];
  for (const family of [4, 6] as const) {
    const nets = [...new Set(parsed.filter((n) => n.family === family).map((n) => n.text))];
    if (nets.length === 0) continue;
    rules.push(`${family === 4 ? 'ip' : 'ip6'} saddr ${nets.length === 1 ? nets[0] : `{ ${nets.join(', ')} }`} tcp dport ${portSet(ports)} accept comment "${what}"`);
  }
  return rules;
}

export function renderRuleset(policy: FirewallPolicy): string {
  const open = policy.openTcpPorts.map((p) => checkPort(p, 'open port'));
  const limited = policy.rateLimitedTcpPorts.map((p) => checkPort(p, 'rate-limited port'));
  const admin = policy.adminTcpPorts.map((p) => checkPort(p, 'admin port'));
  const ssh = policy.sshPort === null ? null : checkPort(policy.sshPort, 'SSH port');
  const rate = checkSeconds(policy.ratePerMinute, 'ratePerMinute');
  const burst = checkSeconds(policy.rateBurst, 'rateBurst');
  const blocked = policy.blocked.map(blockedElement);

  const set = (name: string, lines: string[]) => [`\tset ${name} {`, ...lines.map((l) => `\t\t${l}`), '\t}'];
  const blocklist = (family: IpFamily) => {
    const elements = blocked.filter((b) => b.family === family).map((b) => b.text);
    return set(BLOCKLIST_SET[family], [
      `type ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'}`,
      'flags timeout',
      ...(elements.length ? [`elements = { ${elements.join(', ')} }`] : []),
    ]);
  };
  const rateSet = (family: IpFamily) => set(`mail_rate${family}`, [
    `type ${family === 4 ? 'ipv4_addr' : 'ipv6_addr'} . inet_service`,
    `size ${RATE_SET_SIZE}`,
    'flags dynamic,timeout',
    `timeout ${RATE_SET_TIMEOUT}s`,
  ]);

  const rules: string[] = [
    'type filter hook input priority filter; policy drop;',
    `ip saddr @${BLOCKLIST_SET[4]} drop comment "blocklist"`,
    `ip6 saddr @${BLOCKLIST_SET[6]} drop comment "blocklist"`,
    'ct state invalid drop',
    'ct state established,related accept',
    'iifname "lo" accept',
    'meta l4proto icmp accept',
    'meta l4proto ipv6-icmp accept',
    'ip6 saddr fe80::/10 udp dport 546 accept comment "DHCPv6 replies"',
  ];
  if (limited.length) {
    for (const [family, saddr] of [[4, 'ip saddr'], [6, 'ip6 saddr']] as const) {
      rules.push(`tcp dport ${portSet(limited)} ct state new update @mail_rate${family} { ${saddr} . tcp dport limit rate over ${rate}/minute burst ${burst} packets } drop comment "rate limit"`);
    }
  }
  if (open.length) rules.push(`tcp dport ${portSet(open)} accept comment "mail"`);
  rules.push(...fromNetworks(policy.adminNetworks, admin, 'admin'));
  if (ssh !== null) rules.push(...fromNetworks(policy.sshNetworks, [ssh], 'ssh'));

  return [
    `# Mailroom firewall: generated from DIR/config.json (firewall.*, listen.*); do not edit.`,
    `table ${FIREWALL_FAMILY} ${FIREWALL_TABLE}`,
    `delete table ${FIREWALL_FAMILY} ${FIREWALL_TABLE}`,
    `table ${FIREWALL_FAMILY} ${FIREWALL_TABLE} {`,
    ...blocklist(4), '',
    ...blocklist(6), '',
    ...(limited.length ? [...rateSet(4), '', ...rateSet(6), ''] : []),
    '\tchain input {',
    ...rules.map((r) => `\t\t${r}`),
    '\t}',
    '}',
    '',
  ].join('\n');
}

/** The script that removes our table (if present) and nothing else. */
export function renderRemoval(): string {
  return `table ${FIREWALL_FAMILY} ${FIREWALL_TABLE}\ndelete table ${FIREWALL_FAMILY} ${FIREWALL_TABLE}\n`;
}

/** Adds (or re-arms: the element is added, deleted and added with the new timeout) one block. */
export function renderBlock(ip: string, seconds: number): string {
  const a = parseIpAddress(ip);
  const s = checkSeconds(seconds, 'block');
  const set = `${FIREWALL_FAMILY} ${FIREWALL_TABLE} ${BLOCKLIST_SET[a.family]}`;
  return `add element ${set} { ${a.text} }\ndelete element ${set} { ${a.text} }\nadd element ${set} { ${a.text} timeout ${s}s }\n`;
}

/** Removes one block, whether or not it is there. */
export function renderUnblock(ip: string): string {
  const a = parseIpAddress(ip);
  const set = `${FIREWALL_FAMILY} ${FIREWALL_TABLE} ${BLOCKLIST_SET[a.family]}`;
  // Adding first makes the delete succeed when the address was not blocked.
  return `add element ${set} { ${a.text} }\ndelete element ${set} { ${a.text} }\n`;
}
