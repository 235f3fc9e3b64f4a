// The hardware history the panel graphs, in memory only (it restarts empty with the agent):
// the last hour at full resolution (one sample per sampling interval) and the last seven days
// in five-minute averages. At a 5 s interval that is 720 + 2016 samples; at 1 s, 3600 + 2016.
// The full-resolution hour is kept as JSON text, not objects: a sample's object graph takes
// about 2.5 times the heap of its text (boxed numbers, per-sample strings), and the hour is
// read only when the panel draws a graph. Measured on the 2-core development VM, an hour at 1 s:
// 5.9 MB of heap as objects, 3.6 MB as text (the five-minute bucket being filled stays objects).

import type { MetricsHistory, MetricsSample } from '../../ui/shared/api-types.js';
import { downsample } from './downsample.js';
import { RingBuffer } from './ring-buffer.js';

export const FULL_RESOLUTION_SECONDS = 3600;
export const COARSE_BUCKET_SECONDS = 300;
export const COARSE_SPAN_SECONDS = 7 * 24 * 3600;

export class MetricsHistoryStore {
  private readonly full: RingBuffer<string>;
  private newest: MetricsSample | null = null;
  private readonly coarse = new RingBuffer<MetricsSample>(COARSE_SPAN_SECONDS / COARSE_BUCKET_SECONDS);
  private bucket: MetricsSample[] = [];
  private bucketStart: number | null = null;

  constructor(private readonly intervalSeconds: number) {
    this.full = new RingBuffer(Math.max(1, Math.ceil(FULL_RESOLUTION_SECONDS / intervalSeconds)));
  }

  add(sample: MetricsSample): void {
    this.full.push(JSON.stringify(sample));
    this.newest = sample;
    const start = Math.floor(sample.time / (COARSE_BUCKET_SECONDS * 1000)) * COARSE_BUCKET_SECONDS * 1000;
    if (this.bucketStart !== null && start !== this.bucketStart) this.closeBucket();
    this.bucketStart = start;
    this.bucket.push(sample);
  }

  latest(): MetricsSample | null {
    return this.newest;
  }

  history(range: '1h' | '7d'): MetricsHistory {
    if (range === '1h') return { range, resolution: this.intervalSeconds, samples: this.full.toArray().map((text) => JSON.parse(text) as MetricsSample) };
    // The bucket still filling is shown too, so the newest five minutes are not missing.
    const open = this.bucket.length > 0 && this.bucketStart !== null ? [downsample(this.bucket, this.bucketStart)] : [];
    return { range, resolution: COARSE_BUCKET_SECONDS, samples: [...this.coarse.toArray(), ...open] };
  }

  private closeBucket(): void {
    if (this.bucket.length > 0 && this.bucketStart !== null) this.coarse.push(downsample(this.bucket, this.bucketStart));
    this.bucket = [];
  }
}
