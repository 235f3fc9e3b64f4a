// The websocket at /api/v1/events: every message is a JSON object whose `type` names its
// channel. The server sends every channel unless the client narrows them with a subscribe
// message. The panel imports these types; ui/server's hub sends nothing else.

import type { Alert, DeliveryEvent, LogLine, MetricsSample, QueueSummary } from './api-types.js';
import type { BackupRun } from './api-types.js';

export const WS_CHANNELS = ['metrics', 'logs', 'queue', 'deliveries', 'alerts', 'jobs', 'backup'] as const;
export type WsChannel = (typeof WS_CHANNELS)[number];

/** A long-running job of the agent (backup, update, certificate); none exist yet. */
export interface JobStatus {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: number | null;
  message: string | null;
  time: string;
}

export type WsMessage =
  /** A new hardware sample, at the sampling interval. */
  | { type: 'metrics'; sample: MetricsSample }
  /** A log line of the mail daemon. */
  | { type: 'logs'; line: LogLine }
  /** The outbound queue changed; its new size. */
  | { type: 'queue'; summary: QueueSummary; time: string }
  /** The queue delivered, deferred or failed a recipient, or sent a DSN. */
  | { type: 'deliveries'; delivery: DeliveryEvent; time: string }
  /** An alert started firing or was resolved. */
  | { type: 'alerts'; alert: Alert }
  | { type: 'jobs'; job: JobStatus }
  /** A backup run started, progressed (at most twice a second) or finished. */
  | { type: 'backup'; run: BackupRun };

/** From the client: only these channels from now on (an empty list pauses everything). */
export type WsClientMessage = { type: 'subscribe'; channels: WsChannel[] };

export function isWsChannel(value: unknown): value is WsChannel {
  return typeof value === 'string' && (WS_CHANNELS as readonly string[]).includes(value);
}
