// An SMTP refusal as an error with a stable code. smtp-server sends `responseCode` and `message`;
// `message` starts with the enhanced status code, which the reply hook (reply-hook.ts) keeps
// as it is instead of adding smtp-server's generic one. `cause` is logged, never sent.

import { MailroomError } from '../../../core/errors.js';
import { replyMessage, type SmtpReply } from '../../protocol/smtp/reply.js';

export class SmtpReplyError extends MailroomError {
  readonly reply: SmtpReply;
  /** Read by smtp-server. */
  readonly responseCode: number;
  constructor(code: string, reply: SmtpReply, options?: { cause?: unknown }) {
    super(code, replyMessage(reply), options);
    this.reply = reply;
    this.responseCode = reply.code;
  }
}

/** Why a message body was refused while it streamed in. */
export class BodyRefusedError extends MailroomError {
  constructor(readonly reason: 'oversize' | 'smuggling' | 'bare-cr' | 'early-data') {
    super(`body_${reason.replace('-', '_')}`, `message body refused: ${reason}`);
  }
}
