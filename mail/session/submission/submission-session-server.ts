// The submission session (587 with STARTTLS, 465 with implicit TLS): the MX's smtp-server setup
// with AUTH PLAIN/LOGIN required before MAIL, and the submission handlers for each stage.

import type { SmtpSessionDeps } from '../smtp/deps.js';
import { SmtpSessionServer, type SessionProfile } from '../smtp/smtp-session-server.js';
import type { SubmissionDeps } from './deps.js';
import { onSubmissionAuth, PASSWORD_MECHANISMS } from './on-auth.js';
import { onSubmissionData } from './on-data.js';
import { onSubmissionMailFrom } from './on-mail-from.js';
import { onSubmissionRcptTo } from './on-rcpt-to.js';
import { installScramMechanism } from '../smtp/sasl-scram.js';

installScramMechanism();

export function submissionProfile(deps: SubmissionDeps): SessionProfile {
  return {
    handlers: {
      onAuth: (ctx, auth, session) => onSubmissionAuth(deps, ctx, auth, session),
      onMailFrom: (ctx, address, session) => onSubmissionMailFrom(deps, ctx, address, session),
      onRcptTo: (ctx, address, session) => onSubmissionRcptTo(deps, ctx, address, session),
      onData: (ctx, stream, session) => onSubmissionData(deps, ctx, stream, session),
    },
    authMethods: PASSWORD_MECHANISMS,
    allowInsecureAuth: deps.allowInsecureAuth,
    implicitTls: deps.implicitTls,
    authRequired: true,
  };
}

/** Submission clients are known: no pregreet wait. */
export function createSubmissionSessionServer(session: SmtpSessionDeps, submission: SubmissionDeps): SmtpSessionServer {
  return new SmtpSessionServer({ ...session, pregreet: null }, submissionProfile(submission));
}
