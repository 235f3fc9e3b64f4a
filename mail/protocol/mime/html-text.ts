// Turns streamed HTML into plain text for search: tags dropped (block-ish tags become spaces so
// words do not run together), script/style/head content skipped, common entities decoded.
// Not a renderer; it only has to yield the words a person would search for.

const INLINE_TAGS = new Set(['a', 'b', 'i', 'u', 's', 'em', 'strong', 'span', 'font', 'small', 'big', 'sub', 'sup', 'abbr', 'code', 'mark', 'wbr']);
const SKIPPED_CONTENT = new Set(['script', 'style', 'head', 'title']);
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', euro: '€', hellip: '…', mdash: '—', ndash: '–', laquo: '«', raquo: '»' };

function decodeEntity(body: string): string | null {
  if (body.startsWith('#x') || body.startsWith('#X')) {
    const cp = parseInt(body.slice(2), 16);
    return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
  }
  if (body.startsWith('#')) {
    const cp = parseInt(body.slice(1), 10);
    return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : null;
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? null;
}

export class HtmlTextStripper {
  private mode: 'text' | 'tag' | 'comment' | 'entity' = 'text';
  private tag = '';
  private entity = '';
  private skipUntil: string | null = null; // "</script" while inside a skipped element
  private recent = ''; // last characters seen while skipping, to find the closing tag

  write(text: string): string {
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.skipUntil !== null) {
        this.recent = (this.recent + c.toLowerCase()).slice(-this.skipUntil.length);
        if (this.recent === this.skipUntil) { this.skipUntil = null; this.recent = ''; this.mode = 'tag'; this.tag = '/'; }
        continue;
      }
      switch (this.mode) {
        case 'text':
          if (c === '<') { this.mode = 'tag'; this.tag = ''; } else if (c === '&') { this.mode = 'entity'; this.entity = ''; } else out += c;
          break;
        case 'entity':
          if (c === ';' || this.entity.length > 10 || !/[#0-9A-Za-z]/.test(c)) {
            const decoded = c === ';' ? decodeEntity(this.entity) : null;
            out += decoded ?? `&${this.entity}${c === ';' ? ';' : ''}`;
            this.mode = 'text';
            if (c !== ';') { i--; } // reconsider the character that ended the entity
          } else {
            this.entity += c;
          }
          break;
        case 'tag':
          if (this.tag === '!--') { this.mode = 'comment'; this.recent = ''; i--; break; }
          if (c === '>') {
            this.mode = 'text';
            const name = /^\/?([a-z0-9]+)/i.exec(this.tag)?.[1]?.toLowerCase() ?? '';
            if (!INLINE_TAGS.has(name)) out += ' ';
            if (!this.tag.startsWith('/') && SKIPPED_CONTENT.has(name) && !this.tag.endsWith('/')) this.skipUntil = `</${name}`;
          } else if (this.tag.length < 64) {
            this.tag += c;
          }
          break;
        case 'comment':
          this.recent = (this.recent + c).slice(-3);
          if (this.recent === '-->') { this.mode = 'text'; this.recent = ''; }
          break;
      }
    }
    return out;
  }
}
