// Turns a SEARCH text value into an FTS5 query that finds a superset of the messages holding the
// value as a substring, so only those candidates get the exact test (search-text-match.ts).
//
// The value is split into words by the very tokenizer of message_text (a temporary FTS5 table
// with the same tokenize options, read back through fts5vocab), so the words are folded (case,
// diacritics) exactly as the index folded the text. A substring of the text contains whole words
// of the text except perhaps at its two ends: the value's first word may be the tail of a longer
// word, its last word the head of one. So:
//   - inner words must be words of the text, the last one may be a word's beginning (prefix
//     query) when the value does not end in a separator, and they must be adjacent (a phrase);
//   - the first word is left out of the query when the value starts inside a word ("lo world"
//     finds "hello world"), unless it is the only word: the index cannot find a word inside a
//     longer word, so a single-word value like "ample" finds words that BEGIN with it ("ampler",
//     not "example"). That is the one place where the embedded store is narrower than RFC 9051's
//     substring rule; it keeps TEXT and BODY searches on large folders an index lookup.
//   - a value without any word characters ("@", "--") cannot use the index: null, and the caller
//     tests every message of the folder.

import type { Db } from './database.js';

/** Must equal the tokenizer of message_text (mail-schema.ts, step 1). */
const MESSAGE_TEXT_TOKENIZE = 'unicode61 remove_diacritics 2';

/** Any character the tokenizer keeps in a word; used to probe whether the value starts or ends inside a word. */
const PROBE = 'q';

export class SearchTermBuilder {
  private readonly clear;
  private readonly insert;
  private readonly terms;

  constructor(db: Db) {
    // Temporary objects live in this connection only and never touch the database file.
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_probe USING fts5(text, tokenize = '${MESSAGE_TEXT_TOKENIZE}')`);
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_probe_terms USING fts5vocab(temp, search_probe, instance)');
    this.clear = db.prepare('DELETE FROM temp.search_probe');
    this.insert = db.prepare<[number, string]>('INSERT INTO temp.search_probe (rowid, text) VALUES (?, ?)');
    this.terms = db.prepare<[], { doc: number; term: string; offset: number }>('SELECT doc, term, offset FROM temp.search_probe_terms');
  }

  /** The words of each text, in order, as the index folds them. */
  private tokenize(texts: readonly string[]): string[][] {
    this.clear.run();
    texts.forEach((t, i) => this.insert.run(i + 1, t));
    const out: string[][] = texts.map(() => []);
    const rows = this.terms.all().sort((a, b) => a.doc - b.doc || a.offset - b.offset);
    for (const r of rows) out[r.doc - 1]!.push(r.term);
    this.clear.run();
    return out;
  }

  /** An FTS5 MATCH expression for the value (see above), or null when the index cannot narrow the search. */
  matchExpression(value: string): string | null {
    const [words, probedStart, probedEnd] = this.tokenize([value, PROBE + value, value + PROBE]) as [string[], string[], string[]];
    if (words.length === 0) return null;
    const startsInsideWord = probedStart[0] !== PROBE;
    const endsInsideWord = probedEnd[probedEnd.length - 1] !== PROBE;
    const used = startsInsideWord && words.length > 1 ? words.slice(1) : words;
    const prefix = endsInsideWord || (startsInsideWord && words.length === 1);
    return `"${used.map((w) => w.replace(/"/g, '""')).join(' ')}"${prefix ? ' *' : ''}`;
  }
}
