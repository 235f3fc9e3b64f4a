// Services and hardware: whether the mail daemon and the agent answer, versions, disks, SMART,
// RAID and temperatures. Listening ports are not reported by the agent's API yet.

import type { SystemInfo } from '../../../shared/api-types.js';
import { LoadState } from '../components/status-line.js';
import { UsageBar } from '../components/usage-bar.js';
import { useApp } from '../context.js';
import { formatBytes, formatDuration, formatTime } from '../format.js';
import { useResource } from '../hooks.js';

export function Services() {
  const { t, lang } = useApp();
  const system = useResource<SystemInfo>('/api/v1/system');
  const s = system.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('services.title')}</h1>
      <div class="toolbar"><button type="button" onClick={() => void system.reload()}>{t('app.refresh')}</button></div>
      <LoadState error={system.error} loading={!s} />
      {s && (
        <>
          <section class="card" aria-labelledby="svc-title">
            <h2 id="svc-title">{t('services.service')}</h2>
            <div class="table-wrap">
              <table id="services-table">
                <thead><tr><th scope="col">{t('services.service')}</th><th scope="col">{t('services.state')}</th></tr></thead>
                <tbody>
                  <tr><th scope="row">mailroom-agent</th><td><span class="badge ok">{t('dash.up')}</span></td></tr>
                  <tr>
                    <th scope="row">mailroom-mail</th>
                    <td>{s.mailDaemon.up ? <><span class="badge ok">{t('dash.up')}</span> {s.mailDaemon.uptime !== null && t('dash.uptime', { time: formatDuration(s.mailDaemon.uptime) })}</> : <span class="badge bad">{t('dash.down')}</span>}</td>
                  </tr>
                </tbody>
              </table>
            </div>
            <p class="muted">{t('services.ports')}</p>
          </section>
          <section class="card" aria-labelledby="ver-title">
            <h2 id="ver-title">{t('services.versions')}</h2>
            <dl class="facts">
              <div><dt>Mailroom</dt><dd>{s.versions.mailroom}</dd></div>
              <div><dt>{t('dash.mailDaemon')}</dt><dd>{s.versions.mailDaemon ?? '–'}</dd></div>
              <div><dt>Node.js</dt><dd>{s.versions.node}</dd></div>
              <div><dt>OS</dt><dd>{s.versions.os}</dd></div>
              <div><dt>Kernel</dt><dd>{s.versions.kernel}</dd></div>
              <div><dt>{t('dash.host')}</dt><dd>{s.hostname}, {t('dash.uptime', { time: formatDuration(s.uptime) })}</dd></div>
            </dl>
          </section>
          <section class="card" aria-labelledby="disk-title">
            <h2 id="disk-title">{t('services.disks')}</h2>
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{t('services.mount')}</th><th scope="col">{t('services.used')}</th></tr></thead>
                <tbody>
                  {s.disks.map((d) => (
                    <tr key={d.mount}>
                      <th scope="row">{d.mount} <small class="muted">{d.device} ({d.fsType})</small></th>
                      <td class="usage-cell"><UsageBar value={d.usedPercent} label={`${t('services.used')}: ${d.mount}`} text={`${formatBytes(d.used, lang)} / ${formatBytes(d.size, lang)} (${Math.round(d.usedPercent)} %)`} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section class="card" aria-labelledby="smart-title">
            <h2 id="smart-title">{t('services.smart')}</h2>
            {!s.smart.available && <p class="muted">{t('services.smartUnavailable', { error: s.smart.error ?? '–' })}</p>}
            {s.smart.devices.length === 0 ? <p>{t('app.none')}</p> : (
              <ul class="plain">
                {s.smart.devices.map((d) => (
                  <li key={d.device}>
                    <strong>{d.device}</strong> {d.model ?? ''}{' '}
                    <span class={`badge ${d.passed === false ? 'bad' : d.passed ? 'ok' : ''}`}>{d.passed === null ? t('services.unknown') : d.passed ? t('services.passed') : t('services.failing')}</span>
                    {d.temperature !== null && ` ${d.temperature} °C`}
                  </li>
                ))}
              </ul>
            )}
            {s.smart.checkedAt && <p class="muted"><small>{formatTime(s.smart.checkedAt, lang)}</small></p>}
          </section>
          <section class="card" aria-labelledby="raid-title">
            <h2 id="raid-title">{t('services.raid')}</h2>
            {s.raid.length === 0 ? <p>{t('app.none')}</p> : (
              <ul class="plain">
                {s.raid.map((r) => (
                  <li key={r.name}>
                    <strong>{r.name}</strong> {r.level ?? ''} {r.state} {r.working !== null && r.expected !== null && `[${r.working}/${r.expected}]`}
                    {r.degraded && <span class="badge bad">{t('services.degraded')}</span>}
                    {r.sync && ` ${r.sync.action} ${r.sync.percent} %`}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="temp-title">
            <h2 id="temp-title">{t('services.temperatures')}</h2>
            {s.temperatures.length === 0 ? <p>{t('app.none')}</p> : (
              <ul class="plain">{s.temperatures.map((x) => <li key={x.sensor}>{x.sensor}: {x.celsius} °C</li>)}</ul>
            )}
          </section>
        </>
      )}
    </section>
  );
}
