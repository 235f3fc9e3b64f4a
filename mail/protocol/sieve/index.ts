// The Sieve language (RFC 5228 with fileinto, reject, envelope, vacation, imap4flags, copy and
// mailbox's :create): compile, run on a message view, decide and build vacation replies. Pure.

export { compileSieve } from './compile.js';
export { SieveRuntimeError, SieveSyntaxError, type Position } from './errors.js';
export { DEFAULT_SIEVE_LIMITS, runSieve, type SieveAction, type SieveLimits, type SieveResult } from './interpreter.js';
export { parseHeaderSection, type SieveMessageView } from './message-view.js';
export { SUPPORTED_EXTENSIONS, type SieveScript, type VacationParams } from './script.js';
export { vacationDecision, type VacationDecision } from './vacation-policy.js';
export { buildVacationReply } from './vacation-reply.js';
