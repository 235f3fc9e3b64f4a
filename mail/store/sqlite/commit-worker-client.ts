// The main-thread side of the commit worker (commit-worker.ts): group commit across threads.
// Deliveries queue here; one batch at a time goes to the worker, and while it is busy (SQL and
// the WAL fsync of synchronous=FULL) the deliveries that finish meanwhile queue up and go
// together as the next batch the moment it answers. Batches grow with load by themselves, and
// the main thread never blocks on the database for a delivery.
//
// A job's promise resolves only once the worker's COMMIT has returned, i.e. when it is durable.
// If the worker dies, the batch it held fails with a TemporaryError (the client retries) unless
// the database shows that batch did commit; later batches go to a new worker.

import { Worker } from 'node:worker_threads';
import { TemporaryError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { CommitWorkerError, type CommitReply, type CommitRequest, type CommitWorkerData } from './commit-messages.js';
import type { DeliveredCopy, DeliveryJob } from './deliver-message.js';
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

export interface CommitWorkerClientOptions {
  /** The database file (schema already migrated). */
  file: string;
  logger: Logger;
  now: () => Date;
  /**
   * After a worker died with a batch in hand: the copies of a job that did commit (its blob row
   * exists), else null. Read on the main thread's connection once the worker's is closed.
   */
  committedCopies(job: DeliveryJob): DeliveredCopy[] | null;
  /** Extra wait before sending a batch to an idle worker, to gather more deliveries; 0 = next event-loop turn. */
  windowMs?: number;
  maxBatch?: number;
  /** The worker entry; tests stand in one that crashes on cue. */
  workerUrl?: URL;
}

interface Pending {
  job: DeliveryJob;
  resolve: (copies: DeliveredCopy[]) => void;
  reject: (err: unknown) => void;
}

const DEFAULT_WORKER_URL = new URL('./commit-worker.js', import.meta.url);

export class CommitWorkerClient {
  readonly stats: GroupCommitStats = { transactions: 0, jobs: 0, largestBatch: 0, workersStarted: 0, enqueued: 0 };
  private queue: Pending[] = [];
  private inFlight: { batch: number; items: Pending[] } | null = null;
  private worker: Worker | null = null;
  private workerError: unknown = null;
  private scheduled = false;
  private batches = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: CommitWorkerClientOptions) {}

  /** Resolves once the job's transaction has committed durably. */
  enqueue(job: DeliveryJob): Promise<DeliveredCopy[]> {
    if (this.closed) return Promise.reject(new TemporaryError('store_closed', 'the mail store is closed'));
    return new Promise<DeliveredCopy[]>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.stats.enqueued++;
      this.schedule();
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
  }

  private isIdle(): boolean {
    return !this.scheduled && !this.inFlight && this.queue.length === 0;
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return; // a busy worker's answer sends the queue
    this.scheduled = true;
    const windowMs = this.options.windowMs ?? 0;
    if (windowMs > 0) setTimeout(() => this.send(), windowMs);
    else setImmediate(() => this.send());
  }

  private send(): void {
    this.scheduled = false;
    if (this.inFlight) return;
    if (this.queue.length === 0) {
      this.notifyIfIdle();
      return;
    }
    const items = this.queue.splice(0, this.options.maxBatch ?? 1000);
    const worker = this.worker ?? this.startWorker();
    const request: CommitRequest = { batch: ++this.batches, now: this.options.now().getTime(), jobs: items.map((p) => p.job) };
    try {
      worker.postMessage(request);
    } catch (err) {
      // Not cloneable: a programming error in what was queued; the worker never saw it.
      for (const p of items) p.reject(err);
      this.send();
      return;
    }
    this.inFlight = { batch: request.batch, items };
    worker.ref(); // a commit in flight keeps the process alive; an idle worker does not
  }

  private startWorker(): Worker {
    const workerData: CommitWorkerData = { file: this.options.file };
    const worker = new Worker(this.options.workerUrl ?? DEFAULT_WORKER_URL, { workerData });
    this.stats.workersStarted++;
    this.worker = worker;
    this.workerError = null;
    worker.on('message', (reply: CommitReply) => { if (worker === this.worker) this.onReply(reply); });
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

  private onReply(reply: CommitReply): void {
    const flight = this.inFlight;
    if (!flight || flight.batch !== reply.batch) {
      this.options.logger.error('commit worker answered a batch that is not in flight', { batch: reply.batch });
      return;
    }
    this.inFlight = null;
    this.worker?.unref();
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
    this.send();
  }

  private onExit(code: number): void {
    this.worker = null;
    const flight = this.inFlight;
    this.inFlight = null;
    const cause = this.workerError ?? new Error(`commit worker exited with code ${code}`);
    this.options.logger.error('commit worker died; starting a new one for the next batch', { err: cause, exitCode: code, batchJobs: flight?.items.length ?? 0 });
    if (flight) this.settleOrphanedBatch(flight.items, cause);
    if (this.queue.length > 0) this.schedule();
    else this.notifyIfIdle();
  }

  /**
   * The worker's connection is closed now, so its transaction either committed or was rolled
   * back as a whole; the database tells which. A committed job is durable and resolves (its
   * blob must stay); the others fail with a TemporaryError so that the client retries.
   */
  private settleOrphanedBatch(items: Pending[], cause: unknown): void {
    let committed = 0;
    for (const p of items) {
      let copies: DeliveredCopy[] | null;
      try {
        copies = this.options.committedCopies(p.job);
      } catch (err) {
        p.reject(new CommitOutcomeUnknownError('store_commit_unknown', 'the commit worker died and the outcome could not be read', { cause: err }));
        continue;
      }
      if (copies) {
        committed++;
        this.stats.jobs++;
        p.resolve(copies);
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
