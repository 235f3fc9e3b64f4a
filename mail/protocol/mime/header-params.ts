// Structured MIME header values: `value; name=token; name="quoted"` as in Content-Type and
// Content-Disposition (RFC 2045 section 5.1), with RFC 2231 extensions: continuations
// (`name*0=`, `name*1=`), charset/language (`name*=utf-8'vi'%E1%BA%A1`) and both together.
// Comments are dropped. Parameter names are lower-cased; values come back decoded to Unicode,
// except `boundary`, which must stay byte-for-byte what the body uses.

import { decodeCharset } from './charset.js';
import { decodeEncodedWords } from './encoded-words.js';

export interface StructuredValue {
  value: string; // lower-cased, e.g. "text/plain" or "attachment"
  params: Record<string, string>;
}

interface RawParam {
  name: string;
  section: number | null;
  extended: boolean; // "*" after the name or section: charset'lang'%XX form
  value: string;
}

/** Removes RFC 5322 comments, leaving quoted strings alone. */
function stripComments(text: string): string {
  if (!text.includes('(')) return text;
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && c === '"') quoted = !quoted;
    if (!quoted && c === '(') { depth++; continue; }
    if (!quoted && c === ')' && depth > 0) { depth--; continue; }
    if (depth === 0) out += c;
  }
  return out;
}

/** Splits on ";" outside quoted strings. */
function splitParams(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '\\') { current += c + (text[i + 1] ?? ''); i++; continue; }
    if (c === '"') quoted = !quoted;
    if (c === ';' && !quoted) { parts.push(current); current = ''; continue; }
    current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\(.)/g, '$1');
  // An opening quote never closed: take the rest, as mail clients do.
  if (v.startsWith('"')) return v.slice(1).replace(/\\(.)/g, '$1');
  return v;
}

function percentDecode(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      out.push(...Buffer.from(text[i]!, 'utf8'));
    }
  }
  return Buffer.from(out);
}

function parseRawParam(text: string): RawParam | null {
  const eq = text.indexOf('=');
  if (eq <= 0) return null;
  const key = text.slice(0, eq).trim().toLowerCase();
  const m = /^([^*\s]+)(?:\*(\d+))?(\*)?$/.exec(key);
  if (!m) return null;
  return { name: m[1]!, section: m[2] === undefined ? null : Number(m[2]), extended: m[3] === '*', value: unquote(text.slice(eq + 1)) };
}

/** Joins the sections of RFC 2231 parameters and decodes their charsets. */
function assemble(raw: RawParam[]): Record<string, string> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const sectioned = new Map<string, RawParam[]>();
  for (const p of raw) {
    if (p.section === null && !p.extended) {
      // A plain value never overrides an RFC 2231 one for the same name.
      if (!sectioned.has(p.name) && !(p.name in params)) params[p.name] = p.value;
      continue;
    }
    const list = sectioned.get(p.name) ?? [];
    list.push(p);
    sectioned.set(p.name, list);
  }
  for (const [name, list] of sectioned) {
    list.sort((a, b) => (a.section ?? 0) - (b.section ?? 0));
    let charset = 'utf-8';
    const bytes: Buffer[] = [];
    list.forEach((p, i) => {
      let v = p.value;
      if (p.extended && i === 0) {
        const m = /^([^']*)'[^']*'(.*)$/s.exec(v);
        if (m) { charset = m[1] || 'utf-8'; v = m[2]!; }
      }
      bytes.push(p.extended ? percentDecode(v) : Buffer.from(v, 'utf8'));
    });
    params[name] = decodeCharset(Buffer.concat(bytes), charset);
  }
  return params;
}

/** Parses `value; a=b; c*=utf-8''%C3%A9`. The value is lower-cased and trimmed. */
export function parseStructuredValue(header: string): StructuredValue {
  const [head = '', ...rest] = splitParams(stripComments(header));
  const raw: RawParam[] = [];
  for (const part of rest) {
    const p = parseRawParam(part);
    if (p) raw.push(p);
  }
  const params = assemble(raw);
  for (const [k, v] of Object.entries(params)) {
    // Outlook and others put RFC 2047 words in quoted filenames; the boundary is never decoded.
    if (k !== 'boundary' && v.includes('=?')) params[k] = decodeEncodedWords(v);
  }
  return { value: head.trim().toLowerCase(), params: { ...params } };
}

export interface ContentType {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

/**
 * Content-Type with the RFC 2045 defaults: absent means text/plain; charset=us-ascii (or
 * message/rfc822 inside multipart/digest); a value that is not `type/subtype` counts as absent.
 */
export function parseContentType(header: string | null, fallback: 'text/plain' | 'message/rfc822' = 'text/plain'): ContentType {
  const defaults = (): ContentType => {
    const [type, subtype] = fallback.split('/') as [string, string];
    return { type, subtype, params: type === 'text' ? { charset: 'us-ascii' } : {} };
  };
  if (header === null) return defaults();
  const parsed = parseStructuredValue(header);
  const m = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/.exec(parsed.value.replace(/\s+/g, ''));
  if (!m) return { ...defaults(), params: { ...defaults().params, ...parsed.params } };
  return { type: m[1]!, subtype: m[2]!, params: parsed.params };
}
