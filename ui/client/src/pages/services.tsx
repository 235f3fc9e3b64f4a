// Services and hardware: each service and whether it answers (mail daemon, agent, helper,
// rspamd, clamd), each configured listener and whether it accepts a connection (with the TLS
// certificate's expiry), versions, disks, SMART, RAID and temperatures.

import type { ListenerStatus, ServicesReport, ServiceStatus, SystemInfo } from '../../../shared/api-types.js';
import { useWords, type Words } from '../components/panel-words.js';
import '../components/panel-pages.css';
import { LoadState } from '../components/status-line.js';
import { UsageBar } from '../components/usage-bar.js';
import { useApp } from '../context.js';
import { formatBytes, formatDuration, formatTime } from '../format.js';
import { useResource } from '../hooks.js';

export function Services() {
  const { t, lang } = useApp();
  const w = useWords();
  const system = useResource<SystemInfo>('/api/v1/system');
  const probes = useResource<ServicesReport>('/api/v1/services');
  const s = system.data;
  const p = probes.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('services.title')}</h1>
      <div class="toolbar"><button type="button" id="services-refresh" onClick={() => { void system.reload(); void probes.reload(); }}>{t('app.refresh')}</button></div>
      <section class="card" aria-labelledby="svc-title">
        <h2 id="svc-title">{w('services.live')}</h2>
        <LoadState error={probes.error} loading={!p} />
        {p && (
          <>
            <div class="table-wrap">
              <table id="services-table">
                <thead><tr><th scope="col">{t('services.service')}</th><th scope="col">{t('services.state')}</th><th scope="col">{t('services.versions')}</th></tr></thead>
                <tbody>{p.services.map((x) => <ServiceRow key={x.name} service={x} w={w} />)}</tbody>
              </table>
            </div>
            <h3 id="ports-title">{w('services.listeners')}</h3>
            <div class="table-wrap">
              <table id="listeners-table" aria-labelledby="ports-title">
                <thead><tr><th scope="col">{w('services.listener')}</th><th scope="col">{w('services.address')}</th><th scope="col">{t('services.state')}</th><th scope="col">{w('services.certificate')}</th></tr></thead>
                <tbody>{p.listeners.map((l) => <ListenerRow key={l.name} listener={l} w={w} />)}</tbody>
              </table>
            </div>
            <p class="muted"><small>{w('services.checkedAt', { time: formatTime(p.checkedAt, lang) })}</small></p>
          </>
        )}
      </section>
      <LoadState error={system.error} loading={!s} />
      {s && (
        <>
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

function ServiceRow({ service, w }: { service: ServiceStatus; w: Words }) {
  return (
    <tr data-service={service.name} data-state={service.state}>
      <th scope="row">{w(`services.name.${service.name}`)}</th>
      <td>
        <span class={`badge ${service.state === 'up' ? 'ok' : 'bad'}`}>{w(service.state === 'up' ? 'services.up' : 'services.down')}</span>
        {service.uptime !== undefined && ` ${formatDuration(service.uptime)}`}
        {service.detail && <small class="muted"> {service.detail}</small>}
      </td>
      <td>{service.version ?? '–'}</td>
    </tr>
  );
}

function ListenerRow({ listener, w }: { listener: ListenerStatus; w: Words }) {
  const { lang } = useApp();
  const badge = listener.state === 'listening' ? 'ok' : listener.state === 'closed' ? 'bad' : '';
  let cert = '–';
  if (listener.certificateExpires) {
    const days = Math.floor((Date.parse(listener.certificateExpires) - Date.now()) / 86_400_000);
    const date = formatTime(listener.certificateExpires, lang);
    cert = days < 0 ? w('services.expired', { date }) : w('services.expires', { date, days });
  } else if (listener.tlsError) {
    cert = listener.tlsError;
  }
  return (
    <tr data-listener={listener.name} data-state={listener.state}>
      <th scope="row">{listener.name}{listener.tls && ' (TLS)'}</th>
      <td><code>{listener.address ?? '–'}</code></td>
      <td>
        <span class={`badge ${badge}`}>{w(`services.${listener.state}`)}</span>
        {listener.error && <small class="muted"> {listener.error}</small>}
      </td>
      <td>{cert}</td>
    </tr>
  );
}
