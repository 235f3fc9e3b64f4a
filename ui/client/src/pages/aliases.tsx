// Aliases and catch-alls ("@domain" as the address catches every unknown local part).

import { useState } from 'preact/hooks';
import type { Alias } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { useAction, useResource } from '../hooks.js';

export function Aliases() {
  const { t } = useApp();
  const aliases = useResource<Alias[]>('/api/v1/aliases');
  const action = useAction();
  const [form, setForm] = useState({ address: '', targets: '' });
  const [removing, setRemoving] = useState<string | null>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => { await api('POST', '/api/v1/aliases', { address: form.address.trim(), targets: form.targets }); });
    if (ok) { setForm({ address: '', targets: '' }); await aliases.reload(); }
  };
  const remove = async () => {
    const address = removing!;
    const ok = await action.run(async () => { await api('DELETE', `/api/v1/aliases/${seg(address)}`); });
    setRemoving(null);
    if (ok) await aliases.reload();
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('aliases.title')}</h1>
      <form class="card inline-form" onSubmit={add} aria-labelledby="alias-add-title">
        <h2 id="alias-add-title">{t('aliases.add')}</h2>
        <div class="field">
          <label for="alias-address">{t('aliases.address')}</label>
          <input id="alias-address" required autocomplete="off" spellcheck={false} aria-describedby="alias-address-hint" placeholder="info@example.com" value={form.address} onInput={(e) => setForm({ ...form, address: e.currentTarget.value })} />
          <small id="alias-address-hint">{t('aliases.addressHint')}</small>
        </div>
        <div class="field wide">
          <label for="alias-targets">{t('aliases.targets')}</label>
          <input id="alias-targets" required autocomplete="off" spellcheck={false} aria-describedby="alias-targets-hint" value={form.targets} onInput={(e) => setForm({ ...form, targets: e.currentTarget.value })} />
          <small id="alias-targets-hint">{t('aliases.targetsHint')}</small>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('app.add')}</button>
      </form>
      <StatusLine status={action.status} />
      <LoadState error={aliases.error} loading={!aliases.data} />
      {aliases.data && (aliases.data.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="aliases-table">
            <thead><tr><th scope="col">{t('aliases.address')}</th><th scope="col">{t('aliases.targets')}</th><th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th></tr></thead>
            <tbody>
              {aliases.data.map((a) => (
                <tr key={a.address}>
                  <th scope="row">{a.address} {a.address.startsWith('@') && <span class="badge">{t('aliases.catchAll')}</span>}</th>
                  <td>{a.targets.join(', ')}</td>
                  <td><div class="row-actions"><button type="button" class="danger" onClick={() => setRemoving(a.address)} aria-label={`${t('app.remove')}: ${a.address}`}>{t('app.remove')}</button></div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog title={t('app.remove')} open={removing !== null} onClose={() => setRemoving(null)} onSubmit={() => void remove()} submitLabel={t('app.remove')} danger busy={action.busy}>
        <p>{removing && t('aliases.removeConfirm', { address: removing })}</p>
      </Dialog>
    </section>
  );
}
