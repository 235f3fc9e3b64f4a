// A compiled Sieve script: commands and tests with their arguments checked and defaulted, ready
// for the interpreter. Only what the validator accepted can be expressed here.

export type Comparator = 'i;ascii-casemap' | 'i;octet';
export type MatchType = 'is' | 'contains' | 'matches';
export type AddressPart = 'all' | 'localpart' | 'domain';

export interface MatchSpec {
  comparator: Comparator;
  match: MatchType;
}

export type Test =
  | { kind: 'true' }
  | { kind: 'false' }
  | { kind: 'header'; spec: MatchSpec; names: string[]; keys: string[] }
  | { kind: 'address'; spec: MatchSpec; part: AddressPart; names: string[]; keys: string[] }
  | { kind: 'envelope'; spec: MatchSpec; part: AddressPart; names: string[]; keys: string[] }
  | { kind: 'size'; over: boolean; limit: number }
  | { kind: 'exists'; names: string[] }
  | { kind: 'allof'; tests: Test[] }
  | { kind: 'anyof'; tests: Test[] }
  | { kind: 'not'; test: Test }
  /** RFC 5232: the internal flags variable against the keys. */
  | { kind: 'hasflag'; spec: MatchSpec; keys: string[] };

export interface VacationParams {
  days: number;
  subject: string | null;
  from: string | null;
  addresses: string[];
  mime: boolean;
  handle: string | null;
  reason: string;
}

export type Command =
  | { kind: 'if'; branches: { test: Test; body: Command[] }[]; otherwise: Command[] | null }
  /** `flags` null: the internal flags variable at the time of the action. */
  | { kind: 'keep'; flags: string[] | null }
  | { kind: 'fileinto'; mailbox: string; flags: string[] | null; copy: boolean; create: boolean }
  | { kind: 'redirect'; address: string; copy: boolean }
  | { kind: 'reject'; reason: string }
  | { kind: 'discard' }
  | { kind: 'stop' }
  | { kind: 'vacation'; params: VacationParams }
  | { kind: 'setflag' | 'addflag' | 'removeflag'; flags: string[] };

export interface SieveScript {
  /** The extensions the script required, lower-case. */
  extensions: string[];
  commands: Command[];
}

/** The extensions this implementation knows (ManageSieve's SIEVE capability lists them). */
export const SUPPORTED_EXTENSIONS = [
  'fileinto', 'reject', 'envelope', 'vacation', 'imap4flags', 'copy', 'mailbox',
  'comparator-i;octet', 'comparator-i;ascii-casemap',
] as const;
