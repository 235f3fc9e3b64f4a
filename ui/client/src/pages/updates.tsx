// Updates: what runs and in which slot, what is pending (signed bundles in the bundle directory,
// Debian's packages, security ones marked) as of the last check, the maintenance window, and
// what happened (installed, refused, rolled back, with the reason and the packages changed).
// Check now and install now go through the agent to the privileged helper.

import type { UpdateCheckView, UpdatesStatusResponse } from '../../../shared/api-types.js';
import { api } from '../api.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { useAction, useResource } from '../hooks.js';

export function Updates() {
  const { t, lang } = useApp();
  const res = useResource<UpdatesStatusResponse>('/api/v1/updates');
  const action = useAction();

  const run = async (fn: () => Promise<unknown>) => {
    await action.run(async () => { await fn(); });
    await res.reload();
  };
  const s = res.data;
  const check = s?.lastCheck ?? null;
  const bundles = check?.bundles ?? [];
  const pendingBundle = bundles.find((b) => b.newer && !b.error) ?? null;
  const apt = check?.apt ?? null;
  const upgrades = apt?.pending.filter((p) => p.to !== null) ?? [];

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('updates.title')}</h1>
      <div class="toolbar">
        {s && <p id="updates-running">{t('updates.running', { version: s.running.version, slot: s.running.slot ?? '—' })}</p>}
        <button type="button" disabled={action.busy} onClick={() => void run(() => api<UpdateCheckView>('POST', '/api/v1/updates/check'))}>{t('updates.checkNow')}</button>
      </div>
      <StatusLine status={action.status} />
      <LoadState error={res.error} loading={!s} />
      {s && (
        <>
          <p>{s.window.enabled ? t('updates.windowOn', { cron: s.window.cron, next: s.window.next ? formatTime(s.window.next, lang) : '—' }) : t('updates.windowOff')}</p>
          <h2>{t('updates.pending')}</h2>
          {!check && <p>{t('updates.neverChecked')}</p>}
          {check && <p><small>{t('updates.checkedAt', { time: formatTime(check.checkedAt, lang) })}</small></p>}
          <h3>{t('updates.bundles')}</h3>
          {check && bundles.length === 0 && <p>{t('updates.noBundles')}</p>}
          {bundles.length > 0 && (
            <ul id="updates-bundles" class="plain">
              {bundles.map((b) => (
                <li key={b.file}>
                  <code>{b.file.split('/').pop()}</code>{' '}
                  {b.error ? <span class="badge bad">{t('updates.refused')}: {b.error.message}</span>
                    : <><strong>{b.version}</strong> <span class={`badge ${b.newer ? 'warn' : ''}`}>{b.newer ? t('updates.newer') : t('updates.notNewer')}</span></>}
                </li>
              ))}
            </ul>
          )}
          {pendingBundle && (
            <button type="button" disabled={action.busy} onClick={() => void run(() => api('POST', '/api/v1/updates/apply', { kind: 'bundle', file: pendingBundle.file.split('/').pop() }))}>
              {t('updates.installBundle', { version: pendingBundle.version ?? '' })}
            </button>
          )}
          <h3>{t('updates.packages')}</h3>
          {apt?.error && <p class="badge bad">{apt.error.message}</p>}
          {apt && !apt.error && upgrades.length === 0 && <p>{t('updates.noPackages')}</p>}
          {upgrades.length > 0 && (
            <div class="table-wrap">
              <table id="updates-packages">
                <thead><tr><th scope="col">{t('updates.package')}</th><th scope="col">{t('updates.installed')}</th><th scope="col">{t('updates.new')}</th><th scope="col">{t('updates.source')}</th></tr></thead>
                <tbody>
                  {upgrades.map((p) => (
                    <tr key={p.package}>
                      <th scope="row">{p.package}</th><td>{p.from ?? '—'}</td><td>{p.to}</td>
                      <td>{p.security ? <span class="badge bad">{t('updates.security')}</span> : p.origins.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {upgrades.some((p) => p.security) && (
            <button type="button" disabled={action.busy} onClick={() => void run(() => api('POST', '/api/v1/updates/apply', { kind: 'apt' }))}>{t('updates.installSecurity')}</button>
          )}
          <h2>{t('updates.history')}</h2>
          {s.history.length === 0 ? <p>{t('updates.noHistory')}</p> : (
            <div class="table-wrap">
              <table id="updates-history">
                <thead><tr><th scope="col">{t('updates.when')}</th><th scope="col">{t('updates.what')}</th><th scope="col">{t('updates.outcome')}</th><th scope="col">{t('updates.by')}</th></tr></thead>
                <tbody>
                  {s.history.map((h) => (
                    <tr key={h.id}>
                      <td>{formatTime(h.startedAt, lang)}</td>
                      <td>{h.kind === 'bundle' ? `${h.fromVersion ?? '?'} → ${h.toVersion ?? '?'}` : (
                        h.changes.length === 0 ? t('updates.noPackageChanged') : <ul class="plain">{h.changes.map((c) => <li key={c.package}>{c.package}: {c.from ?? '—'} → {c.to ?? '—'}</li>)}</ul>
                      )}</td>
                      <td><span class={`badge ${h.outcome === 'installed' ? 'ok' : h.outcome === 'nothing' || h.outcome === 'running' ? '' : 'bad'}`}>{h.outcome}</span>{h.reason && <small class="reply"><br />{h.reason}</small>}</td>
                      <td>{h.trigger}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
