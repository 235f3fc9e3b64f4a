// The IMAP protocol layer's public surface: the streaming reader, the parser, the typed
// commands, mailbox-name and date codecs, and the response primitives.

export * from './errors.js';
export * from './reader-events.js';
export { ImapCommandReader, LITERAL_MINUS_MAX, type CommandReaderOptions, type NonSyncLiteralSupport } from './command-reader.js';
export { parseCommand } from './command-parser.js';
export { parseAppendHead } from './parse-append.js';
export * from './command-types.js';
export { formatSequenceSet, compressNumbers, sequenceSetIncludes } from './sequence-set.js';
export { parseImapDate, parseImapDateTime, formatImapDate, formatImapDateTime } from './imap-date.js';
export { decodeMailboxName, encodeMailboxName, decodeModifiedUtf7, encodeModifiedUtf7, normaliseInbox } from './mailbox-name.js';
export { canonicalFlag } from './flags.js';
export * from './response-writer.js';
export { fetchItemResponseName, formatBodySection } from './fetch-response-name.js';
