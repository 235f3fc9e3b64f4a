// The virus check at the end of DATA: the message streamed to clamd (INSTREAM). Infected: 554
// 5.7.1 and nothing is stored. clamd unavailable (no connection, an ERROR answer, no answer
// within antivirus.timeout): defer with 451 by default (antivirus.onUnavailable), because
// accepting would let unscanned mail through, and the sender's retries bridge a clamd restart or
// a signature reload; "accept" lets it through with a warning in the log.
//
// Larger than antivirus.maxScanSize (which should equal clamd's StreamMaxLength; the message is
// then not sent at all) or answered with "INSTREAM size limit exceeded": accepted unscanned with a
// warning by default (antivirus.onTooLarge). Deferring could never succeed (the same message is
// too large on every retry, so the sender would bounce it only days later) and refusing punishes
// the sender for a local setting; "reject" answers 552 5.3.4 for sites that want no unscanned
// mail at all. The cure is StreamMaxLength = maxScanSize >= limits.maxMessageSize.

import type { Logger } from '../../core/log.js';
import { ClamdError, type ClamdClient } from './clamd-client.js';
import type { Check, CheckResult } from './contracts.js';

export interface ClamdCheckOptions {
  client: ClamdClient;
  /** Larger messages are not sent to clamd (see above); clamd's StreamMaxLength. */
  maxScanSize: number;
  onUnavailable: 'defer' | 'accept';
  onTooLarge: 'accept' | 'reject';
  logger: Logger;
}

export function createClamdCheck(options: ClamdCheckOptions): Check {
  return {
    name: 'clamd',
    async data(ctx, message): Promise<CheckResult> {
      const ids = { cid: ctx.connectionId, qid: ctx.queueId ?? null };
      try {
        if (message.size > options.maxScanSize) throw new ClamdError('clamd_too_large', `larger than antivirus.maxScanSize (${options.maxScanSize} bytes)`);
        const scan = await options.client.scan(message.open());
        if (scan.status === 'clean') return { action: 'accept', reason: 'clamd: clean' };
        const signature = scan.signature.replace(/[^\x21-\x7e]+/g, '_').slice(0, 100);
        return { action: 'reject', code: 554, enhanced: '5.7.1', message: `Message refused: virus found (${signature})`, reason: `clamd: infected ${signature}` };
      } catch (err) {
        if (!(err instanceof ClamdError)) throw err;
        if (err.code === 'clamd_too_large') {
          const reason = `clamd: not scanned, too large (${message.size} bytes): ${err.message}`;
          if (options.onTooLarge === 'reject') {
            return { action: 'reject', code: 552, enhanced: '5.3.4', message: 'Message too large to be scanned for viruses', reason };
          }
          options.logger.warn('message too large for clamd, accepted unscanned; raise StreamMaxLength in clamd.conf and antivirus.maxScanSize', { ...ids, size: message.size, outcome: 'unscanned' });
          return { action: 'accept', reason };
        }
        const reason = `clamd unavailable: ${err.message}`;
        options.logger.warn(options.onUnavailable === 'accept' ? 'clamd unavailable, message accepted unscanned' : 'clamd unavailable, message deferred', {
          ...ids, err, outcome: options.onUnavailable === 'accept' ? 'unscanned' : 'deferred',
        });
        if (options.onUnavailable === 'accept') return { action: 'accept', reason };
        return { action: 'defer', code: 451, enhanced: '4.3.0', message: 'Message could not be scanned for viruses now, try again later', reason };
      }
    },
  };
}
