// Quotas: the disk against its free-space reserve, every domain (all its accounts together) and
// every account against its quota, with usage bars; a domain's quota can be changed here
// (accounts' quotas on the Users page).

import { useState } from 'preact/hooks';
import type { QuotaReport } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { UsageBar } from '../components/usage-bar.js';
import { useApp } from '../context.js';
import { formatBytes, formatNumber, percent } from '../format.js';
import { useAction, useResource } from '../hooks.js';
import { formatSizeInput } from '../size-input.js';

export function Quota() {
  const { t, lang } = useApp();
  const report = useResource<QuotaReport>('/api/v1/quota');
  const action = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  const [value, setValue] = useState('');

  const size = (bytes: number | null) => (bytes === null ? t('quota.unlimited') : formatBytes(bytes, lang));
  const bar = (used: number, quota: number | null, label: string, extra: string) => (
    <UsageBar
      value={quota === null ? 0 : percent(used, quota)}
      label={label}
      text={`${formatBytes(used, lang)} / ${size(quota)}${quota === null ? '' : ` (${formatNumber(quota > 0 ? (used * 100) / quota : 100, lang, 1)}%)`} · ${extra}`}
    />
  );
  const open = (domain: string, quota: number | null) => {
    setValue(quota === null ? '' : formatSizeInput(quota));
    setEditing(domain);
  };
  const submit = async () => {
    const domain = editing!;
    const ok = await action.run(async () => {
      await api('PUT', `/api/v1/domains/${seg(domain)}/quota`, { quota: value.trim() === '' ? null : value.trim() });
    });
    setEditing(null);
    setValue('');
    if (ok) await report.reload();
  };

  const data = report.data;
  const disk = data?.disk ?? null;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('quota.title')}</h1>
      <StatusLine status={action.status} />
      <LoadState error={report.error} loading={!data} />
      {data && (
        <>
          <section class="card" aria-labelledby="quota-disk-title">
            <h2 id="quota-disk-title">{t('quota.disk')}</h2>
            {disk ? (
              <>
                <UsageBar
                  value={percent(disk.total - disk.free, disk.total)}
                  label={t('quota.disk')}
                  text={t('quota.diskText', { free: formatBytes(disk.free, lang), total: formatBytes(disk.total, lang), reserve: formatBytes(disk.reserve, lang) })}
                />
                {disk.belowReserve && <p class="status-line error" role="alert" id="quota-below-reserve">{t('quota.belowReserve')}</p>}
              </>
            ) : <p>{t('quota.diskUnknown')}</p>}
          </section>

          <h2 id="quota-domains-title">{t('quota.domains')}</h2>
          {data.domains.length === 0 ? <p>{t('app.none')}</p> : (
            <div class="table-wrap">
              <table id="quota-domains" aria-labelledby="quota-domains-title">
                <thead><tr><th scope="col">{t('quota.domain')}</th><th scope="col">{t('quota.usage')}</th><th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th></tr></thead>
                <tbody>
                  {data.domains.map((d) => (
                    <tr key={d.name}>
                      <th scope="row">{d.name}</th>
                      <td class="usage-cell">{bar(d.used, d.quota, `${t('quota.usage')}: ${d.name}`, t('quota.accounts', { count: d.users }))}</td>
                      <td><div class="row-actions">
                        <button type="button" onClick={() => open(d.name, d.quota)} aria-label={`${t('quota.setDomain')}: ${d.name}`}>{t('quota.setDomain')}</button>
                      </div></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2 id="quota-users-title">{t('quota.users')}</h2>
          {data.users.length === 0 ? <p>{t('app.none')}</p> : (
            <div class="table-wrap">
              <table id="quota-users" aria-labelledby="quota-users-title">
                <thead><tr><th scope="col">{t('quota.address')}</th><th scope="col">{t('quota.usage')}</th></tr></thead>
                <tbody>
                  {data.users.map((u) => (
                    <tr key={u.address}>
                      <th scope="row">{u.address}</th>
                      <td class="usage-cell">{bar(u.used, u.quota, `${t('quota.usage')}: ${u.address}`, t('quota.messages', { count: u.messages }))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <Dialog
        title={editing ? t('quota.domainFor', { domain: editing }) : ''}
        open={editing !== null} onClose={() => setEditing(null)} onSubmit={() => void submit()} busy={action.busy}
        submitLabel={t('app.save')}
      >
        <div class="field">
          <label for="edit-domain-quota">{t('quota.domainQuota')}</label>
          <input id="edit-domain-quota" aria-describedby="edit-domain-quota-hint" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          <small id="edit-domain-quota-hint">{t('quota.hint')}</small>
        </div>
      </Dialog>
    </section>
  );
}
