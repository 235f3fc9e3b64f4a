// Comparators and match types (RFC 5228 section 2.7): "i;ascii-casemap" (the default; ASCII
// letters fold, nothing else) and "i;octet"; :is, :contains and :matches ("*" any run, "?" one
// character, "\" quotes the next). Pure.

import type { MatchSpec } from './script.js';

function fold(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const globCache = new Map<string, RegExp>();

function globToRegExp(pattern: string): RegExp {
  let cached = globCache.get(pattern);
  if (cached) return cached;
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) { out += escape(pattern[++i]!); continue; }
    if (c === '*') { out += '[\\s\\S]*'; continue; }
    if (c === '?') { out += '[\\s\\S]'; continue; }
    out += escape(c);
  }
  cached = new RegExp(`^${out}$`, 'u');
  if (globCache.size > 1000) globCache.clear();
  globCache.set(pattern, cached);
  return cached;
}

function escape(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? '\\' + c : c;
}

/** Whether `value` matches `key` under the spec. */
export function matchOne(spec: MatchSpec, value: string, key: string): boolean {
  const v = spec.comparator === 'i;ascii-casemap' ? fold(value) : value;
  const k = spec.comparator === 'i;ascii-casemap' ? fold(key) : key;
  switch (spec.match) {
    case 'is': return v === k;
    case 'contains': return v.includes(k);
    case 'matches': return globToRegExp(k).test(v);
  }
}

/** True when any value matches any key (RFC 5228 section 2.7.1). */
export function matchAny(spec: MatchSpec, values: readonly string[], keys: readonly string[]): boolean {
  for (const v of values) for (const k of keys) if (matchOne(spec, v, k)) return true;
  return false;
}
