// Addresses and networks that go into nft text. Everything that reaches a ruleset or an nft
// argv passes through here first, so a value can never carry nft syntax ("1.2.3.4 }", a comment,
// a CIDR where one address was meant). Pure: node:net's isIP is a parser, not I/O.

import { isIP } from 'node:net';
import { InputError } from '../../core/errors.js';

export type IpFamily = 4 | 6;

export interface IpAddress { readonly family: IpFamily; readonly text: string }
export interface IpNetwork { readonly family: IpFamily; readonly text: string }

/** One IPv4 or IPv6 address, no prefix, no zone; returned in a canonical lower-case form. */
export function parseIpAddress(value: string): IpAddress {
  const v = typeof value === 'string' ? value.trim() : '';
  // isIP accepts IPv6 zone ids ("fe80::1%eth0"): they mean nothing to a remote source address.
  const family = v.includes('%') ? 0 : isIP(v);
  if (family !== 4 && family !== 6) throw new InputError('bad_address', `not an IP address: ${JSON.stringify(String(value).slice(0, 60))} (one IPv4 or IPv6 address, no /prefix)`);
  return { family, text: family === 6 ? v.toLowerCase() : v };
}

/**
 * A network "address/prefix" or a single address. Host bits must be zero ("10.1.2.3/8" is
 * refused): nft would silently widen it, and a typo should not open the panel to a /8.
 */
export function parseIpNetwork(value: string): IpNetwork {
  const v = typeof value === 'string' ? value.trim() : '';
  const parts = v.split('/');
  const bad = () => new InputError('bad_network', `not an IP network: ${JSON.stringify(String(value).slice(0, 60))} (like "192.168.0.0/16" or "fd00::/8")`);
  if (parts.length > 2) throw bad();
  let addr: IpAddress;
  try { addr = parseIpAddress(parts[0]!); } catch { throw bad(); }
  if (parts.length === 1) return addr;
  const max = addr.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(parts[1]!) || Number(parts[1]) > max) throw bad();
  const prefix = Number(parts[1]);
  if (!hostBitsZero(addr, prefix)) throw new InputError('bad_network', `${v}: the address has bits set past the /${prefix} prefix`);
  return { family: addr.family, text: `${addr.text}/${prefix}` };
}

function toBytes(addr: IpAddress): number[] {
  if (addr.family === 4) return addr.text.split('.').map(Number);
  let text = addr.text;
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1]!.split('.').map(Number);
    text = text.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 0xff]; });
}

function hostBitsZero(addr: IpAddress, prefix: number): boolean {
  const bytes = toBytes(addr);
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return false;
  }
  return true;
}
