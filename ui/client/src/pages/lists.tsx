// Mailing lists: create (address, name, who may post, subject prefix, owner) and remove lists;
// for the list opened below the table, its members (add, optionally asking them to confirm by
// mail first; disable, enable, remove) and its moderation queue (approve: sent to every member;
// reject: the poster is told, with the reason given). The mail daemon decides what is allowed
// and its error says why; the page only shows it.

import { useState } from 'preact/hooks';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { useAction, useResource } from '../hooks.js';
import type { MessageKey } from '../i18n.js';

// The admin API's shapes (mail/lists/list-wire.ts).
type PostPolicy = 'members' | 'anyone' | 'senders' | 'moderated';
interface MailingList { address: string; name: string; postPolicy: PostPolicy; subjectPrefix: string | null; owner: string | null; senders: string[]; sendToPoster: boolean; createdAt: string }
interface ListMember { address: string; status: 'active' | 'pending' | 'disabled'; bounces: number; createdAt: string }
interface HeldPost { id: number; list: string; sender: string; author: string; subject: string; receivedAt: string }

const POLICIES: PostPolicy[] = ['members', 'senders', 'anyone', 'moderated'];
const POLICY_LABEL: Record<PostPolicy, MessageKey> = {
  members: 'lists.policyMembers', senders: 'lists.policySenders', anyone: 'lists.policyAnyone', moderated: 'lists.policyModerated',
};
const STATUS_LABEL: Record<ListMember['status'], MessageKey> = { active: 'lists.statusActive', pending: 'lists.statusPending', disabled: 'lists.statusDisabled' };

const EMPTY_FORM = { address: '', name: '', postPolicy: 'members' as PostPolicy, subjectPrefix: '', owner: '' };

