// Feeds the mail daemon's brute-force bans (control event `auth.ban`) into the firewall's
// blocklist through the helper, so a banned address is dropped at the door, not only refused
// at login. Its own subscription to the event stream, with ControlBridge's reconnects; a ban
// that cannot be forwarded (helper down, firewall not applied) is logged and dropped: the mail
// daemon's own ban still holds.

import type { Logger } from '../../core/log.js';
import type { MailControl } from '../../mail/control/control-client.js';
import type { ControlEvent } from '../../mail/control/control-protocol.js';
import { ControlBridge } from '../control-bridge.js';

export type BanEvent = Extract<ControlEvent, { type: 'auth.ban' }>;

export function createBanForwarder(options: {
  control: Pick<MailControl, 'subscribe'>;
  block: (ip: string, seconds: number) => Promise<unknown>;
  logger: Logger;
  minDelayMs?: number;
}): ControlBridge {
  const { block, logger } = options;
  const onBan = (ban: BanEvent) => {
    const seconds = Math.max(1, Math.min(365 * 86400, Math.round(ban.seconds)));
    block(ban.ip, seconds).then(
      () => logger.info('ban forwarded to the firewall', { ip: ban.ip, seconds, reason: ban.reason, outcome: 'blocked' }),
      (err: unknown) => logger.warn('ban not forwarded to the firewall', { ip: ban.ip, code: (err as { code?: string }).code, err, outcome: 'failed' }),
    );
  };
  return new ControlBridge({
    control: { subscribe: (onEvent, onEnd) => options.control.subscribe((e) => { if (e.type === 'auth.ban') onBan(e); else onEvent(e); }, onEnd) },
    publish: () => undefined,
    logger,
    ...(options.minDelayMs !== undefined ? { minDelayMs: options.minDelayMs } : {}),
  });
}
