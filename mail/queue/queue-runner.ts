// The outbound scheduler. Each tick takes the due recipients from the spool, groups them by
// message and domain (one SMTP transaction carries every recipient of a domain), starts as many
// attempts as the destination limits allow, stores each outcome (delivered, deferred per the
// retry schedule, failed on a 5xx or on expiry) and hands bounces off. All state lives in the
// spool, so a restart picks up exactly where the last committed outcome left off.
//
// Ticks are cheap and bounded by what can start, not by the backlog: kicks (every enqueue and
// every finished attempt) coalesce into at most one tick per event-loop turn, a tick with every
// slot busy does not read the spool at all, and due() returns only recipients whose destination
// has a free slot and whose message/domain pair is not already running, about as many as can start.
// A finished attempt kicks only when the last read left something behind for want of a slot
// (a backlog): otherwise nothing can be waiting that an enqueue's own kick or the poll would not
// find, and the read would cost a query per message for nothing.

import { silentLogger, type Logger } from '../../core/log.js';
import { sendPendingBounce, type BounceHandOff } from './bounce-sender.js';
import { DEFAULT_DESTINATION_LIMITS, DestinationLimiter, type DestinationLimits } from './destination-limiter.js';
import type { MessageForDelivery } from './domain-delivery.js';
import type { QueueEvent } from './queue-events.js';
import { DEFAULT_RETRY_POLICY, planRetry, type RetryPolicy } from './retry-schedule.js';
import type { RecipientOutcome } from './smtp-reply.js';
import { dueGroupKey, type OutboundSpool, type QueuedMessageInfo, type QueuedRecipient, type RecipientUpdate } from './spool.js';

export type DomainDeliverer = (domain: string, message: MessageForDelivery) => Promise<Map<string, RecipientOutcome>>;

export interface QueueRunnerOptions {
  spool: OutboundSpool;
  /** Usually deliverToDomain bound to its options. */
  deliver: DomainDeliverer;
  /** Where DSNs go: local delivery when the sender is ours, else the queue. */
  handOffBounce: BounceHandOff;
  /** Our host name, for DSNs. */
  hostname: string;
  retry?: RetryPolicy;
  limits?: DestinationLimits;
  now?: () => number;
  /** How often to look for due mail when nothing kicks the runner. */
  pollIntervalMs?: number;
  onEvent?: (event: QueueEvent) => void;
  logger?: Logger;
  /**
   * The destination a domain's mail goes to, which `limits.perDomain` applies to: the domain
   * itself by default; behind a smarthost the relay, so it gets that many sessions in all.
   */
  destinationOf?: (domain: string) => string;
  /** The outbound sessions `deliver` keeps open between messages: closed when the runner stops. */
  connections?: { close(): void };
}

/** Due rows read per free slot: a message may have several recipients in one domain. */
const DUE_ROWS_PER_SLOT = 4;
const MIN_DUE_ROWS = 16;
const MAX_DUE_ROWS = 1000;

export class QueueRunner {
  private readonly limiter: DestinationLimiter;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly destinationOf: (domain: string) => string;
  /** dueGroupKey(qid, domain) of the attempts running now, so a tick never starts one twice. */
  private readonly inFlight = new Set<string>();
  /** Attempts running per recipient domain, to tell due() which domains have no room. */
  private readonly domainsInFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly bouncing = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private kickPending = false;
  /** The last tick may have left due mail behind for want of a free slot (true until a tick shows otherwise). */
  private backlog = true;
  /** Ticks that read the spool and kicks asked for; tests read them to see coalescing work. */
  readonly stats = { kicks: 0, ticks: 0, fullSkips: 0 };

  constructor(private readonly options: QueueRunnerOptions) {
    this.limiter = new DestinationLimiter(options.limits ?? DEFAULT_DESTINATION_LIMITS);
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.destinationOf = options.destinationOf ?? ((domain) => domain);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.kick();
    this.armPoll();
  }

