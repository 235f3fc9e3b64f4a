// The replies the MX session words itself. One place, so the wording and the enhanced status
// codes (RFC 3463) stay consistent and tests can refer to them.

import type { SmtpReply } from '../../protocol/smtp/reply.js';

export const replies = {
  noSuchUser: (addr: string): SmtpReply => ({ code: 550, enhanced: '5.1.1', text: `<${addr}>: no such user here` }),
  relayDenied: (addr: string): SmtpReply => ({ code: 550, enhanced: '5.7.1', text: `<${addr}>: relay access denied` }),
  mailboxFull: (addr: string): SmtpReply => ({ code: 452, enhanced: '4.2.2', text: `<${addr}>: mailbox full, try again later` }),
  badRecipient: (): SmtpReply => ({ code: 501, enhanced: '5.1.3', text: 'Bad recipient address syntax' }),
  badSender: (): SmtpReply => ({ code: 501, enhanced: '5.1.7', text: 'Bad sender address syntax' }),
  diskFull: (): SmtpReply => ({ code: 452, enhanced: '4.3.1', text: 'Insufficient system storage, try again later' }),
  temporaryFailure: (): SmtpReply => ({ code: 451, enhanced: '4.3.0', text: 'Temporary local failure, try again later' }),
  smuggling: (): SmtpReply => ({ code: 550, enhanced: '5.5.2', text: 'Message refused: bare <CR> or <LF> next to a lone "." line (SMTP smuggling)' }),
  bareCR: (): SmtpReply => ({ code: 550, enhanced: '5.6.0', text: 'Message refused: bare <CR> in message' }),
  queued: (qid: string): SmtpReply => ({ code: 250, enhanced: '2.0.0', text: `Ok: queued as ${qid}` }),
  earlyData: (): SmtpReply => ({ code: 554, enhanced: '5.5.0', text: 'Error: improper pipelining, data sent before the 354 reply' }),
  tooManyErrors: (host: string): SmtpReply => ({ code: 421, enhanced: '4.7.0', text: `${host} Error: too many errors, closing connection` }),
  tooManyConnections: (host: string): SmtpReply => ({ code: 421, enhanced: '4.7.0', text: `${host} Error: too many connections, try again later` }),
  tooManyConnectionsFromIp: (host: string): SmtpReply => ({ code: 421, enhanced: '4.7.0', text: `${host} Error: too many connections from your address, try again later` }),
  shuttingDown: (host: string): SmtpReply => ({ code: 421, enhanced: '4.3.2', text: `${host} Service shutting down, try again later` }),
} as const;
