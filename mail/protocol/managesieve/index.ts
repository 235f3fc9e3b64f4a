// ManageSieve (RFC 5804) wire format: command parsing and response encoding. Pure.

export { parseCommand, type CommandArg, type ParseOptions, type ParseResult } from './command-parser.js';
export { capabilityLines, encodeString, response, type ResponseStatus } from './response.js';