  /**
   * Looks for due mail soon (after an enqueue, a finished attempt or `queue retry`) instead of
   * at the next poll. Kicks in one event-loop turn share one tick.
   */
  kick(): void {
    if (!this.started) return;
    this.stats.kicks++;
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.scheduledTick();
    });
  }

  /**
   * Stops starting attempts and waits for the running ones up to `deadlineMs`. Attempts still
   * running then are abandoned: their recipients are still pending in the spool and are tried
   * again after the restart. Returns how many were abandoned.
   */
  async stop(deadlineMs = 10_000): Promise<number> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((resolve) => { timeout = setTimeout(resolve, deadlineMs); }),
    ]);
    clearTimeout(timeout);
    this.options.connections?.close();
    return this.running.size;
  }

  /** Runs ticks until nothing is due and nothing runs (for tests, and `queue flush`). */
  async drain(): Promise<void> {
    while (true) {
      const started = await this.tick();
      if (started === 0 && this.running.size === 0) return;
      await Promise.race(this.running);
    }
  }

  /** One scheduling pass; returns how many attempts it started. */
  tick(): Promise<number> {
    try {
      return Promise.resolve(this.runTick());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private runTick(): number {
    for (const { message, recipients } of this.options.spool.pendingBounces()) {
      if (!this.bouncing.has(message.id)) this.track(this.bounce(message, recipients));
    }
    const free = this.limiter.freeTotal();
    // Every slot busy: nothing could start; the next finished attempt kicks again.
    if (free === 0) { this.stats.fullSkips++; this.backlog = true; return 0; }
    this.stats.ticks++;
    const limit = Math.min(MAX_DUE_ROWS, Math.max(MIN_DUE_ROWS, free * DUE_ROWS_PER_SLOT));
    const skipDomains = [...this.domainsInFlight.keys()].filter((d) => !this.limiter.hasRoom(this.destinationOf(d)));
    const groups = this.options.spool.due(this.now(), { limit, skipDomains, skipGroups: this.inFlight });
    const rows = groups.reduce((n, g) => n + g.recipients.length, 0);
    // At the limit the last message may be cut short: leave it for the next tick, whole.
    const cut = rows >= limit && groups.length > 1;
    if (cut) groups.pop();
    let started = 0;
    let leftBehind = cut || rows >= limit || skipDomains.length > 0;
    for (const { message, recipients } of groups) {
      const byDomain = new Map<string, QueuedRecipient[]>();
      for (const r of recipients) (byDomain.get(r.domain) ?? byDomain.set(r.domain, []).get(r.domain)!).push(r);
      for (const [domain, group] of byDomain) {
        const key = dueGroupKey(message.id, domain);
        const destination = this.destinationOf(domain);
        if (this.inFlight.has(key)) continue;
        if (!this.limiter.tryAcquire(destination)) { leftBehind = true; continue; }
        this.inFlight.add(key);
        this.domainsInFlight.set(domain, (this.domainsInFlight.get(domain) ?? 0) + 1);
        started++;
        this.track(this.attempt(message, domain, group).finally(() => {
          this.inFlight.delete(key);
          const n = this.domainsInFlight.get(domain) ?? 1;
          if (n <= 1) this.domainsInFlight.delete(domain);
          else this.domainsInFlight.set(domain, n - 1);
          this.limiter.release(destination);
          if (this.backlog) this.kick(); // a freed slot may let a waiting group go
        }));
      }
    }
    this.backlog = leftBehind;
    // More may be due than this read returned: look again while slots are free.
    if ((cut || rows >= limit) && started > 0 && this.limiter.freeTotal() > 0) this.kick();
    return started;
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.report({ type: 'error', qid: null, message: String((err as Error)?.message ?? err) }))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async attempt(message: QueuedMessageInfo, domain: string, recipients: QueuedRecipient[]): Promise<void> {
    const addresses = recipients.map((r) => r.address);
    this.report({ type: 'attempt', qid: message.id, domain, recipients: addresses });
    let outcomes: Map<string, RecipientOutcome>;
    try {
      outcomes = await this.options.deliver(domain, {
        from: message.sender, recipients: addresses, size: message.size, openBody: () => this.options.spool.openBody(message.id),
      });
    } catch (err) {
      this.report({ type: 'error', qid: message.id, message: `delivery to ${domain} failed: ${(err as Error)?.message ?? err}` });
      outcomes = new Map();
    }
    const now = this.now();
    const updates: RecipientUpdate[] = [];
    for (const r of recipients) {
      const o = outcomes.get(r.address) ?? { kind: 'temporary', reply: 'internal error during delivery', status: '4.3.0' };
      const remoteMta = o.remoteMta ?? null;
      if (o.kind === 'delivered') {
        updates.push({ address: r.address, state: 'delivered', reply: o.reply, status: o.status, remoteMta });
        this.report({ type: 'delivered', qid: message.id, recipient: r.address, reply: o.reply, remoteMta });
      } else if (o.kind === 'permanent') {
        updates.push({ address: r.address, state: 'failed', reply: o.reply, status: o.status, remoteMta });
        this.report({ type: 'failed', qid: message.id, recipient: r.address, reply: o.reply, status: o.status, expired: false });
      } else {
        const plan = planRetry({ failedAttempts: r.attempts + 1, queuedAt: message.queuedAt, now }, this.retry);
        if (plan.kind === 'retry') {
          updates.push({ address: r.address, state: 'deferred', reply: o.reply, status: o.status, remoteMta, nextAttemptAt: plan.at });
          this.report({ type: 'deferred', qid: message.id, recipient: r.address, reply: o.reply, status: o.status, nextAttemptAt: plan.at });
        } else {
          const reply = `${o.reply} (gave up: in the queue for too long)`;
          updates.push({ address: r.address, state: 'failed', reply, status: o.status, remoteMta });
          this.report({ type: 'failed', qid: message.id, recipient: r.address, reply, status: o.status, expired: true });
        }
      }
    }
    await this.options.spool.recordAttempt(message.id, updates);
    if (updates.some((u) => u.state === 'failed')) {
      const pending = this.options.spool.get(message.id);
      if (pending) await this.bounce(pending, pending.recipients.filter((r) => r.bounce === 'pending'));
    }
  }

  private async bounce(message: QueuedMessageInfo, recipients: QueuedRecipient[]): Promise<void> {
    if (recipients.length === 0 || this.bouncing.has(message.id)) return;
    this.bouncing.add(message.id);
    try {
      const sent = await sendPendingBounce(message, recipients, { spool: this.options.spool, hostname: this.options.hostname, handOff: this.options.handOffBounce, now: this.now });
      if (sent) this.report({ type: 'bounced', qid: message.id, to: message.sender, recipients: recipients.map((r) => r.address) });
    } catch (err) {
      // Stays pending in the spool; the next tick tries again.
      this.report({ type: 'error', qid: message.id, message: `bounce hand-off failed: ${(err as Error)?.message ?? err}` });
    } finally {
      this.bouncing.delete(message.id);
    }
  }

  private scheduledTick(): void {
    if (!this.started) return;
    try {
      this.runTick();
    } catch (err) {
      this.report({ type: 'error', qid: null, message: String((err as Error)?.message ?? err) });
    }
  }

  /** The poll: finds mail whose retry time has come, when nothing else kicks the runner. */
  private armPoll(): void {
    if (!this.started) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.scheduledTick();
      this.armPoll();
    }, this.options.pollIntervalMs ?? 5000);
  }

  private report(event: QueueEvent): void {
    const level = event.type === 'error' ? 'error' : event.type === 'failed' || event.type === 'deferred' ? 'warn' : 'info';
    const { type, ...fields } = event;
    this.logger[level](`queue ${type}`, fields);
    this.options.onEvent?.(event);
  }
}
