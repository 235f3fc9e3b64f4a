// The CAPABILITY list for where a connection is: before login it adds how to log in (STARTTLS,
// LOGINDISABLED or AUTH=PLAIN); after login those go (RFC 9051 section 6.1.1: clients ask
// again after STARTTLS and login, and we answer with what is true now).
//
// Left out on purpose: UTF8=ACCEPT (RFC 6855 needs APPEND's `UTF8 (~{n})` form, which the
// parser does not take), QUOTA=RES-MESSAGE (an account has no message-count limit to report),
// MULTIAPPEND and CATENATE (one message per APPEND).

/** Everything Mailroom implements, in every state. */
const EXTENSIONS = [
  'IMAP4rev1', 'IMAP4rev2', 'LITERAL+', 'SASL-IR', 'ID', 'ENABLE', 'IDLE', 'NAMESPACE', 'UNSELECT', 'UIDPLUS',
  'MOVE', 'SPECIAL-USE', 'CREATE-SPECIAL-USE', 'CONDSTORE', 'QRESYNC', 'QUOTA', 'QUOTA=RES-STORAGE',
  'LIST-EXTENDED', 'LIST-STATUS', 'STATUS=SIZE', 'ESEARCH', 'SORT', 'SORT=DISPLAY', 'THREAD=REFERENCES',
  'THREAD=ORDEREDSUBJECT', 'COMPRESS=DEFLATE', 'OBJECTID', 'CHILDREN', 'BINARY',
] as const;

export interface CapabilityInputs {
  authenticated: boolean;
  /** The connection is on TLS now. */
  secure: boolean;
  /** A certificate is loaded, so STARTTLS can be offered. */
  tlsAvailable: boolean;
  /** LOGIN and PLAIN may be used now (TLS, or the config allows insecure auth). */
  passwordsAllowed: boolean;
  appendLimit: number;
}

export function capabilityList(input: CapabilityInputs): string[] {
  const caps: string[] = [...EXTENSIONS, `APPENDLIMIT=${input.appendLimit}`];
  if (input.authenticated) return caps;
  if (input.tlsAvailable && !input.secure) caps.push('STARTTLS');
  // RFC 9051 section 6.2.3: LOGINDISABLED while LOGIN would be refused; no mechanism offered either.
  caps.push(input.passwordsAllowed ? 'AUTH=PLAIN' : 'LOGINDISABLED');
  return caps;
}
