// Mail accounts: quota usage bars, add, password reset, quota change, disable and enable (a
// disabled account cannot log in; its mail is still accepted), remove, and a way into the
// admin's read-only view of the account's mailbox.

import { useState } from 'preact/hooks';
import type { MailUser } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { openMailbox } from '../components/mailbox-link.js';
import { useWords } from '../components/panel-words.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { UsageBar } from '../components/usage-bar.js';
import { useApp } from '../context.js';
import { formatBytes, percent } from '../format.js';
import { useAction, useResource } from '../hooks.js';
import { formatSizeInput } from '../size-input.js';

type EditKind = 'password' | 'quota' | 'remove' | 'disable';
type Editing = { kind: EditKind; address: string } | null;

export function Users() {
  const { t, lang } = useApp();
  const w = useWords();
  const users = useResource<MailUser[]>('/api/v1/users');
  const action = useAction();
  const [form, setForm] = useState({ address: '', password: '', quota: '' });
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<Editing>(null);
  const [value, setValue] = useState('');

  const add = async (e: Event) => {
    e.preventDefault();
    const quota = form.quota.trim() === '' ? null : form.quota.trim();
    const ok = await action.run(async () => { await api('POST', '/api/v1/users', { address: form.address.trim(), password: form.password, quota }); });
    if (ok) { setForm({ address: '', password: '', quota: '' }); await users.reload(); }
  };
  const open = (kind: EditKind, user: MailUser) => {
    setValue(kind === 'quota' && user.quota !== null ? formatSizeInput(user.quota) : '');
    setEditing({ kind, address: user.address });
  };
  const submit = async () => {
    const target = editing!;
    const path = `/api/v1/users/${seg(target.address)}`;
    const ok = await action.run(async () => {
      if (target.kind === 'password') await api('PUT', `${path}/password`, { password: value });
      else if (target.kind === 'quota') await api('PUT', `${path}/quota`, { quota: value.trim() === '' ? null : value.trim() });
      else if (target.kind === 'disable') await api('PUT', `${path}/disabled`, { disabled: true });
      else await api('DELETE', path);
    });
    setEditing(null);
    setValue('');
    if (ok) await users.reload();
  };
  // Enabling needs no confirmation: it gives back what the owner had.
  const enable = async (user: MailUser) => {
    const ok = await action.run(async () => { await api('PUT', `/api/v1/users/${seg(user.address)}/disabled`, { disabled: false }); });
    if (ok) await users.reload();
  };

  const shown = (users.data ?? []).filter((u) => u.address.includes(filter.trim().toLowerCase()));

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('users.title')}</h1>
      <form class="card inline-form" onSubmit={add} aria-labelledby="user-add-title">
        <h2 id="user-add-title">{t('users.add')}</h2>
        <div class="field">
          <label for="user-address">{t('users.address')}</label>
          <input id="user-address" type="email" required autocomplete="off" spellcheck={false} placeholder="name@example.com" value={form.address} onInput={(e) => setForm({ ...form, address: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="user-password">{t('users.password')}</label>
          <input id="user-password" type="password" required autocomplete="new-password" value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="user-quota">{t('users.quota')}</label>
          <input id="user-quota" aria-describedby="user-quota-hint" placeholder="2G" value={form.quota} onInput={(e) => setForm({ ...form, quota: e.currentTarget.value })} />
          <small id="user-quota-hint">{t('users.quotaHint')}</small>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('app.add')}</button>
      </form>
      <StatusLine status={action.status} />
      <div class="field filter">
        <label for="user-filter">{t('users.filter')}</label>
        <input id="user-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
      </div>
      <LoadState error={users.error} loading={!users.data} />
      {users.data && (shown.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="users-table">
            <thead><tr><th scope="col">{t('users.address')}</th><th scope="col">{w('users.state')}</th><th scope="col">{t('users.usage')}</th><th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th></tr></thead>
            <tbody>
              {shown.map((u) => {
                const used = formatBytes(u.usage.bytes, lang);
                const quota = u.quota === null ? t('users.unlimited') : formatBytes(u.quota, lang);
                const text = `${used} / ${quota} · ${t('users.messages', { count: u.usage.messages })}`;
                return (
                  <tr key={u.address} data-disabled={u.disabled ? 'true' : 'false'}>
                    <th scope="row">{u.address}</th>
                    <td>{u.disabled ? <span class="badge bad">{w('users.disabled')}</span> : <span class="badge ok">{w('users.active')}</span>}</td>
                    <td class="usage-cell"><UsageBar value={u.quota === null ? 0 : percent(u.usage.bytes, u.quota)} label={`${t('users.usage')}: ${u.address}`} text={text} /></td>
                    <td><div class="row-actions">
                      <button type="button" onClick={() => open('password', u)} aria-label={`${t('users.reset')}: ${u.address}`}>{t('users.reset')}</button>
                      <button type="button" onClick={() => open('quota', u)} aria-label={`${t('users.setQuota')}: ${u.address}`}>{t('users.setQuota')}</button>
                      <button type="button" onClick={() => openMailbox(u.address)} aria-label={`${w('users.mailbox')}: ${u.address}`}>{w('users.mailbox')}</button>
                      {u.disabled
                        ? <button type="button" onClick={() => void enable(u)} aria-label={`${w('users.enable')}: ${u.address}`}>{w('users.enable')}</button>
                        : <button type="button" onClick={() => open('disable', u)} aria-label={`${w('users.disable')}: ${u.address}`}>{w('users.disable')}</button>}
                      <button type="button" class="danger" onClick={() => open('remove', u)} aria-label={`${t('app.remove')}: ${u.address}`}>{t('app.remove')}</button>
                    </div></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog
        title={editing ? (editing.kind === 'password' ? t('users.resetFor', { address: editing.address }) : editing.kind === 'quota' ? t('users.quotaFor', { address: editing.address }) : editing.kind === 'disable' ? w('users.disableFor', { address: editing.address }) : t('app.remove')) : ''}
        open={editing !== null} onClose={() => setEditing(null)} onSubmit={() => void submit()} busy={action.busy}
        submitLabel={editing?.kind === 'remove' ? t('app.remove') : editing?.kind === 'disable' ? w('users.disable') : t('app.save')} danger={editing?.kind === 'remove' || editing?.kind === 'disable'}
      >
        {editing?.kind === 'password' && (
          <div class="field">
            <label for="edit-password">{t('users.password')}</label>
            <input id="edit-password" type="password" required autocomplete="new-password" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </div>
        )}
        {editing?.kind === 'quota' && (
          <div class="field">
            <label for="edit-quota">{t('users.quota')}</label>
            <input id="edit-quota" aria-describedby="edit-quota-hint" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
            <small id="edit-quota-hint">{t('users.quotaHint')}</small>
          </div>
        )}
        {editing?.kind === 'remove' && <p>{t('users.removeConfirm', { address: editing.address })}</p>}
        {editing?.kind === 'disable' && <p>{w('users.disableHint', { address: editing.address })}</p>}
      </Dialog>
    </section>
  );
}
