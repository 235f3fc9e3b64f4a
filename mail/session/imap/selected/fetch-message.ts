// One `* n FETCH (...)` response, item by item, in the order the plan gives, plus the items a
// response must carry beyond what was asked (FLAGS after an implicit \Seen; UID and MODSEQ then
// too once CONDSTORE is on, RFC 7162 3.1.4).
//
// Decisions: INTERNALDATE is written in UTC. EMAILID is `M` + the body id (object-ids.ts);
// THREADID, SAVEDATE and PREVIEW are NIL (no thread ids, no separate save time, no previews
// are kept; each RFC allows NIL).

import { fetchItemResponseName, formatImapDateTime, type BodySection, type FetchItem } from '../../../protocol/imap/index.js';
import { bodyStructureValue, envelopeValue, serializeImapValue, type ImapValue } from '../../../protocol/imap-fetch/index.js';
import type { MessageFlags, StoredMessage } from '../../../store/contracts.js';
import type { BodyReader } from './fetch-body.js';
import { toPartialSpec, toSectionSpec } from './fetch-body.js';
import { flagList } from './flag-responses.js';
import { emailId } from './object-ids.js';
import type { ResponseOutput } from './response-output.js';

export interface FetchedMessage {
  seq: number;
  /** Flags and MODSEQ as they are now (after any \Seen this FETCH set). */
  flags: MessageFlags;
  /** The full row, when the plan needs one. */
  row: StoredMessage | null;
  /** Items to add after the requested ones (FLAGS, UID, MODSEQ after an implicit \Seen). */
  extra: FetchItem[];
}

export interface MessageWriterOptions {
  utf8: boolean;
}

const RFC822_SECTIONS: Record<'RFC822' | 'RFC822.HEADER' | 'RFC822.TEXT', BodySection> = {
  RFC822: { part: [] },
  'RFC822.HEADER': { part: [], text: 'HEADER' },
  'RFC822.TEXT': { part: [], text: 'TEXT' },
};

export class MessageWriter {
  constructor(private readonly out: ResponseOutput, private readonly body: BodyReader, private readonly options: MessageWriterOptions) {}

  async write(message: FetchedMessage, items: readonly FetchItem[]): Promise<void> {
    this.out.write(`* ${message.seq} FETCH (`);
    let first = true;
    for (const item of [...items, ...message.extra]) {
      if (!first) this.out.write(' ');
      first = false;
      await this.writeItem(message, item);
    }
    this.out.write(')\r\n');
    await this.out.drain();
  }

  private value(value: ImapValue): void {
    for (const chunk of serializeImapValue(value, { utf8: this.options.utf8 })) this.out.writeBytes(chunk);
  }

  private row(message: FetchedMessage): StoredMessage {
    if (!message.row) throw new Error('fetch plan said no row was needed');
    return message.row;
  }

  private async writeItem(message: FetchedMessage, item: FetchItem): Promise<void> {
    const name = fetchItemResponseName(item);
    this.out.write(name + ' ');
    switch (item.kind) {
      case 'body':
        await this.body.writeBodySection(this.row(message), toSectionSpec(item.section), toPartialSpec(item.partial));
        return;
      case 'binary': {
        const row = this.row(message);
        await this.body.writeBinarySection(row, this.body.binaryPlan(row, item.part), toPartialSpec(item.partial));
        return;
      }
      case 'binarySize': {
        const row = this.row(message);
        this.out.write(String(await this.body.binarySize(row, this.body.binaryPlan(row, item.part))));
        return;
      }
      case 'attribute':
        break;
    }
    switch (item.name) {
      case 'UID': this.out.write(String(message.flags.uid)); return;
      case 'FLAGS': this.out.write(flagList(message.flags.flags)); return;
      case 'MODSEQ': this.out.write(`(${message.flags.modseq})`); return;
      case 'THREADID': case 'SAVEDATE': case 'PREVIEW': this.out.write('NIL'); return;
      case 'INTERNALDATE': this.out.write(formatImapDateTime(this.row(message).internalDate)); return;
      case 'RFC822.SIZE': this.out.write(String(this.row(message).size)); return;
      case 'EMAILID': this.out.write(`(${emailId(this.row(message).blobId)})`); return;
      case 'ENVELOPE': this.value(envelopeValue(this.row(message).index.envelope)); return;
      case 'BODYSTRUCTURE':
      case 'BODY':
        this.value(bodyStructureValue(this.row(message).index.body, { extensible: item.name === 'BODYSTRUCTURE', utf8: this.options.utf8 }));
        return;
      case 'RFC822': case 'RFC822.HEADER': case 'RFC822.TEXT':
        await this.body.writeBodySection(this.row(message), toSectionSpec(RFC822_SECTIONS[item.name]), null);
        return;
    }
  }
}
