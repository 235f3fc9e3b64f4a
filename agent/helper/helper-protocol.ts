// The helper's wire format: line-delimited JSON over its Unix socket. One request per line,
//   {"id": 1, "command": "firewall.block", "args": {"ip": "192.0.2.7", "seconds": 3600}}
// one response per request (in any order, matched by id),
//   {"id": 1, "ok": true, "result": ...}   or   {"id": 1, "ok": false, "error": {"code", "message"}}.
// A line that is not a request gets an error with id null and the connection stays open. Pure.

export const HELPER_SOCKET_DEFAULT = 'run/helper.sock';
/** Longer request lines are refused and the connection closed (no command needs more). */
export const MAX_REQUEST_LINE = 256 * 1024;

export type HelperRequestId = string | number;

export interface HelperRequest {
  id: HelperRequestId;
  command: string;
  args: unknown;
}

export interface HelperErrorBody { code: string; message: string }

export type HelperResponse =
  | { id: HelperRequestId | null; ok: true; result: unknown }
  | { id: HelperRequestId | null; ok: false; error: HelperErrorBody };

export type ParsedRequest = { ok: true; request: HelperRequest } | { ok: false; id: HelperRequestId | null; error: HelperErrorBody };

function isId(v: unknown): v is HelperRequestId {
  return (typeof v === 'string' && v.length > 0 && v.length <= 100) || (typeof v === 'number' && Number.isSafeInteger(v));
}

export function parseRequestLine(line: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, id: null, error: { code: 'bad_request', message: 'request is not valid JSON' } };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, id: null, error: { code: 'bad_request', message: 'request must be a JSON object {id, command, args}' } };
  }
  const v = value as Record<string, unknown>;
  const id = isId(v.id) ? v.id : null;
  if (id === null) return { ok: false, id: null, error: { code: 'bad_request', message: 'request id must be a non-empty string or an integer' } };
  if (typeof v.command !== 'string' || !/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/.test(v.command) || v.command.length > 100) {
    return { ok: false, id, error: { code: 'bad_request', message: 'command must be a dotted name like "firewall.show"' } };
  }
  const extra = Object.keys(v).filter((k) => k !== 'id' && k !== 'command' && k !== 'args');
  if (extra.length) return { ok: false, id, error: { code: 'bad_request', message: `unknown request field(s): ${extra.join(', ')}` } };
  return { ok: true, request: { id, command: v.command, args: v.args ?? {} } };
}

export function encodeResponse(response: HelperResponse): string {
  return JSON.stringify(response) + '\n';
}

export function parseResponseLine(line: string): HelperResponse | null {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.ok !== 'boolean') return null;
    if (v.ok) return { id: (v.id ?? null) as HelperRequestId | null, ok: true, result: v.result };
    const e = v.error as Record<string, unknown> | undefined;
    if (!e || typeof e.code !== 'string' || typeof e.message !== 'string') return null;
    return { id: (v.id ?? null) as HelperRequestId | null, ok: false, error: { code: e.code, message: e.message } };
  } catch {
    return null;
  }
}
