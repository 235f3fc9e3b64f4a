// What the panel watches: system and hardware, the metric history, today's mail counters,
// alerts, the mail daemon's recent log lines, and the audit log.

import type { AlertsResponse, AuditEntry, LogLine, MailStats, MetricsHistory, SystemInfo } from '../../shared/api-types.js';
import { ApiError } from '../api-error.js';
import { route, SENT, type ApiRoute } from '../api-route.js';
import type { AdminServerDeps } from '../deps.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function limitParam(value: string | null, fallback: number, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new ApiError(400, 'invalid_request', '"limit" must be a positive whole number');
  return Math.min(Number(value), max);
}

export function observabilityRoutes(deps: AdminServerDeps): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/api/v1/system', tag: 'system', access: 'session', summary: 'Host name, versions, uptime, CPU, memory, disks, SMART, RAID',
      async handle(): Promise<SystemInfo> { return deps.systemInfo(); },
    }),
    route({
      method: 'get', path: '/api/v1/metrics/history', tag: 'system', access: 'session', summary: 'Hardware samples: the last hour at full resolution, or seven days in five-minute averages',
      query: [{ name: 'range', description: '"1h" (default) or "7d"' }],
      async handle({ query }): Promise<MetricsHistory> {
        const range = query.get('range') ?? '1h';
        if (range !== '1h' && range !== '7d') throw new ApiError(400, 'invalid_request', '"range" must be 1h or 7d');
        return deps.monitoring.history(range);
      },
    }),
    route({
      method: 'get', path: '/api/v1/stats', tag: 'mail', access: 'session', summary: 'Mail counted today (in, out, refused) and the queue\'s size',
      async handle(): Promise<MailStats> { return deps.control.stats(); },
    }),
    route({
      method: 'get', path: '/api/v1/alerts', tag: 'system', access: 'session', summary: 'Alerts firing now and the latest changes',
      async handle(): Promise<AlertsResponse> { return { active: deps.alerts.list(), recent: deps.alerts.recent(50) }; },
    }),
    route({
      method: 'get', path: '/api/v1/logs', tag: 'system', access: 'session', summary: 'The mail daemon\'s recent log lines, oldest first',
      query: [{ name: 'limit', description: 'at most this many (default 200)', type: 'integer' }, { name: 'level', description: 'debug, info, warn or error: this level and above' }],
      async handle({ query }): Promise<LogLine[]> {
        const level = query.get('level');
        if (level !== null && !(LEVELS as readonly string[]).includes(level)) throw new ApiError(400, 'invalid_request', '"level" must be debug, info, warn or error');
        return deps.control.logs({ limit: limitParam(query.get('limit'), 200, 2000), ...(level ? { level: level as (typeof LEVELS)[number] } : {}) });
      },
    }),
    route({
      method: 'get', path: '/api/v1/audit', tag: 'system', access: 'session', summary: 'The audit log, newest first',
      query: [{ name: 'limit', description: 'at most this many (default 100)', type: 'integer' }],
      async handle({ query }): Promise<AuditEntry[]> { return deps.audit.recent(limitParam(query.get('limit'), 100, 1000)); },
    }),
    route({
      method: 'get', path: '/api/v1/events', tag: 'system', access: 'session',
      summary: 'The live websocket (channels metrics, logs, queue, deliveries, alerts, jobs); a plain GET gets 426',
      response: { status: 101, description: 'Switching to the websocket protocol' },
      async handle() { throw new ApiError(426, 'upgrade_required', 'this is a websocket: connect with Upgrade: websocket'); },
    }),
    route({
      method: 'get', path: '/metrics', tag: 'system', access: 'metrics', summary: 'Prometheus metrics (bearer token)',
      response: { description: 'Prometheus text format 0.0.4', contentType: 'text/plain; version=0.0.4', schema: { type: 'string' } },
      async handle({ res }) {
        res.set({ 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' }).send(await deps.prometheus());
        return SENT;
      },
    }),
    route({
      method: 'get', path: '/api/v1/health', tag: 'system', access: 'public', summary: 'The agent answers',
      async handle() { return { status: 'ok' }; },
    }),
  ];
}