export function Lists() {
  const { t } = useApp();
  const lists = useResource<MailingList[]>('/api/v1/lists');
  const action = useAction();
  const [form, setForm] = useState(EMPTY_FORM);
  const [open, setOpen] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    const body = {
      address: form.address.trim(), postPolicy: form.postPolicy,
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      ...(form.subjectPrefix.trim() ? { subjectPrefix: form.subjectPrefix.trim() } : {}),
      ...(form.owner.trim() ? { owner: form.owner.trim() } : {}),
    };
    const ok = await action.run(async () => { await api('POST', '/api/v1/lists', body); });
    if (ok) { setOpen(body.address.toLowerCase()); setForm(EMPTY_FORM); await lists.reload(); }
  };
  const remove = async () => {
    const address = removing!;
    const ok = await action.run(async () => { await api('DELETE', `/api/v1/lists/${seg(address)}`); });
    setRemoving(null);
    if (ok) { if (open === address) setOpen(null); await lists.reload(); }
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('lists.title')}</h1>
      <p>{t('lists.intro')}</p>
      <form class="card inline-form" onSubmit={add} aria-labelledby="list-add-title">
        <h2 id="list-add-title">{t('lists.add')}</h2>
        <div class="field">
          <label for="list-address">{t('lists.address')}</label>
          <input id="list-address" type="email" required autocomplete="off" spellcheck={false} placeholder="team@example.com" value={form.address} onInput={(e) => setForm({ ...form, address: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="list-name">{t('lists.name')}</label>
          <input id="list-name" autocomplete="off" maxLength={80} value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="list-policy">{t('lists.policy')}</label>
          <select id="list-policy" value={form.postPolicy} onChange={(e) => setForm({ ...form, postPolicy: e.currentTarget.value as PostPolicy })}>
            {POLICIES.map((p) => <option key={p} value={p}>{t(POLICY_LABEL[p])}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="list-prefix">{t('lists.prefix')}</label>
          <input id="list-prefix" autocomplete="off" maxLength={40} placeholder="[team]" value={form.subjectPrefix} onInput={(e) => setForm({ ...form, subjectPrefix: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="list-owner">{t('lists.owner')}</label>
          <input id="list-owner" type="email" autocomplete="off" spellcheck={false} aria-describedby="list-owner-hint" value={form.owner} onInput={(e) => setForm({ ...form, owner: e.currentTarget.value })} />
          <small id="list-owner-hint">{t('lists.ownerHint')}</small>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('app.add')}</button>
      </form>
      <StatusLine status={action.status} />
      <LoadState error={lists.error} loading={!lists.data} />
      {lists.data && (lists.data.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="lists-table">
            <thead><tr>
              <th scope="col">{t('lists.address')}</th><th scope="col">{t('lists.policy')}</th><th scope="col">{t('lists.prefix')}</th><th scope="col">{t('lists.owner')}</th>
              <th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th>
            </tr></thead>
            <tbody>
              {lists.data.map((l) => (
                <tr key={l.address} data-list={l.address} aria-current={open === l.address ? 'true' : undefined}>
                  <th scope="row">{l.name !== l.address.split('@')[0] ? `${l.name} <${l.address}>` : l.address}</th>
                  <td>{t(POLICY_LABEL[l.postPolicy])}</td>
                  <td>{l.subjectPrefix ?? '—'}</td>
                  <td>{l.owner ?? '—'}</td>
                  <td><div class="row-actions">
                    <button type="button" onClick={() => setOpen(open === l.address ? null : l.address)} aria-expanded={open === l.address} aria-label={`${t('lists.manage')}: ${l.address}`}>{t('lists.manage')}</button>
                    <button type="button" class="danger" onClick={() => setRemoving(l.address)} aria-label={`${t('app.remove')}: ${l.address}`}>{t('app.remove')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {open && lists.data?.some((l) => l.address === open) && <ListDetail key={open} address={open} />}
      <Dialog title={t('app.remove')} open={removing !== null} onClose={() => setRemoving(null)} onSubmit={() => void remove()} submitLabel={t('app.remove')} danger busy={action.busy}>
        <p>{removing && t('lists.removeConfirm', { address: removing })}</p>
      </Dialog>
    </section>
  );
}

function ListDetail({ address }: { address: string }) {
  const { t } = useApp();
  const members = useResource<ListMember[]>(`/api/v1/lists/${seg(address)}/members`);
  const held = useResource<HeldPost[]>(`/api/v1/lists/${seg(address)}/held`);
  const action = useAction();
  const [member, setMember] = useState({ address: '', confirm: false });
  const [removing, setRemoving] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<{ id: number; subject: string; reason: string } | null>(null);
  const base = `/api/v1/lists/${seg(address)}`;

  const addMember = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => { await api('POST', `${base}/members`, { address: member.address.trim(), confirm: member.confirm }); });
    if (ok) { setMember({ address: '', confirm: false }); await members.reload(); }
  };
  const setStatus = async (m: string, status: 'active' | 'disabled') => {
    if (await action.run(async () => { await api('PUT', `${base}/members/${seg(m)}`, { status }); })) await members.reload();
  };
  const removeMember = async () => {
    const m = removing!;
    const ok = await action.run(async () => { await api('DELETE', `${base}/members/${seg(m)}`); });
    setRemoving(null);
    if (ok) await members.reload();
  };
  const approve = async (id: number) => {
    if (await action.run(async () => { await api('POST', `${base}/held/${id}`, { verdict: 'approve' }); })) await held.reload();
  };
  const reject = async () => {
    const r = rejecting!;
    const ok = await action.run(async () => { await api('POST', `${base}/held/${r.id}`, { verdict: 'reject', ...(r.reason.trim() ? { reason: r.reason.trim() } : {}) }); });
    setRejecting(null);
    if (ok) await held.reload();
  };

  return (
    <div class="card" id="list-detail" aria-labelledby="list-detail-title">
      <h2 id="list-detail-title">{address}</h2>
      <StatusLine status={action.status} />
      <h3>{t('lists.members')}</h3>
      <form class="inline-form" onSubmit={addMember}>
        <div class="field">
          <label for="member-address">{t('lists.memberAddress')}</label>
          <input id="member-address" type="email" required autocomplete="off" spellcheck={false} value={member.address} onInput={(e) => setMember({ ...member, address: e.currentTarget.value })} />
        </div>
        <div class="field checkbox">
          <input id="member-confirm" type="checkbox" checked={member.confirm} onChange={(e) => setMember({ ...member, confirm: e.currentTarget.checked })} />
          <label for="member-confirm">{t('lists.askConfirm')}</label>
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('lists.addMember')}</button>
      </form>
      <LoadState error={members.error} loading={!members.data} />
      {members.data && (members.data.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="members-table">
            <thead><tr>
              <th scope="col">{t('lists.memberAddress')}</th><th scope="col">{t('lists.status')}</th><th scope="col">{t('lists.bounces')}</th>
              <th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th>
            </tr></thead>
            <tbody>
              {members.data.map((m) => (
                <tr key={m.address} data-member={m.address} data-status={m.status}>
                  <th scope="row">{m.address}</th>
                  <td><span class={m.status === 'active' ? 'badge ok' : 'badge'}>{t(STATUS_LABEL[m.status])}</span></td>
                  <td>{m.bounces}</td>
                  <td><div class="row-actions">
                    {m.status === 'active'
                      ? <button type="button" onClick={() => void setStatus(m.address, 'disabled')} aria-label={`${t('lists.disable')}: ${m.address}`}>{t('lists.disable')}</button>
                      : <button type="button" onClick={() => void setStatus(m.address, 'active')} aria-label={`${t('lists.enable')}: ${m.address}`}>{t('lists.enable')}</button>}
                    <button type="button" class="danger" onClick={() => setRemoving(m.address)} aria-label={`${t('app.remove')}: ${m.address}`}>{t('app.remove')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <h3>{t('lists.held')}</h3>
      <LoadState error={held.error} loading={!held.data} />
      {held.data && (held.data.length === 0 ? <p>{t('lists.noHeld')}</p> : (
        <div class="table-wrap">
          <table id="held-table">
            <thead><tr>
              <th scope="col">{t('lists.author')}</th><th scope="col">{t('lists.subject')}</th><th scope="col">{t('lists.received')}</th>
              <th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th>
            </tr></thead>
            <tbody>
              {held.data.map((h) => (
                <tr key={h.id} data-held={h.id}>
                  <th scope="row">{h.author || h.sender}</th>
                  <td>{h.subject}</td>
                  <td><time dateTime={h.receivedAt}>{new Date(h.receivedAt).toLocaleString()}</time></td>
                  <td><div class="row-actions">
                    <button type="button" class="primary" disabled={action.busy} onClick={() => void approve(h.id)} aria-label={`${t('lists.approve')}: ${h.subject}`}>{t('lists.approve')}</button>
                    <button type="button" class="danger" onClick={() => setRejecting({ id: h.id, subject: h.subject, reason: '' })} aria-label={`${t('lists.reject')}: ${h.subject}`}>{t('lists.reject')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog title={t('app.remove')} open={removing !== null} onClose={() => setRemoving(null)} onSubmit={() => void removeMember()} submitLabel={t('app.remove')} danger busy={action.busy}>
        <p>{removing && t('lists.removeMemberConfirm', { address: removing, list: address })}</p>
      </Dialog>
      <Dialog title={t('lists.reject')} open={rejecting !== null} onClose={() => setRejecting(null)} onSubmit={() => void reject()} submitLabel={t('lists.reject')} danger busy={action.busy}>
        {rejecting && (
          <>
            <p>{t('lists.rejectConfirm', { subject: rejecting.subject })}</p>
            <div class="field">
              <label for="reject-reason">{t('lists.reason')}</label>
              <input id="reject-reason" autocomplete="off" maxLength={500} value={rejecting.reason} onInput={(e) => setRejecting({ ...rejecting, reason: e.currentTarget.value })} />
            </div>
          </>
        )}
      </Dialog>
    </div>
  );
}
