// Builds the content filters of the MX from their config sections: clamd (antivirus.clamd) and
// rspamd (spam.rspamd) as DATA-stage checks, and rspamd's learner (spam.rspamdController) for
// the IMAP side. An engine left out of the config is not consulted at all. The composition root
// (mail/main.ts) hands in the already validated config and calls close() at shutdown.

import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/log.js';
import { createClamdCheck } from './clamd-check.js';
import { createClamdClient, describeClamdAddress, parseClamdAddress } from './clamd-client.js';
import type { Check } from './contracts.js';
import { createRspamdCheck } from './rspamd-check.js';
import { createRspamdScanner } from './rspamd-client.js';
import { createRspamdLearner, type RspamdLearner } from './rspamd-learner.js';

export interface ContentFilters {
  /** DATA-stage checks, clamd first: a virus is the more useful refusal to name. Empty: none. */
  readonly checks: readonly Check[];
  /** Teaches rspamd spam/ham; null without spam.rspamdController. */
  readonly learner: RspamdLearner | null;
  /** Drops idle HTTP connections. */
  close(): void;
}

export type ContentFilterConfig = Pick<Config, 'hostname' | 'spam' | 'antivirus'>;

export function createContentFilters(config: ContentFilterConfig, deps: { logger: Logger }): ContentFilters {
  const checks: Check[] = [];
  const closers: (() => void)[] = [];
  const { spam, antivirus } = config;
  if (antivirus.clamd) {
    const address = parseClamdAddress(antivirus.clamd);
    checks.push(createClamdCheck({
      client: createClamdClient({ address, timeoutMs: antivirus.timeout * 1000 }),
      onUnavailable: antivirus.onUnavailable,
      onTooLarge: antivirus.onTooLarge,
      maxScanSize: antivirus.maxScanSize,
      logger: deps.logger,
    }));
    deps.logger.info('virus scanning with clamd', { clamd: describeClamdAddress(address), onUnavailable: antivirus.onUnavailable, outcome: 'enabled' });
  }
  if (spam.rspamd) {
    const scanner = createRspamdScanner({ url: spam.rspamd, timeoutMs: spam.timeout * 1000, mtaName: config.hostname });
    closers.push(() => scanner.close());
    checks.push(createRspamdCheck({ scanner, onUnavailable: spam.onUnavailable, logger: deps.logger }));
    deps.logger.info('spam filtering with rspamd', { rspamd: spam.rspamd, onUnavailable: spam.onUnavailable, outcome: 'enabled' });
  }
  let learner: RspamdLearner | null = null;
  if (spam.rspamdController) {
    const l = createRspamdLearner({ url: spam.rspamdController, password: spam.rspamdPassword, timeoutMs: spam.timeout * 1000 });
    closers.push(() => l.close());
    learner = l;
  }
  return {
    checks,
    learner,
    close() { for (const c of closers) c(); },
  };
}
