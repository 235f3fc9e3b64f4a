// The dashboard: is everything up, the machine's live charts (the last hour from the history,
// then each sample from the websocket), and today's mail counters.

import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MailStats, MetricsHistory, MetricsSample, SystemInfo } from '../../../shared/api-types.js';
import { LineChart } from '../components/line-chart.js';
import { LoadState } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatDuration, formatNumber, percent } from '../format.js';
import { useLive, useResource } from '../hooks.js';

/** An hour at one sample a second: older points fall off the left. */
const MAX_POINTS = 3600;
const STATS_REFRESH_MS = 10_000;

interface Series {
  time: number[];
  cpu: number[];
  mem: number[];
  rx: number[];
  tx: number[];
}

const emptySeries = (): Series => ({ time: [], cpu: [], mem: [], rx: [], tx: [] });

function appendSample(s: Series, sample: MetricsSample): Series {
  const t = sample.time / 1000;
  if (s.time.length && t <= s.time[s.time.length - 1]!) return s;
  const cut = (a: number[], v: number) => (a.length >= MAX_POINTS ? [...a.slice(a.length - MAX_POINTS + 1), v] : [...a, v]);
  const rx = sample.network.reduce((sum, n) => sum + n.rxBytesPerSec, 0) / 1024;
  const tx = sample.network.reduce((sum, n) => sum + n.txBytesPerSec, 0) / 1024;
  return {
    time: cut(s.time, t),
    cpu: cut(s.cpu, sample.cpu.usage),
    mem: cut(s.mem, percent(sample.memory.used, sample.memory.total)),
    rx: cut(s.rx, rx),
    tx: cut(s.tx, tx),
  };
}

export function Dashboard() {
  const { t, lang } = useApp();
  const system = useResource<SystemInfo>('/api/v1/system');
  const stats = useResource<MailStats>('/api/v1/stats');
  const history = useResource<MetricsHistory>('/api/v1/metrics/history?range=1h');
  const [series, setSeries] = useState<Series>(emptySeries);

  useEffect(() => {
    if (history.data) setSeries(history.data.samples.reduce(appendSample, emptySeries()));
  }, [history.data]);

  useEffect(() => {
    const timer = setInterval(() => { void stats.reload(); void system.reload(); }, STATS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [stats.reload, system.reload]);

  useLive((m) => {
    if (m.type === 'metrics') setSeries((s) => appendSample(s, m.sample));
    else if (m.type === 'queue') stats.setData((old) => (old ? { ...old, queue: m.summary } : old));
    else if (m.type === 'deliveries') void stats.reload();
  });

  const cpuSeries = useMemo(() => [{ label: t('dash.cpu'), color: '#2f6fde' }], [t]);
  const memSeries = useMemo(() => [{ label: t('dash.memory'), color: '#1f9d6b' }], [t]);
  const netSeries = useMemo(() => [{ label: t('dash.rx'), color: '#8a4fd8' }, { label: t('dash.tx'), color: '#d2691e' }], [t]);
  const cpuData = useMemo(() => [series.time, series.cpu] as [number[], number[]], [series]);
  const memData = useMemo(() => [series.time, series.mem] as [number[], number[]], [series]);
  const netData = useMemo(() => [series.time, series.rx, series.tx] as [number[], number[], number[]], [series]);
  const last = (a: number[]) => (a.length ? formatNumber(a[a.length - 1]!, lang, 1) : '–');

  const sys = system.data;
  const st = stats.data;
  const counters: [string, number | undefined][] = [
    [t('dash.received'), st?.received], [t('dash.submitted'), st?.submitted], [t('dash.delivered'), st?.delivered],
    [t('dash.deferred'), st?.deferred], [t('dash.failed'), st?.failed], [t('dash.bounced'), st?.bounced],
    [t('dash.refused'), st?.refused], [t('dash.queued'), st?.queue.messages],
  ];

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('dash.title')}</h1>
      <section class="card" aria-labelledby="health-title">
        <h2 id="health-title">{t('dash.health')}</h2>
        <LoadState error={system.error} loading={!sys} />
        {sys && (
          <dl class="facts">
            <div><dt>{t('dash.host')}</dt><dd>{sys.hostname}</dd></div>
            <div><dt>{t('dash.agent')}</dt><dd><span class="badge ok">{t('dash.up')}</span> {t('dash.uptime', { time: formatDuration(sys.uptime) })}</dd></div>
            <div>
              <dt>{t('dash.mailDaemon')}</dt>
              <dd id="mail-daemon-state">
                {sys.mailDaemon.up
                  ? <><span class="badge ok">{t('dash.up')}</span> {sys.mailDaemon.uptime !== null && t('dash.uptime', { time: formatDuration(sys.mailDaemon.uptime) })}</>
                  : <span class="badge bad">{t('dash.down')}</span>}
              </dd>
            </div>
            <div><dt>{t('dash.cpu')}</dt><dd>{sys.cpu.count} × {sys.cpu.model}</dd></div>
          </dl>
        )}
      </section>
      <section class="card" aria-labelledby="today-title">
        <h2 id="today-title">{t('dash.today')}</h2>
        <LoadState error={stats.error} loading={!st} />
        <ul class="counters" id="mail-today">
          {counters.map(([label, value]) => (
            <li key={label}><span class="counter-value">{value === undefined ? '–' : formatNumber(value, lang)}</span><span class="counter-label">{label}</span></li>
          ))}
        </ul>
      </section>
      <div class="charts">
        <LineChart timeLabel={t('logs.time')} id="chart-cpu" title={t('dash.cpuChart')} series={cpuSeries} data={cpuData} yMax={100} summary={`${t('dash.cpu')}: ${last(series.cpu)} %`} />
        <LineChart timeLabel={t('logs.time')} id="chart-memory" title={t('dash.memChart')} series={memSeries} data={memData} yMax={100} summary={`${t('dash.memory')}: ${last(series.mem)} %`} />
        <LineChart timeLabel={t('logs.time')} id="chart-network" title={t('dash.netChart')} series={netSeries} data={netData} summary={`${t('dash.rx')}: ${last(series.rx)} KB/s, ${t('dash.tx')}: ${last(series.tx)} KB/s`} />
      </div>
      <LoadState error={history.error} loading={false} />
    </section>
  );
}
