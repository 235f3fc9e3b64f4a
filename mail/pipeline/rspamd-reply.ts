// rspamd's answer to POST /checkv2 (its JSON protocol), checked and reduced to what Mailroom
// acts on. Pure. Anything that is not an object with an action and a score is a bad reply, which
// the caller treats like an unavailable rspamd.
//
// The fields used:
//   action          "no action" | "greylist" | "add header" | "rewrite subject" | "soft reject" | "reject"
//                   (plus custom actions such as "discard" or "quarantine" an admin may define)
//   score, required_score, symbols{NAME: {score}}
//   messages.smtp_message   text rspamd wants the SMTP client to see (force_actions, GTUBE ...)
//   subject         the rewritten Subject for "rewrite subject", already RFC 2047 encoded
//   milter.add_headers      {Name: value | {value, order} | [...]}: fields rspamd's milter_headers
//                           module wants added (X-Spamd-Result, X-Spamd-Bar ... when configured)
//   milter.remove_headers   {Name: n}: fields to remove from the message first

import { RspamdError } from './rspamd-http.js';

export interface RspamdReply {
  action: string;
  score: number;
  requiredScore: number | null;
  /** Symbols by descending score. */
  symbols: { name: string; score: number }[];
  smtpMessage: string | null;
  subject: string | null;
  addHeaders: [string, string][];
  removeHeaders: string[];
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseRspamdReply(text: string): RspamdReply {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RspamdError('rspamd_bad_reply', `rspamd answered something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  if (!isObject(json)) throw new RspamdError('rspamd_bad_reply', 'rspamd answered JSON that is not an object');
  if (typeof json.error === 'string') throw new RspamdError('rspamd_bad_reply', `rspamd reported an error: ${json.error.slice(0, 200)}`);
  const { action, score } = json;
  if (typeof action !== 'string' || action === '' || typeof score !== 'number' || !Number.isFinite(score)) {
    throw new RspamdError('rspamd_bad_reply', 'rspamd answered without an action and a score');
  }
  const symbols: { name: string; score: number }[] = [];
  if (isObject(json.symbols)) {
    for (const [name, sym] of Object.entries(json.symbols)) {
      if (isObject(sym) && typeof sym.score === 'number') symbols.push({ name, score: sym.score });
    }
  }
  symbols.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const messages = isObject(json.messages) ? json.messages : {};
  const milter = isObject(json.milter) ? json.milter : {};
  return {
    action: action.toLowerCase(),
    score,
    requiredScore: typeof json.required_score === 'number' ? json.required_score : null,
    symbols,
    smtpMessage: typeof messages.smtp_message === 'string' ? messages.smtp_message : null,
    subject: typeof json.subject === 'string' ? json.subject : null,
    addHeaders: parseAddHeaders(milter.add_headers),
    removeHeaders: isObject(milter.remove_headers) ? Object.keys(milter.remove_headers) : [],
  };
}

function parseAddHeaders(value: unknown): [string, string][] {
  if (!isObject(value)) return [];
  const out: { name: string; value: string; order: number }[] = [];
  const add = (name: string, v: unknown) => {
    if (typeof v === 'string') out.push({ name, value: v, order: 0 });
    else if (isObject(v) && typeof v.value === 'string') out.push({ name, value: v.value, order: typeof v.order === 'number' ? v.order : 0 });
    else if (Array.isArray(v)) for (const item of v) add(name, item);
  };
  for (const [name, v] of Object.entries(value)) add(name, v);
  // Stable: equal orders keep rspamd's sequence.
  return out.map((h, i) => ({ ...h, i })).sort((a, b) => a.order - b.order || a.i - b.i).map((h) => [h.name, h.value]);
}
