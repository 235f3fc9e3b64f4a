// How sessions hear about mailbox changes (IMAP IDLE, NOTIFY). Behind an interface so that a
// multi-node deployment can publish through PostgreSQL LISTEN/NOTIFY or a message bus instead.

import { EventEmitter } from 'node:events';
import type { MailboxChange, UserId } from '../contracts.js';
import { silentLogger, type Logger } from '../../../core/log.js';

export interface ChangeFeed {
  publish(change: MailboxChange): void;
  subscribe(userId: UserId, listener: (change: MailboxChange) => void): () => void;
}

/** One process: an EventEmitter keyed by user id. */
export class InProcessChangeFeed implements ChangeFeed {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger: Logger = silentLogger) {
    this.emitter.setMaxListeners(0); // one listener per open session is normal
  }

  publish(change: MailboxChange): void {
    for (const listener of this.emitter.listeners(change.userId) as ((c: MailboxChange) => void)[]) {
      // A failing session must not fail the delivery that caused the change.
      try {
        listener(change);
      } catch (err) {
        this.logger.warn('mailbox change listener failed', { err, userId: change.userId, folder: change.folder });
      }
    }
  }

  subscribe(userId: UserId, listener: (change: MailboxChange) => void): () => void {
    this.emitter.on(userId, listener);
    return () => { this.emitter.off(userId, listener); };
  }
}
