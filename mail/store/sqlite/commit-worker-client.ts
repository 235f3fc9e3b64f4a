// The main-thread side of a commit worker: group commit across threads. Generic over the job
// and its result (`J`, `R`: plain data, structured-cloned both ways): the mail store's commit
// worker (commit-worker.ts) takes DeliveryJobs, the outbound spool's
// (mail/queue/spool-commit-worker.ts) SpoolWrites. Jobs queue here; a batch goes to the worker,
// and while it is busy (SQL and the WAL fsync of synchronous=FULL) the jobs that arrive meanwhile
// queue up and go together as the next batch the moment it answers. Batches grow with load by
// themselves, and the main thread never blocks on the database for a job.
//
// `maxInFlight` > 1 lets the next batch go before the previous one has answered, for a worker
// that does slow work of its own before its commit (the spool's writes its body files): that work
// for batch N+1 then overlaps batch N's commit. Such a worker must still commit and answer its
// batches in order; this side matches answers to batches by number.
//
// A job's promise resolves only once the worker's COMMIT has returned, i.e. when it is durable.
// If the worker dies, the batches it held fail with a TemporaryError (the client retries) unless
// the database shows a job did commit; later batches go to a new worker.

import { Worker } from 'node:worker_threads';
import { TemporaryError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { CommitWorkerError, type CommitReply, type CommitRequest, type CommitWorkerData, type ControlReply, type ControlRequest, type WorkerNotice } from './commit-messages.js';
import { CommitOutcomeUnknownError } from './delivery-transaction.js';

export interface GroupCommitStats {
  /** SQLite transactions committed by the worker. */
  transactions: number;
  /** Jobs committed (successfully) by them. */
  jobs: number;
  largestBatch: number;
  /** Worker threads started: 1 plus one per crash. */
  workersStarted: number;
  /** Jobs accepted by enqueue() so far (tests wait on it instead of sleeping). */
  enqueued: number;
}

export interface CommitWorkerClientOptions<J, R> {
  /** The database file (schema already migrated). */
  file: string;
  logger: Logger;
  now: () => Date;
  /**
   * After a worker died with a batch in hand: the result of a job that did commit (the mail
   * store: its blob row exists), else null. Read on the main thread's connection once the
   * worker's is closed.
   */
  committedResult(job: J): R | null;
  /** Extra wait before sending a batch to an idle worker, to gather more deliveries; 0 = next event-loop turn. */
  windowMs?: number;
  maxBatch?: number;
  /** Batches sent and not yet answered, at most (default 1); see the top of this file. */
  maxInFlight?: number;
  /** The worker entry. */
  workerUrl: URL;
  /** Buffers of a job to hand over (transfer) rather than copy; the job must not use them after. */
  transfers?(job: J): ArrayBuffer[];
  /** More for the worker's workerData (besides `file`). */
  workerData?: Omit<CommitWorkerData, 'file'>;
}

interface Pending<J, R> {
  job: J;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

interface Flight<J, R> {
  batch: number;
  items: Pending<J, R>[];
}

export class CommitWorkerClient<J, R> {
  readonly stats: GroupCommitStats = { transactions: 0, jobs: 0, largestBatch: 0, workersStarted: 0, enqueued: 0 };
  private queue: Pending<J, R>[] = [];
  /** Sent and not yet answered, oldest first. */
  private inFlight: Flight<J, R>[] = [];
  private worker: Worker | null = null;
  private workerError: unknown = null;
  private scheduled = false;
  private batches = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private controls = new Map<number, { resolve: () => void; reject: (err: unknown) => void }>();
  private controlNumbers = 0;

  private readonly maxInFlight: number;

  constructor(private readonly options: CommitWorkerClientOptions<J, R>) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /** Resolves once the job's transaction has committed durably. */
  enqueue(job: J): Promise<R> {
    if (this.closed) return Promise.reject(new TemporaryError('store_closed', 'the mail store is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.stats.enqueued++;
      this.schedule();
    });
  }

  /** Starts the worker thread now rather than with the first batch (it may have work of its own). */
  start(): void {
    if (this.closed || this.worker) return;
    this.startWorker().unref();
  }

  /** Asks the worker to do `op` (a request its worker defines) and resolves when it says it is done. */
  control(op: string): Promise<void> {
    if (this.closed) return Promise.reject(new TemporaryError('store_closed', 'the mail store is closed'));
    const worker = this.worker ?? this.startWorker();
    const request: ControlRequest = { control: ++this.controlNumbers, op };
    return new Promise<void>((resolve, reject) => {
      this.controls.set(request.control, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    });
  }

  /** Resolves when nothing is queued or being committed. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Refuses new jobs, waits for the queued ones and stops the worker. */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    const worker = this.worker;
    this.worker = null; // its exit is expected now
    await worker?.terminate();
    for (const c of this.controls.values()) c.reject(new TemporaryError('store_closed', 'the mail store closed before the request finished'));
    this.controls.clear();
  }

  private isIdle(): boolean {
    return !this.scheduled && this.inFlight.length === 0 && this.queue.length === 0;
  }

  private get busy(): boolean {
    return this.inFlight.length >= this.maxInFlight;
  }

  private schedule(): void {
    if (this.scheduled || this.busy) return; // a busy worker's answer sends the queue
    this.scheduled = true;
    const windowMs = this.options.windowMs ?? 0;
    if (windowMs > 0) setTimeout(() => this.send(), windowMs);
    else setImmediate(() => this.send());
  }

  private send(): void {
    this.scheduled = false;
    if (this.busy) return;
    if (this.queue.length === 0) {
      this.notifyIfIdle();
      return;
    }
    const items = this.queue.splice(0, this.options.maxBatch ?? 1000);
    const worker = this.worker ?? this.startWorker();
    const request: CommitRequest<J> = { batch: ++this.batches, now: this.options.now().getTime(), jobs: items.map((p) => p.job) };
    try {
      const transfers = this.options.transfers;
      worker.postMessage(request, transfers ? items.flatMap((p) => transfers(p.job)) : undefined);
    } catch (err) {
      // Not cloneable: a programming error in what was queued; the worker never saw it.
      for (const p of items) p.reject(err);
      this.send();
      return;
    }
    this.inFlight.push({ batch: request.batch, items });
    worker.ref(); // a commit in flight keeps the process alive; an idle worker does not
  }

  private startWorker(): Worker {
    const workerData: CommitWorkerData = { ...this.options.workerData, file: this.options.file };
    const worker = new Worker(this.options.workerUrl, { workerData });
    this.stats.workersStarted++;
    this.worker = worker;
    this.workerError = null;
    worker.on('message', (message: CommitReply<R> | ControlReply | WorkerNotice) => {
      if (worker !== this.worker) return;
      if ('notice' in message) this.options.logger.warn(message.notice.message, message.notice.fields);
      else if ('control' in message) this.onControlReply(message);
      else this.onReply(message);
    });
    worker.on('error', (err) => { if (worker === this.worker) this.workerError = err; });
    // A reply that cannot be read leaves its batch unanswered: treat it as a crash.
    worker.on('messageerror', (err) => {
      if (worker !== this.worker) return;
      this.workerError = err;
      void worker.terminate();
    });
    worker.on('exit', (code) => { if (worker === this.worker) this.onExit(code); });
    return worker;
  }

  private onControlReply(reply: ControlReply): void {
    const waiter = this.controls.get(reply.control);
    if (!waiter) return;
    this.controls.delete(reply.control);
    this.unrefIfIdle();
    if ('error' in reply) waiter.reject(new CommitWorkerError(reply.error));
    else waiter.resolve();
  }

  /** The worker keeps the process alive only while it has batches or requests in hand. */
  private unrefIfIdle(): void {
    if (this.inFlight.length === 0 && this.controls.size === 0) this.worker?.unref();
  }

  private onReply(reply: CommitReply<R>): void {
    const at = this.inFlight.findIndex((f) => f.batch === reply.batch);
    if (at < 0) {
      this.options.logger.error('commit worker answered a batch that is not in flight', { batch: reply.batch });
      return;
    }
    const flight = this.inFlight.splice(at, 1)[0]!;
    this.unrefIfIdle();
    if ('failed' in reply) {
      const err = new CommitWorkerError(reply.failed);
      for (const p of flight.items) p.reject(err);
    } else {
      this.stats.transactions++;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, flight.items.length);
      flight.items.forEach((p, i) => {
        const o = reply.outcomes[i]!;
        if (o.ok) {
          this.stats.jobs++;
          p.resolve(o.value);
        } else {
          p.reject(new CommitWorkerError(o.error));
        }
      });
    }
    // Everything that queued while the worker was busy goes now, as one batch.
    if (this.queue.length > 0) this.send();
    else this.notifyIfIdle();
  }

  private onExit(code: number): void {
    this.worker = null;
    const flights = this.inFlight;
    this.inFlight = [];
    const cause = this.workerError ?? new Error(`commit worker exited with code ${code}`);
    const batchJobs = flights.reduce((n, f) => n + f.items.length, 0);
    this.options.logger.error('commit worker died; starting a new one for the next batch', { err: cause, exitCode: code, batchJobs });
    for (const flight of flights) this.settleOrphanedBatch(flight.items, cause);
    const controls = [...this.controls.values()];
    this.controls.clear();
    for (const c of controls) c.reject(new TemporaryError('store_commit_worker_died', 'the commit worker died before it finished the request', { cause }));
    if (this.queue.length > 0) this.schedule();
    else this.notifyIfIdle();
  }

  /**
   * The worker's connection is closed now, so its transaction either committed or was rolled
   * back as a whole; the database tells which. A committed job is durable and resolves (its
   * blob must stay); the others fail with a TemporaryError so that the client retries.
   */
  private settleOrphanedBatch(items: Pending<J, R>[], cause: unknown): void {
    let committed = 0;
    for (const p of items) {
      let result: R | null;
      try {
        result = this.options.committedResult(p.job);
      } catch (err) {
        p.reject(new CommitOutcomeUnknownError('store_commit_unknown', 'the commit worker died and the outcome could not be read', { cause: err }));
        continue;
      }
      if (result !== null) {
        committed++;
        this.stats.jobs++;
        p.resolve(result);
      } else {
        p.reject(new TemporaryError('store_commit_worker_died', 'the commit worker died before the message was stored', { cause }));
      }
    }
    if (committed > 0) {
      this.stats.transactions++;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, items.length);
    }
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
