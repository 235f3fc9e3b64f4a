// The outbound scheduler. Each tick takes the due recipients from the spool, groups them by
// message and domain (one SMTP transaction carries every recipient of a domain), starts as many
// attempts as the destination limits allow, stores each outcome (delivered, deferred per the
// retry schedule, failed on a 5xx or on expiry) and hands bounces off. All state lives in the
// spool, so a restart picks up exactly where the last committed outcome left off.

import { silentLogger, type Logger } from '../../core/log.js';
import { sendPendingBounce, type BounceHandOff } from './bounce-sender.js';
import { DEFAULT_DESTINATION_LIMITS, DestinationLimiter, type DestinationLimits } from './destination-limiter.js';
import type { MessageForDelivery } from './domain-delivery.js';
import type { QueueEvent } from './queue-events.js';
import { DEFAULT_RETRY_POLICY, planRetry, type RetryPolicy } from './retry-schedule.js';
import type { RecipientOutcome } from './smtp-reply.js';
import type { OutboundSpool, QueuedMessage, QueuedRecipient, RecipientUpdate } from './spool.js';

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
}

export class QueueRunner {
  private readonly limiter: DestinationLimiter;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;
  /** `qid\0domain` of the attempts running now, so a tick never starts one twice. */
  private readonly inFlight = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly bouncing = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private started = false;
  private ticking: Promise<number> | null = null;

  constructor(private readonly options: QueueRunnerOptions) {
    this.limiter = new DestinationLimiter(options.limits ?? DEFAULT_DESTINATION_LIMITS);
    this.now = options.now ?? Date.now;
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Looks for due mail now (after an enqueue or `queue retry`) instead of at the next poll. */
  kick(): void {
    if (this.started) this.schedule(0);
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
      Promise.allSettled([...this.running, this.ticking]),
      new Promise<void>((resolve) => { timeout = setTimeout(resolve, deadlineMs); }),
    ]);
    clearTimeout(timeout);
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
    // Overlapping ticks would read the same due rows; the second simply waits for the first.
    this.ticking ??= this.runTick().finally(() => { this.ticking = null; });
    return this.ticking;
  }

  private async runTick(): Promise<number> {
    let started = 0;
    for (const { message, recipients } of this.options.spool.pendingBounces()) this.track(this.bounce(message, recipients));
    const now = this.now();
    for (const { message, recipients } of this.options.spool.due(now)) {
      const byDomain = new Map<string, QueuedRecipient[]>();
      for (const r of recipients) (byDomain.get(r.domain) ?? byDomain.set(r.domain, []).get(r.domain)!).push(r);
      for (const [domain, group] of byDomain) {
        const key = `${message.id}\0${domain}`;
        if (this.inFlight.has(key) || !this.limiter.tryAcquire(domain)) continue;
        this.inFlight.add(key);
        started++;
        this.track(this.attempt(message, domain, group).finally(() => {
          this.inFlight.delete(key);
          this.limiter.release(domain);
          this.kick(); // a freed slot may let a waiting group go
        }));
      }
    }
    return started;
  }

  private track(p: Promise<void>): void {
    const tracked = p.catch((err) => this.report({ type: 'error', qid: null, message: String((err as Error)?.message ?? err) }))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private async attempt(message: QueuedMessage, domain: string, recipients: QueuedRecipient[]): Promise<void> {
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

  private async bounce(message: QueuedMessage, recipients: QueuedRecipient[]): Promise<void> {
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

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick().catch((err) => this.report({ type: 'error', qid: null, message: String((err as Error)?.message ?? err) }))
        .finally(() => { if (this.started && !this.timer) this.schedule(this.options.pollIntervalMs ?? 5000); });
    }, delayMs);
  }

  private report(event: QueueEvent): void {
    const level = event.type === 'error' ? 'error' : event.type === 'failed' || event.type === 'deferred' ? 'warn' : 'info';
    const { type, ...fields } = event;
    this.logger[level](`queue ${type}`, fields);
    this.options.onEvent?.(event);
  }
}
