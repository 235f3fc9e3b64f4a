// POP3 commands (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH): one line in, a typed
// command or a typed refusal out. Pure: no I/O. Keywords are case-insensitive; arguments are
// separated by single spaces, but we accept runs of spaces since real clients send them.

export type Pop3Command =
  | { verb: 'USER'; name: string }
  /** Everything after "PASS ": passwords may contain spaces (RFC 1939 leaves it open; clients send them). */
  | { verb: 'PASS'; password: string }
  /** AUTH alone lists mechanisms (an old habit of Outlook and others); initial is the RFC 5034 initial response. */
  | { verb: 'AUTH'; mechanism: string | null; initial: string | null }
  | { verb: 'STAT' }
  | { verb: 'LIST'; msg: number | null }
  | { verb: 'UIDL'; msg: number | null }
  | { verb: 'RETR'; msg: number }
  | { verb: 'DELE'; msg: number }
  | { verb: 'TOP'; msg: number; lines: number }
  | { verb: 'NOOP' }
  | { verb: 'RSET' }
  | { verb: 'QUIT' }
  | { verb: 'CAPA' }
  | { verb: 'STLS' };

export type Pop3Verb = Pop3Command['verb'];

export type ParseResult =
  | { ok: true; command: Pop3Command }
  | { ok: false; error: 'unknown-command' | 'syntax'; text: string };

/** Message numbers and line counts: decimal digits, no sign; bounded so Number stays exact. */
const NUMBER = /^[0-9]{1,9}$/;

function num(arg: string | undefined): number | null {
  if (arg === undefined || !NUMBER.test(arg)) return null;
  return Number(arg);
}

const syntax = (text: string): ParseResult => ({ ok: false, error: 'syntax', text });
const ok = (command: Pop3Command): ParseResult => ({ ok: true, command });

/** Parses one command line, without its CRLF. */
export function parseCommand(line: string): ParseResult {
  const space = line.indexOf(' ');
  const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
  const rest = space < 0 ? '' : line.slice(space + 1);
  const args = rest.split(' ').filter((a) => a !== '');

  switch (keyword) {
    case 'USER':
      return args.length === 1 ? ok({ verb: 'USER', name: args[0]! }) : syntax('USER takes one argument');
    case 'PASS':
      return rest !== '' ? ok({ verb: 'PASS', password: rest }) : syntax('PASS takes a password');
    case 'AUTH':
      if (args.length > 2) return syntax('AUTH takes a mechanism and an optional initial response');
      return ok({ verb: 'AUTH', mechanism: args[0]?.toUpperCase() ?? null, initial: args[1] ?? null });
    case 'STAT': case 'NOOP': case 'RSET': case 'QUIT': case 'CAPA': case 'STLS':
      return args.length === 0 ? ok({ verb: keyword }) : syntax(`${keyword} takes no arguments`);
    case 'LIST': case 'UIDL': {
      if (args.length === 0) return ok({ verb: keyword, msg: null });
      const msg = num(args[0]);
      return args.length === 1 && msg !== null ? ok({ verb: keyword, msg }) : syntax(`${keyword} takes an optional message number`);
    }
    case 'RETR': case 'DELE': {
      const msg = num(args[0]);
      return args.length === 1 && msg !== null ? ok({ verb: keyword, msg }) : syntax(`${keyword} takes a message number`);
    }
    case 'TOP': {
      const msg = num(args[0]);
      const lines = num(args[1]);
      return args.length === 2 && msg !== null && lines !== null ? ok({ verb: 'TOP', msg, lines }) : syntax('TOP takes a message number and a number of lines');
    }
    default:
      return { ok: false, error: 'unknown-command', text: 'Unknown command' };
  }
}
