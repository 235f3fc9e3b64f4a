// The replies the submission session words itself (the MX's are in ../smtp/replies.ts).

import type { SmtpReply } from '../../protocol/smtp/reply.js';

export const submissionReplies = {
  authRequired: (): SmtpReply => ({ code: 530, enhanced: '5.7.0', text: 'Authentication required' }),
  authFailed: (): SmtpReply => ({ code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid' }),
  /** RFC 4954 section 6: a password mechanism on a connection without TLS. */
  encryptionRequired: (): SmtpReply => ({ code: 538, enhanced: '5.7.11', text: 'Encryption required for requested authentication mechanism' }),
  mechanismUnsupported: (): SmtpReply => ({ code: 504, enhanced: '5.5.4', text: 'Unrecognized authentication type' }),
  needMail: (): SmtpReply => ({ code: 503, enhanced: '5.5.1', text: 'Error: need MAIL command' }),
  queued: (id: string): SmtpReply => ({ code: 250, enhanced: '2.0.0', text: `Ok: queued as ${id}` }),
} as const;
