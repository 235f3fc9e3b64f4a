// Test helper: drives an ImapCommandReader like a session would (accepting every synchronising
// literal, resuming after pauses) and reduces its events to comparable values.

import { ImapCommandReader, type CommandReaderOptions } from '../../../../mail/protocol/imap/command-reader.js';
import { parseCommand } from '../../../../mail/protocol/imap/command-parser.js';
import type { ReaderEvent } from '../../../../mail/protocol/imap/reader-events.js';
import type { ImapCommand, ParseContext } from '../../../../mail/protocol/imap/command-types.js';

/** A reader event as plain data (APPEND chunks merged; commands as their text). */
export type Summary =
  | ['command', string]
  | ['continue', string, number]
  | ['appendStart', string, number, string]
  | ['appendData', string]
  | ['appendEnd', string]
  | ['auth', string]
  | ['idleDone']
  | ['error', string, string | null];

export function summarise(events: ReaderEvent[], into: Summary[] = []): Summary[] {
  for (const e of events) {
    switch (e.type) {
      case 'command': {
        const c = e.command;
        let text = '';
        c.lines.forEach((l, i) => {
          text += l.toString('latin1');
          if (i < c.literals.length) text += `<${c.literals[i]!.data.toString('latin1')}>`;
        });
        into.push(['command', text]);
        break;
      }
      case 'continuationNeeded': into.push(['continue', e.tag, e.size]); break;
      case 'appendLiteralStart': into.push(['appendStart', e.tag, e.size, e.head.lines.map((l) => l.toString('latin1')).join('|')]); break;
      case 'appendLiteralChunk': {
        const last = into[into.length - 1];
        if (last && last[0] === 'appendData') last[1] += e.chunk.toString('latin1');
        else into.push(['appendData', e.chunk.toString('latin1')]);
        break;
      }
      case 'appendLiteralEnd': into.push(['appendEnd', e.tag]); break;
      case 'authenticateResponse': into.push(['auth', e.line]); break;
      case 'idleDone': into.push(['idleDone']); break;
      case 'error': into.push(['error', e.error.code, e.error.tag]); break;
    }
  }
  return into;
}

/**
 * Feeds `input` in the given pieces, accepting literals and resuming like a cooperative session:
 * IDLE → idle mode, AUTHENTICATE → one authenticate line then command mode.
 */
export function drive(input: Buffer, splits: number[] = [], options: CommandReaderOptions = {}): { summary: Summary[]; reader: ImapCommandReader } {
  const reader = new ImapCommandReader(options);
  const summary: Summary[] = [];
  const handle = (events: ReaderEvent[]): void => {
    summarise(events, summary);
    while (reader.paused) {
      const last = events[events.length - 1];
      if (reader.paused === 'literal') events = reader.acceptLiteral();
      else if (reader.paused === 'authenticate') events = reader.resume('command');
      else if (last?.type === 'command' && last.command.name === 'IDLE') events = reader.resume('idle');
      else if (last?.type === 'command' && last.command.name === 'AUTHENTICATE') events = reader.resume('authenticate');
      else events = reader.resume('command');
      summarise(events, summary);
    }
  };
  let at = 0;
  for (const cut of [...splits, input.length]) {
    handle(reader.feed(input.subarray(at, cut)));
    at = cut;
  }
  return { summary, reader };
}

/** Reads one command from its wire text (CRLFs included) and parses it. */
export function parseWire(wire: string, ctx: ParseContext = { utf8Enabled: false }): ImapCommand {
  const reader = new ImapCommandReader();
  let events = reader.feed(Buffer.from(wire, 'utf8'));
  const commands: ImapCommand[] = [];
  for (;;) {
    for (const e of events) {
      if (e.type === 'command') commands.push(parseCommand(e.command, ctx));
      if (e.type === 'error') throw e.error;
    }
    if (reader.paused === 'literal') events = reader.acceptLiteral();
    else if (reader.paused) events = reader.resume('command');
    else break;
  }
  if (commands.length !== 1) throw new Error(`expected one command from ${JSON.stringify(wire)}, got ${commands.length}`);
  return commands[0]!;
}
