// AUTH (RFC 5034) with the one mechanism we offer, PLAIN; AUTH alone lists it (a pre-RFC habit
// some clients still have). Without an initial response we send "+ " and the next line is the
// client's response (handled by saslResponse), "*" cancelling.

import type { Pop3Command } from '../../../protocol/pop3/command.js';
import { continuationLine, multiLine } from '../../../protocol/pop3/response.js';
import { decodeSaslPlain } from '../../../protocol/pop3/sasl-plain.js';
import type { Pop3Context } from '../context.js';
import { Pop3Error, pop3Errors } from '../errors.js';
import { login } from '../login.js';

export async function auth(ctx: Pop3Context, cmd: Extract<Pop3Command, { verb: 'AUTH' }>): Promise<void> {
  if (!ctx.passwordsAllowed()) throw pop3Errors.needsTls();
  if (cmd.mechanism === null) {
    await ctx.conn.write(multiLine('Supported mechanisms follow', ['PLAIN']));
    return;
  }
  if (cmd.mechanism !== 'PLAIN') throw new Pop3Error('pop3_auth_mechanism', 'Unsupported authentication mechanism');
  if (cmd.initial === null) {
    ctx.state = { phase: 'authorization', userName: null, awaitingSasl: true };
    await ctx.conn.write(continuationLine());
    return;
  }
  // RFC 5034: "=" is an empty initial response, which PLAIN cannot use.
  await plainResponse(ctx, cmd.initial === '=' ? '' : cmd.initial);
}

/** The line after our "+ ". */
export async function saslResponse(ctx: Pop3Context, line: string): Promise<void> {
  ctx.state = { phase: 'authorization', userName: null, awaitingSasl: false };
  if (line.trim() === '*') throw new Pop3Error('pop3_auth_cancelled', 'Authentication cancelled');
  await plainResponse(ctx, line.trim());
}

async function plainResponse(ctx: Pop3Context, encoded: string): Promise<void> {
  const decoded = decodeSaslPlain(encoded);
  if (!decoded.ok) {
    // A malformed response is a failed attempt too, or it would be a free probe.
    if (decoded.reason === 'authzid') throw pop3Errors.authFailed();
    throw new Pop3Error('pop3_auth_malformed', 'Malformed PLAIN response');
  }
  await login(ctx, decoded.username, decoded.password, 'PLAIN');
}
