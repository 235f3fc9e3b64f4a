// Samples the hardware every `intervalMs` into the in-memory history and tells listeners (the
// websocket's `metrics` channel, the Prometheus endpoint reads the latest); reads SMART and md
// RAID state every `smartIntervalMs`. Samples never overlap: the next one is scheduled when the
// last has finished, so a slow disk cannot pile reads up.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../../core/log.js';
import type { MetricsHistory, MetricsSample, RaidArray, SmartReport } from '../../ui/shared/api-types.js';
import type { HardwareProbe } from './hardware-probe.js';
import { parseMdstat } from './mdstat.js';
import { MetricsHistoryStore } from './metrics-history.js';

export interface HardwareMonitorOptions {
  probe: HardwareProbe;
  intervalMs: number;
  readSmart: () => Promise<SmartReport>;
  smartIntervalMs: number;
  /** Where /proc is (tests); "/" on a real machine. */
  root?: string;
  logger?: Logger;
}

export class HardwareMonitor {
  private readonly store: MetricsHistoryStore;
  private readonly listeners = new Set<(sample: MetricsSample) => void>();
  private readonly logger: Logger;
  private sampleTimer: NodeJS.Timeout | null = null;
  private smartTimer: NodeJS.Timeout | null = null;
  private running = false;
  private smartReport: SmartReport = { checkedAt: null, available: false, error: 'not checked yet', devices: [] };
  private raidArrays: RaidArray[] = [];
  private inFlight: Promise<unknown> | null = null;

  constructor(private readonly options: HardwareMonitorOptions) {
    this.store = new MetricsHistoryStore(options.intervalMs / 1000);
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.options.probe.prime().catch((err: unknown) => this.logger.warn('hardware probe failed', { err }));
    this.scheduleSample(this.options.intervalMs);
    // SMART and RAID once at start, so alerts and the panel have them from the first minute.
    this.scheduleHealth(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.sampleTimer) clearTimeout(this.sampleTimer);
    if (this.smartTimer) clearTimeout(this.smartTimer);
    this.sampleTimer = this.smartTimer = null;
    await this.inFlight?.catch(() => undefined);
  }

  /** Called with every new sample; returns the unsubscribe function. */
  onSample(listener: (sample: MetricsSample) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  latest(): MetricsSample | null {
    return this.store.latest();
  }

  history(range: '1h' | '7d'): MetricsHistory {
    return this.store.history(range);
  }

  smart(): SmartReport {
    return this.smartReport;
  }

  raid(): RaidArray[] {
    return this.raidArrays;
  }

  /** Takes one sample now (tests, and the bench). */
  async sampleNow(): Promise<MetricsSample> {
    const sample = await this.options.probe.sample();
    this.store.add(sample);
    for (const l of this.listeners) {
      try { l(sample); } catch (err) { this.logger.warn('metrics listener failed', { err }); }
    }
    return sample;
  }

  /** Reads SMART and /proc/mdstat now. */
  async checkHealthNow(): Promise<void> {
    const [smart, mdstat] = await Promise.all([
      this.options.readSmart().catch((err: unknown): SmartReport => ({ checkedAt: new Date().toISOString(), available: false, error: (err as Error).message, devices: [] })),
      readFile(path.join(this.options.root ?? '/', 'proc/mdstat'), 'utf8').catch(() => ''),
    ]);
    this.smartReport = smart;
    this.raidArrays = parseMdstat(mdstat);
  }

  private scheduleSample(delay: number): void {
    if (!this.running) return;
    this.sampleTimer = setTimeout(() => {
      const run = this.sampleNow().catch((err: unknown) => { this.logger.warn('hardware sample failed', { err }); });
      this.inFlight = run;
      void run.finally(() => this.scheduleSample(this.options.intervalMs));
    }, delay);
    this.sampleTimer.unref();
  }

  private scheduleHealth(delay: number): void {
    if (!this.running) return;
    this.smartTimer = setTimeout(() => {
      void this.checkHealthNow().catch((err: unknown) => this.logger.warn('SMART/RAID check failed', { err }))
        .finally(() => this.scheduleHealth(this.options.smartIntervalMs));
    }, delay);
    this.smartTimer.unref();
  }
}
