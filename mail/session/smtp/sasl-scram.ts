// AUTH SCRAM-SHA-256 for smtp-server, which has no such mechanism and no option to add one: it
// looks mechanisms up as `SASL_<NAME>` on its sasl module, so we add ours there (once per
// process). The exchange (RFC 4954 + RFC 5802):
//
//   C: AUTH SCRAM-SHA-256 [client-first]    S: 334 server-first
//   C: client-final                          S: 334 server-final     (proof was right)
//   C: (empty line)                          S: 235 2.7.0
//
// The mechanism gets the account's keys through the server option `scramCredentials` and, once
// the proof is checked, hands the outcome to the server's ordinary onAuth (method
// SCRAM-SHA-256, `scramVerified`), so penalties, logging and session state stay in one place
// (session/submission/on-auth.ts). A wrong proof goes there too and is answered 535 after the
// penalty, exactly like a wrong PLAIN password.

import sasl from 'smtp-server/lib/sasl.js';
import type { SMTPServerSession } from 'smtp-server';
import {
  decodeScramCredentials, fakeScramCredentials, parseClientFirst, SCRAM_MECHANISM, ScramError, ScramServerExchange, type ScramCredentials,
} from '../../auth/scram-sha256.js';

/** The option our SMTPServer instances carry for this mechanism. */
export interface ScramServerOptions {
  /** `iterations$salt$storedKey$serverKey` of the account, or null when it has none. */
  scramCredentials?: (username: string) => Promise<string | null>;
}

/** What onAuth receives for SCRAM: smtp-server's auth object plus our verdict. */
export interface ScramAuthentication {
  method: typeof SCRAM_MECHANISM;
  username: string;
  scramVerified: boolean;
}

type Done = () => void;

interface ConnectionInternals {
  send(code: number, message?: string): void;
  _nextHandler: ((line: Buffer | string, callback: Done) => void) | false;
  _transmissionType(): string;
  session: SMTPServerSession;
  _server: {
    options: ScramServerOptions;
    onAuth(auth: ScramAuthentication, session: SMTPServerSession, callback: (err: (Error & { responseCode?: number }) | null, response?: { user?: unknown }) => void): void;
  };
}

const MAX_LINE = 4096;

function decodeLine(raw: Buffer | string): string | null {
  const text = raw.toString().trim();
  if (text === '*' || text.length > MAX_LINE || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  return Buffer.from(text, 'base64').toString('utf8');
}

async function credentialsFor(conn: ConnectionInternals, username: string): Promise<ScramCredentials> {
  const lookup = conn._server.options.scramCredentials;
  const stored = lookup ? await lookup(username) : null;
  return (stored && decodeScramCredentials(stored)) || fakeScramCredentials(username);
}

function finishAuth(conn: ConnectionInternals, username: string, verified: boolean, done: Done): void {
  conn._server.onAuth({ method: SCRAM_MECHANISM, username, scramVerified: verified }, conn.session, (err, response) => {
    if (err || !response?.user) {
      conn.send(err?.responseCode ?? 535, err?.message ?? '5.7.8 Authentication credentials invalid');
      return done();
    }
    conn.session.user = response.user as SMTPServerSession['user'];
    conn.session.transmissionType = conn._transmissionType();
    conn.send(235, '2.7.0 Authentication successful');
    done();
  });
}

function onClientFirst(conn: ConnectionInternals, raw: Buffer | string, done: Done): void {
  const text = decodeLine(raw);
  if (text === null) {
    conn.send(501, '5.7.0 Authentication aborted');
    return done();
  }
  let first;
  try {
    first = parseClientFirst(text);
  } catch (err) {
    conn.send(501, `5.5.2 ${err instanceof ScramError ? err.message : 'malformed SCRAM message'}`);
    return done();
  }
  if (first.authzid !== null && first.authzid !== first.username) {
    conn.send(535, '5.7.8 Authorization identity must be the user name');
    return done();
  }
  credentialsFor(conn, first.username).then(
    (credentials) => {
      const exchange = new ScramServerExchange(first, credentials);
      conn._nextHandler = (line, next) => onClientFinal(conn, exchange, first.username, line, next);
      conn.send(334, Buffer.from(exchange.serverFirstMessage()).toString('base64'));
      done();
    },
    () => {
      conn.send(454, '4.7.0 Temporary authentication failure');
      done();
    },
  );
}

function onClientFinal(conn: ConnectionInternals, exchange: ScramServerExchange, username: string, raw: Buffer | string, done: Done): void {
  const text = decodeLine(raw);
  if (text === null) {
    conn.send(501, '5.7.0 Authentication aborted');
    return done();
  }
  let serverFinal: string;
  try {
    serverFinal = exchange.finish(text);
  } catch (err) {
    if (err instanceof ScramError && err.code !== 'scram_bad_proof') {
      conn.send(501, `5.5.2 ${err.message}`);
      return done();
    }
    return finishAuth(conn, username, false, done);
  }
  // RFC 4954 has no success-with-data: the server-final goes as one more challenge, and the
  // client answers it with an empty line.
  conn._nextHandler = (line, next) => {
    if (line.toString().trim() === '*') {
      conn.send(501, '5.7.0 Authentication aborted');
      return next();
    }
    finishAuth(conn, username, true, next);
  };
  conn.send(334, Buffer.from(serverFinal).toString('base64'));
  done();
}

function scramMechanism(this: unknown, args: string[], done: Done): void {
  const conn = this as ConnectionInternals;
  if (args.length > 1) {
    conn.send(501, '5.5.4 Error: syntax: AUTH SCRAM-SHA-256 [initial-response]');
    return done();
  }
  if (args.length === 1 && args[0] !== '=') return onClientFirst(conn, args[0]!, done);
  conn._nextHandler = (line, next) => onClientFirst(conn, line, next);
  conn.send(334, '');
  done();
}

/** Registers the mechanism with smtp-server (idempotent); list SCRAM-SHA-256 in authMethods to offer it. */
export function installScramMechanism(): void {
  (sasl as unknown as Record<string, unknown>)[`SASL_${SCRAM_MECHANISM}`] = scramMechanism;
}
