// Compiled Sieve scripts by source text: a busy MX runs the same few scripts over and over, and
// compiling is the only part of a run that costs anything. Bounded; a source that no longer
// compiles (stored under an older, laxer version) is remembered as its error.

import { compileSieve, type SieveScript } from '../protocol/sieve/index.js';

const MAX_ENTRIES = 500;

export type CompiledOrError = { ok: true; script: SieveScript } | { ok: false; error: Error };

export class SieveScriptCache {
  private readonly entries = new Map<string, CompiledOrError>();

  compile(source: string): CompiledOrError {
    const hit = this.entries.get(source);
    if (hit) {
      // Refresh its place: the map's order is the eviction order.
      this.entries.delete(source);
      this.entries.set(source, hit);
      return hit;
    }
    let entry: CompiledOrError;
    try {
      entry = { ok: true, script: compileSieve(source) };
    } catch (err) {
      entry = { ok: false, error: err as Error };
    }
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(source, entry);
    return entry;
  }
}
