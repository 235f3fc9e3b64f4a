// Reads the tag and command name from the first line of a command, before the rest is parsed,
// so the reader can attribute errors, pick literal caps (APPEND) and pause after commands that
// change how the following bytes are read.

import { ImapErrorCode, ImapParseError } from './errors.js';
import { TAG_CHAR } from './char-classes.js';

export interface CommandHead {
  tag: string;
  /** Upper-cased first word after the tag; '' when the line holds only a tag. */
  name: string;
  /** Offset of the first byte after the name (a SP, or the end of the line). */
  afterName: number;
}

const SP = 0x20;

/** The tag and name, or an ImapParseError with tag null when the tag itself is malformed. */
export function readCommandHead(line: Buffer): CommandHead {
  let i = 0;
  while (i < line.length && TAG_CHAR[line[i]!] === 1) i++;
  if (i === 0 || (i < line.length && line[i] !== SP)) {
    throw new ImapParseError(ImapErrorCode.badTag, 'Invalid tag');
  }
  const tag = line.toString('latin1', 0, i);
  if (i >= line.length) return { tag, name: '', afterName: i };
  const nameStart = i + 1;
  let j = nameStart;
  while (j < line.length && line[j] !== SP) j++;
  return { tag, name: line.toString('latin1', nameStart, j).toUpperCase(), afterName: j };
}
