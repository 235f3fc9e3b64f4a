// Forwarders: addresses of ours whose mail is also (or only) sent on to addresses outside our
// domains, with the sender rewritten by SRS. Add, change (targets and whether the local mailbox
// keeps a copy), remove. The server decides what is allowed (no local targets, a copy needs a
// mailbox) and its error says why; the page only shows it.

import { useState } from 'preact/hooks';
import type { Forward } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { useAction, useResource } from '../hooks.js';

/** The keep-a-copy choice; "auto" leaves it to the server (a copy when the address has a mailbox). */
type Keep = 'auto' | 'keep' | 'forward-only';

function keepCopyOf(keep: Keep): boolean | null {
  return keep === 'auto' ? null : keep === 'keep';
}

export function Forwards() {
  const { t } = useApp();
  const forwards = useResource<Forward[]>('/api/v1/forwards');
  const action = useAction();
  const [form, setForm] = useState<{ address: string; targets: string; keep: Keep }>({ address: '', targets: '', keep: 'auto' });
  const [editing, setEditing] = useState<{ address: string; targets: string; keep: Keep } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const save = (address: string, targets: string, keep: Keep) =>
    api('POST', '/api/v1/forwards', { address: address.trim(), targets, keepCopy: keepCopyOf(keep) });

  const add = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => { await save(form.address, form.targets, form.keep); });
    if (ok) { setForm({ address: '', targets: '', keep: 'auto' }); await forwards.reload(); }
  };
  const change = async () => {
    const target = editing!;
    const ok = await action.run(async () => { await save(target.address, target.targets, target.keep); });
    // As on the users page: the dialog closes either way and the status line says what happened.
    setEditing(null);
    if (ok) await forwards.reload();
  };
  const remove = async () => {
    const address = removing!;
    const ok = await action.run(async () => { await api('DELETE', `/api/v1/forwards/${seg(address)}`); });
    setRemoving(null);
    if (ok) await forwards.reload();
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('forwards.title')}</h1>
      <p>{t('forwards.intro')}</p>
      <form class="card inline-form" onSubmit={add} aria-labelledby="forward-add-title">
        <h2 id="forward-add-title">{t('forwards.add')}</h2>
        <div class="field">
          <label for="forward-address">{t('forwards.address')}</label>
          <input id="forward-address" type="email" required autocomplete="off" spellcheck={false} aria-describedby="forward-address-hint" placeholder="name@example.com" value={form.address} onInput={(e) => setForm({ ...form, address: e.currentTarget.value })} />
          <small id="forward-address-hint">{t('forwards.addressHint')}</small>
        </div>
        <div class="field wide">
          <label for="forward-targets">{t('forwards.targets')}</label>
          <input id="forward-targets" required autocomplete="off" spellcheck={false} aria-describedby="forward-targets-hint" value={form.targets} onInput={(e) => setForm({ ...form, targets: e.currentTarget.value })} />
          <small id="forward-targets-hint">{t('forwards.targetsHint')}</small>
        </div>
        <div class="field">
          <label for="forward-keep">{t('forwards.copy')}</label>
          <KeepSelect id="forward-keep" value={form.keep} allowAuto onChange={(keep) => setForm({ ...form, keep })} />
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('app.add')}</button>
      </form>
      <StatusLine status={action.status} />
      <LoadState error={forwards.error} loading={!forwards.data} />
      {forwards.data && (forwards.data.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="forwards-table">
            <thead><tr>
              <th scope="col">{t('forwards.address')}</th><th scope="col">{t('forwards.targets')}</th><th scope="col">{t('forwards.copy')}</th>
              <th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th>
            </tr></thead>
            <tbody>
              {forwards.data.map((f) => (
                <tr key={f.address} data-keep-copy={f.keepCopy ? 'true' : 'false'}>
                  <th scope="row">{f.address}</th>
                  <td>{f.targets.join(', ')}</td>
                  <td>{f.keepCopy ? <span class="badge ok">{t('forwards.keeping')}</span> : <span class="badge">{t('forwards.forwardOnly')}</span>}</td>
                  <td><div class="row-actions">
                    <button type="button" onClick={() => setEditing({ address: f.address, targets: f.targets.join(', '), keep: f.keepCopy ? 'keep' : 'forward-only' })} aria-label={`${t('forwards.edit')}: ${f.address}`}>{t('forwards.edit')}</button>
                    <button type="button" class="danger" onClick={() => setRemoving(f.address)} aria-label={`${t('app.remove')}: ${f.address}`}>{t('app.remove')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog title={editing ? t('forwards.editFor', { address: editing.address }) : ''} open={editing !== null} onClose={() => setEditing(null)} onSubmit={() => void change()} submitLabel={t('app.save')} busy={action.busy}>
        {editing && (
          <>
            <div class="field">
              <label for="forward-edit-targets">{t('forwards.targets')}</label>
              <input id="forward-edit-targets" required autocomplete="off" spellcheck={false} aria-describedby="forward-edit-targets-hint" value={editing.targets} onInput={(e) => setEditing({ ...editing, targets: e.currentTarget.value })} />
              <small id="forward-edit-targets-hint">{t('forwards.targetsHint')}</small>
            </div>
            <div class="field">
              <label for="forward-edit-keep">{t('forwards.copy')}</label>
              <KeepSelect id="forward-edit-keep" value={editing.keep} onChange={(keep) => setEditing({ ...editing, keep })} />
            </div>
          </>
        )}
      </Dialog>
      <Dialog title={t('app.remove')} open={removing !== null} onClose={() => setRemoving(null)} onSubmit={() => void remove()} submitLabel={t('app.remove')} danger busy={action.busy}>
        <p>{removing && t('forwards.removeConfirm', { address: removing })}</p>
      </Dialog>
    </section>
  );
}

function KeepSelect({ id, value, allowAuto, onChange }: { id: string; value: Keep; allowAuto?: boolean; onChange: (keep: Keep) => void }) {
  const { t } = useApp();
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value as Keep)}>
      {allowAuto && <option value="auto">{t('forwards.keepAuto')}</option>}
      <option value="keep">{t('forwards.keeping')}</option>
      <option value="forward-only">{t('forwards.forwardOnly')}</option>
    </select>
  );
}
