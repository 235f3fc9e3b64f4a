// What the main thread and a commit worker say to each other: the mail store's (commit-worker.ts,
// jobs are DeliveryJobs, results DeliveredCopy lists) and the outbound spool's
// (mail/queue/spool-commit-worker.ts, SpoolWrites and SpoolWriteResults). Messages are
// structured-cloned, so jobs and results are plain data; errors are sent as plain fields because
// cloning drops an error's class and its `code`, which the logs and tests rely on.

export interface CommitWorkerData {
  /** The database file; the worker opens its own connection to it. */
  file: string;
  /** The mail store's worker: move the intake's bodies to files under this DATA/blobs (body-spill.ts). */
  spillTo?: string;
  /** How long deliveries must pause before the worker moves bodies (default SPILL_QUIET_MS). */
  spillQuietMs?: number;
}

/** A request that is not a batch: `op` names what the worker should do (its worker defines them). */
export interface ControlRequest {
  control: number;
  op: string;
}

export type ControlReply = { control: number; ok: true } | { control: number; error: WireError };

/** Something the worker wants in the daemon's log (workers have no logger of their own). */
export interface WorkerNotice {
  notice: { message: string; fields: Record<string, unknown> };
}

/** `J`: the job type, the same on both sides of one client/worker pair. */
export interface CommitRequest<J> {
  batch: number;
  /** The store's clock when the batch was sent: created_at and UIDVALIDITY use it, not the worker's. */
  now: number;
  jobs: J[];
}

export interface WireError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** `R`: what one job's commit returns. */
export type WireOutcome<R> = { ok: true; value: R } | { ok: false; error: WireError };

export type CommitReply<R> =
  /** The transaction committed (durably); each job succeeded or was rolled back alone. */
  | { batch: number; outcomes: WireOutcome<R>[] }
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
