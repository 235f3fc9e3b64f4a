// The firewall: the policy from the config (open ports, admin and SSH networks, rate limit),
// whether the ruleset is in force, the blocklist with time left, block/unblock, and apply with
// its 60-second confirmation: an apply that cuts the admin off the panel reverts by itself.

import { useState } from 'preact/hooks';
import type { FirewallStatus } from '../../../shared/api-types.js';
import { api } from '../api.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { useAction, useResource } from '../hooks.js';

function left(seconds: number | null): string {
  if (seconds === null) return '∞';
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${seconds}s`;
}

export function Firewall() {
  const { t } = useApp();
  const fw = useResource<FirewallStatus>('/api/v1/firewall');
  const action = useAction();
  const [ip, setIp] = useState('');
  const [hours, setHours] = useState('24');

  const run = async (fn: () => Promise<unknown>) => { if (await action.run(async () => { await fn(); })) await fw.reload(); };
  const s = fw.data;
  const p = s?.policy;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('firewall.title')}</h1>
      <div class="toolbar">
        {s && <p id="firewall-state"><span class={`badge ${s.helper === 'down' ? 'bad' : s.active ? 'ok' : 'warn'}`}>{s.helper === 'down' ? t('firewall.helperDown') : s.active ? t('firewall.active') : t('firewall.inactive')}</span></p>}
        <button type="button" onClick={() => void fw.reload()}>{t('app.refresh')}</button>
        <button type="button" id="firewall-apply" disabled={action.busy || s?.helper !== 'up'} onClick={() => void run(() => api('POST', '/api/v1/firewall/apply'))}>{t('firewall.apply')}</button>
      </div>
      <StatusLine status={action.status} />
      {s?.error && <p class="error" role="alert">{s.error}</p>}
      {s?.pending && (
        <div class="notice" role="alert" id="firewall-pending">
          <p>{t('firewall.pending', { seconds: s.pending.secondsLeft })}</p>
          <button type="button" onClick={() => void run(() => api('POST', '/api/v1/firewall/confirm'))} disabled={action.busy}>{t('firewall.confirm')}</button>
        </div>
      )}
      <LoadState error={fw.error} loading={!s} />
      {p && (
        <dl class="facts" id="firewall-policy">
          <dt>{t('firewall.open')}</dt><dd>{p.openTcpPorts.join(', ') || '—'}</dd>
          <dt>{t('firewall.rate')}</dt><dd>{p.rateLimitedTcpPorts.join(', ') || '—'}: {p.ratePerMinute}/min, burst {p.rateBurst}</dd>
          <dt>{t('firewall.admin')}</dt><dd>{p.adminTcpPorts.join(', ') || '—'} ← {p.adminNetworks.join(', ') || '—'}</dd>
          <dt>SSH</dt><dd>{p.sshPort ?? '—'} ← {p.sshNetworks.join(', ') || '—'}</dd>
        </dl>
      )}
      <h2>{t('firewall.blocked')}</h2>
      <form class="card inline-form" onSubmit={(e) => { e.preventDefault(); void run(() => api('POST', '/api/v1/firewall/block', { ip: ip.trim(), seconds: Math.round(Number(hours) * 3600) })).then(() => setIp('')); }}>
        <div class="field wide">
          <label for="firewall-ip">{t('firewall.ip')}</label>
          <input id="firewall-ip" required autocomplete="off" spellcheck={false} placeholder="203.0.113.7" value={ip} onInput={(e) => setIp(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="firewall-hours">{t('firewall.hours')}</label>
          <input id="firewall-hours" type="number" min="1" max="8760" required value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={action.busy || s?.helper !== 'up'}>{t('firewall.block')}</button>
      </form>
      {s && (s.blocked.length === 0 ? <p>{t('firewall.noneBlocked')}</p> : (
        <div class="table-wrap">
          <table id="firewall-blocked">
            <thead><tr><th scope="col">{t('firewall.ip')}</th><th scope="col">{t('firewall.left')}</th><th scope="col"><span class="visually-hidden">{t('firewall.unblock')}</span></th></tr></thead>
            <tbody>
              {s.blocked.map((b) => (
                <tr key={b.ip}>
                  <th scope="row"><code>{b.ip}</code></th>
                  <td>{left(b.expiresSeconds)}</td>
                  <td><button type="button" onClick={() => void run(() => api('POST', '/api/v1/firewall/unblock', { ip: b.ip }))} disabled={action.busy} aria-label={`${t('firewall.unblock')}: ${b.ip}`}>{t('firewall.unblock')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {s?.ruleset && <details><summary>{t('firewall.ruleset')}</summary><pre id="firewall-ruleset">{s.ruleset}</pre></details>}
    </section>
  );
}
