// Checks of request bodies and query strings, with the same codes and messages as the CLI's
// (cli/commands/user.ts, alias.ts) so an admin sees the same words in the panel as in a shell.

import { InputError } from '../../core/errors.js';
import { parseSize } from '../../core/size.js';
import { ControlRequestError } from './control-errors.js';

export type JsonObject = Record<string, unknown>;

export function requireObject(body: unknown): JsonObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new ControlRequestError(400, 'invalid_request', 'the request body must be a JSON object');
  return body as JsonObject;
}

export function requireString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new ControlRequestError(400, 'invalid_request', `"${field}" must be a non-empty string`);
  return value;
}

/**
 * A quota as the CLI takes it: `60K`, `500M`, `2G`, plain bytes, `unlimited`; here also a JSON
 * number of bytes or null (unlimited).
 */
export function parseQuota(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new InputError('invalid_size', `"${value}" is not a size (write it like 60K, 500M, 2G, or unlimited)`);
    return value;
  }
  if (typeof value !== 'string') throw new InputError('invalid_size', 'the quota must be a size like 60K, 500M, 2G, or unlimited');
  if (value.trim().toLowerCase() === 'unlimited') return null;
  const bytes = parseSize(value);
  if (bytes === null) throw new InputError('invalid_size', `"${value}" is not a size (write it like 60K, 500M, 2G, or unlimited)`);
  return bytes;
}

/** Alias targets as a list, or as the CLI's comma-separated word. */
export function parseTargets(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string')) {
    throw new ControlRequestError(400, 'invalid_request', '"targets" must be a list of addresses or one comma-separated string');
  }
  return (list as string[]).map((t) => t.trim()).filter((t) => t !== '');
}

/** A positive whole number from a query string, within [1, max]; `fallback` when absent. */
export function queryInt(value: string | null, name: string, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new ControlRequestError(400, 'invalid_request', `"${name}" must be a whole number`);
  return Math.max(1, Math.min(Number(value), max));
}
