// Per-client rate limits on the MX (limits.ratePerIp): new connections per minute, refused with
// 421 4.7.0 at connect, and messages (MAIL FROM commands) per minute, deferred with 451 4.7.1.
// Counted per address for IPv4 and per /64 for IPv6 (one subscriber's block), like the
// connection limits. Loopback is counted like anyone else; `passNetworks` exempts networks.
// A limit left null is not counted. Authenticated submissions have their own per-user limits.

import type { Logger } from '../../core/log.js';
import type { Check, CheckResult } from './contracts.js';
import { clientKey, NetworkList } from './greylist-network.js';
import { SlidingWindowLimiter } from './rate-limit.js';

export interface RateLimitOptions {
  connectionsPerMinute: number | null;
  messagesPerMinute: number | null;
  passNetworks?: readonly string[];
  logger: Logger;
  now?: () => number;
}

export function createRateLimitCheck(options: RateLimitOptions): Check {
  const pass = new NetworkList(options.passNetworks ?? []);
  const now = options.now;
  const connections = options.connectionsPerMinute ? new SlidingWindowLimiter({ limit: options.connectionsPerMinute, windowMs: 60_000, ...(now ? { now } : {}) }) : null;
  const messages = options.messagesPerMinute ? new SlidingWindowLimiter({ limit: options.messagesPerMinute, windowMs: 60_000, ...(now ? { now } : {}) }) : null;
  return {
    name: 'rate',
    connect(ctx): Promise<CheckResult> {
      if (!connections || pass.has(ctx.remoteAddress)) return Promise.resolve({ action: 'accept' });
      const key = clientKey(ctx.remoteAddress);
      if (connections.take(key)) return Promise.resolve({ action: 'accept' });
      const wait = connections.retryAfter(key);
      options.logger.info('connection rate exceeded', { cid: ctx.connectionId, qid: null, remote: ctx.remoteAddress, limit: options.connectionsPerMinute, outcome: 'rate-limited' });
      return Promise.resolve({
        action: 'defer', code: 421, enhanced: '4.7.0',
        message: `Too many connections from your address, try again in ${wait} seconds`,
        reason: `rate: more than ${options.connectionsPerMinute} connections per minute`,
      });
    },
    mailFrom(ctx): Promise<CheckResult> {
      if (!messages || ctx.authenticatedUser || pass.has(ctx.remoteAddress)) return Promise.resolve({ action: 'accept' });
      const key = clientKey(ctx.remoteAddress);
      if (messages.take(key)) return Promise.resolve({ action: 'accept' });
      const wait = messages.retryAfter(key);
      return Promise.resolve({
        action: 'defer', code: 451, enhanced: '4.7.1',
        message: `Too many messages from your address, try again in ${wait} seconds`,
        reason: `rate: more than ${options.messagesPerMinute} messages per minute`,
      });
    },
  };
}
