export { parseCommand, type ParseResult, type Pop3Command, type Pop3Verb } from './command.js';
export { continuationLine, errLine, multiLine, okLine, type Pop3RespCode } from './response.js';
export { DotStuffer } from './dot-stuffer.js';
export { TopFilter } from './top-filter.js';
export { LineSplitter, type SplitItem } from './line-splitter.js';
export { decodeSaslPlain, type PlainResult } from './sasl-plain.js';
