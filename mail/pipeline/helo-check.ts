// The HELO/EHLO name, judged at MAIL FROM (smtp-server has no HELO hook, and a refusal there
// reaches the client as a transaction reply it can log). RFC 5321 4.1.1.1: the name is the
// client's FQDN, or an address literal when it has none. Problems:
//   own-name   a client that is not on loopback claims to be us (our hostname or our own domain)
//   literal    an address literal that is not the client's address
//   not-fqdn   no dot, a bare IP without brackets, or characters no host name has
// inbound.heloPolicy: "off" ignores the name; "log" (the default) logs every problem and refuses
// only own-name, which no honest client sends; "reject" refuses all three.

import type { Logger } from '../../core/log.js';
import type { Check, CheckResult } from './contracts.js';
import { canonicalAddress, isLoopbackAddress } from './greylist-network.js';
import net from 'node:net';

export type HeloPolicy = 'off' | 'log' | 'reject';
export type HeloProblem = 'own-name' | 'literal' | 'not-fqdn';

export interface HeloCheckOptions {
  policy: HeloPolicy;
  /** Our hostname and the domains we receive for: names a foreign client must not claim. */
  ownNames: () => readonly string[];
  logger: Logger;
}

const LABEL = /^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?$/i;

/** What is wrong with `helo` sent by `client`, or null. */
export function heloProblem(helo: string, client: string, ownNames: readonly string[]): HeloProblem | null {
  const name = helo.trim();
  const literal = /^\[(?:IPv6:)?([^\]]+)\]$/i.exec(name);
  if (literal) {
    const claimed = literal[1]!;
    if (!net.isIP(claimed)) return 'not-fqdn';
    return canonicalAddress(claimed) === canonicalAddress(client) ? null : 'literal';
  }
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (!isLoopbackAddress(client) && ownNames.some((n) => n.toLowerCase() === lower)) return 'own-name';
  if (net.isIP(lower)) return 'not-fqdn';
  const labels = lower.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) return 'not-fqdn';
  return null;
}

export function createHeloCheck(options: HeloCheckOptions): Check {
  return {
    name: 'helo',
    mailFrom(ctx): Promise<CheckResult> {
      if (options.policy === 'off' || !ctx.helo || ctx.authenticatedUser) return Promise.resolve({ action: 'accept' });
      const problem = heloProblem(ctx.helo, ctx.remoteAddress, options.ownNames());
      if (!problem) return Promise.resolve({ action: 'accept' });
      const helo = ctx.helo.slice(0, 255);
      const refuse = problem === 'own-name' || options.policy === 'reject';
      if (!refuse) {
        options.logger.info('questionable HELO name', { cid: ctx.connectionId, qid: null, remote: ctx.remoteAddress, helo, problem, outcome: 'logged' });
        return Promise.resolve({ action: 'accept', reason: `helo: ${problem}` });
      }
      const reason = `helo: ${problem} (${helo})`;
      if (problem === 'not-fqdn') {
        return Promise.resolve({ action: 'reject', code: 504, enhanced: '5.5.2', message: 'HELO/EHLO name refused: a fully-qualified host name or an address literal is needed', reason });
      }
      return Promise.resolve({ action: 'reject', code: 550, enhanced: '5.7.1', message: problem === 'own-name' ? 'HELO/EHLO name refused: that is our own name' : 'HELO/EHLO address literal does not match your address', reason });
    },
  };
}
