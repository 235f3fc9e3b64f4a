// What the main thread and the commit worker (commit-worker.ts) say to each other. Messages are
// structured-cloned; errors are sent as plain fields because cloning drops an error's class and
// its `code`, which the logs and tests rely on.

import type { DeliveredCopy, DeliveryJob } from './deliver-message.js';

export interface CommitWorkerData {
  /** The database file; the worker opens its own connection to it. */
  file: string;
}

export interface CommitRequest {
  batch: number;
  /** The store's clock when the batch was sent: created_at and UIDVALIDITY use it, not the worker's. */
  now: number;
  jobs: DeliveryJob[];
}

export interface WireError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export type WireOutcome = { ok: true; value: DeliveredCopy[] } | { ok: false; error: WireError };

export type CommitReply =
  /** The transaction committed (durably); each job succeeded or was rolled back alone. */
  | { batch: number; outcomes: WireOutcome[] }
  /** Nothing of the batch was stored. */
  | { batch: number; failed: WireError };

export function toWireError(err: unknown): WireError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(err.stack ? { stack: err.stack } : {}) };
}

/** An error raised in the commit worker, as the main thread sees it. */
export class CommitWorkerError extends Error {
  readonly code: string | undefined;
  constructor(wire: WireError) {
    super(wire.message);
    this.name = wire.name;
    this.code = wire.code;
    if (wire.stack) this.stack = wire.stack;
  }
}
