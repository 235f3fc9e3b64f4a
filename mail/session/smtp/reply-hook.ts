// Sits on smtp-server's single write site, SMTPConnection#send, for one connection:
//
// - a reply text that starts with an enhanced status code (ours, from SmtpReplyError or the 250
//   of on-data.ts) goes out as it is; smtp-server would otherwise put its own generic code in
//   front (it maps every 550 to 5.1.1, every 452 to 4.2.2 ...);
// - the listener hears of every reply (it pairs them with the client's commands);
// - a 354 after the client already sent data becomes 554 5.5.0 and the connection closes;
// - the 4xx/5xx replies are counted, and at limits.maxErrors the connection gets 421 and closes.

import type { SMTPServer } from 'smtp-server';
import { ENHANCED_PREFIX, replyMessage, type SmtpReply } from '../../protocol/smtp/reply.js';
import { replies } from './replies.js';
import type { ConnectionState } from './state.js';

type Connection = SMTPServer['connections'] extends Set<infer C> ? C : never;
type Send = Connection['send'];

export interface ReplyHookOptions {
  hostname: string;
  maxErrors: number;
  onReply?: (code: number) => void;
}

export interface ReplyControl {
  /** Sends a final reply outside the command flow and closes the connection. */
  closeWith(reply: SmtpReply): void;
}

export function installReplyHook(connection: Connection, state: ConnectionState, options: ReplyHookOptions): ReplyControl {
  const original: Send = connection.send.bind(connection);
  let closed = false;

  const sendRaw = (reply: SmtpReply) => {
    original(reply.code, replyMessage(reply), false);
    options.onReply?.(reply.code);
  };

  const closeWith = (reply: SmtpReply) => {
    if (closed) return;
    closed = true;
    sendRaw(reply);
    // send() closes by itself after a 421.
    if (reply.code !== 421) connection.close();
  };

  connection.send = ((code: number, data?: string | string[] | null, context?: string | false) => {
    if (closed) return;
    if (code === 354 && state.dataRefused) {
      state.outcome = 'early-data';
      state.log.info('pipelining after DATA refused', { qid: null, remote: state.remoteAddress, outcome: 'early-data' });
      closeWith(replies.earlyData());
      return;
    }
    if (typeof data === 'string' && ENHANCED_PREFIX.test(data)) context = false;
    original(code, data, context);
    options.onReply?.(code);
    if (code === 421) {
      closed = true;
      state.outcome ??= 'closed-421';
      return;
    }
    if (code >= 400) {
      state.errors++;
      if (state.errors >= options.maxErrors) {
        state.outcome = 'too-many-errors';
        state.log.info('too many errors', { qid: null, errors: state.errors, outcome: 'too-many-errors' });
        closeWith(replies.tooManyErrors(options.hostname));
      }
    }
  }) as Send;

  return { closeWith };
}
