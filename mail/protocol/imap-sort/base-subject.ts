// The "base subject" of RFC 5256 section 2.1, which SORT SUBJECT orders by and both THREAD
// algorithms group by: the subject with reply and forward markers ("Re:", "Fwd:", "[fwd: ...]",
// "(fwd)") and leading list tags ("[list]") stripped, whitespace collapsed.
//
// The input is the subject already decoded to Unicode (the index keeps it decoded, RFC 2047
// words and all); the steps below follow the RFC's numbering. BLOBCHAR in the RFC is ASCII, but
// after decoding a tag may hold any character, so a blob here is any run without "[" or "]".

export interface BaseSubject {
  /** The base subject; "" when nothing is left. Compare with compareAsciiCasemap. */
  base: string;
  /** The subject carried a reply or forward marker (REFERENCES threading step 5 needs this). */
  isReplyOrForward: boolean;
}

// subj-trailer = "(fwd)" / WSP
const TRAILER = /(?:\(fwd\)|[ \t])$/i;
// subj-leader = (*subj-blob subj-refwd) / WSP, where
// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":" and subj-blob = "[" *BLOBCHAR "]" *WSP
const REFWD_LEADER = /^(?:\[[^[\]]*\][ \t]*)*(?:re|fwd?)[ \t]*(?:\[[^[\]]*\][ \t]*)?:/i;
const BLOB = /^\[[^[\]]*\][ \t]*/;
const FWD_HEADER = /^\[fwd:/i;

/** Step 1: whitespace (tabs, folding) becomes single spaces. */
function collapseWhitespace(subject: string): string {
  return subject.replace(/[\t\r\n ]+/g, ' ');
}

export function extractBaseSubject(subject: string | null): BaseSubject {
  let text = collapseWhitespace(subject ?? '');
  let isReplyOrForward = false;
  for (;;) {
    // Step 2: trailers, repeatedly.
    for (let m = TRAILER.exec(text); m; m = TRAILER.exec(text)) {
      if (m[0] !== ' ' && m[0] !== '\t') isReplyOrForward = true;
      text = text.slice(0, text.length - m[0].length);
    }
    // Steps 3 to 5: leaders and blobs, repeatedly.
    for (let changed = true; changed; ) {
      changed = false;
      for (;;) {
        if (text.startsWith(' ') || text.startsWith('\t')) {
          text = text.slice(1);
          changed = true;
          continue;
        }
        const refwd = REFWD_LEADER.exec(text);
        if (!refwd) break;
        text = text.slice(refwd[0].length);
        isReplyOrForward = true;
        changed = true;
      }
      const blob = BLOB.exec(text);
      if (blob && text.slice(blob[0].length).trim() !== '') {
        text = text.slice(blob[0].length);
        changed = true;
      }
    }
    // Step 6: "[fwd: ... ]" wraps a whole subject; unwrap and start again from step 2.
    if (FWD_HEADER.test(text) && text.endsWith(']')) {
      text = text.slice('[fwd:'.length, -1);
      isReplyOrForward = true;
      continue;
    }
    return { base: text, isReplyOrForward };
  }
}
