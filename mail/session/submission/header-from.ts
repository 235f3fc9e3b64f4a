// Collects a message's header block as the body streams past (capped at 64 KB, as the indexer)
// and reads the addresses of its From field, so the header From can be checked before commit.

import { parseAddressList } from '../../protocol/mime/address-list.js';
import { HeaderBlock, MAX_HEADER_BLOCK_BYTES, headerValue } from '../../protocol/mime/header-block.js';

export class HeaderFromReader {
  private buffered = Buffer.alloc(0);
  private complete = false;

  get done(): boolean {
    return this.complete;
  }

  /** Feeds body bytes (CRLF line endings); returns true once the header block is complete. */
  feed(chunk: Buffer): boolean {
    if (this.complete) return true;
    const room = MAX_HEADER_BLOCK_BYTES + 4 - this.buffered.length;
    this.buffered = Buffer.concat([this.buffered, chunk.subarray(0, Math.max(0, room))]);
    if (this.buffered.subarray(0, 2).toString('latin1') === '\r\n') {
      this.buffered = Buffer.alloc(0);
      this.complete = true;
    } else {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end >= 0) { this.buffered = this.buffered.subarray(0, end + 2); this.complete = true; }
      else if (this.buffered.length >= MAX_HEADER_BLOCK_BYTES) this.complete = true;
    }
    return this.complete;
  }

  /** The message ended (a message of headers only). */
  end(): void {
    this.complete = true;
  }

  /** The From field's mailboxes as local@domain, or null when there is no From field. */
  fromAddresses(): string[] | null {
    const block = new HeaderBlock();
    block.append(this.buffered);
    const value = headerValue(block.fields(), 'From');
    if (value === null) return null;
    const list = parseAddressList(value) ?? [];
    return list.filter((a) => a.mailbox !== null && a.host !== null).map((a) => `${a.mailbox}@${a.host}`);
  }
}
