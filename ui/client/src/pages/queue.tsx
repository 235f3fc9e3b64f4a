// The outbound queue: its summary (live from the websocket), every message with its
// recipients' state, retry now and delete.

import { useState } from 'preact/hooks';
import type { QueueResponse } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatBytes, formatTime } from '../format.js';
import { useAction, useLive, useResource } from '../hooks.js';

export function Queue() {
  const { t, lang } = useApp();
  const queue = useResource<QueueResponse>('/api/v1/queue');
  const action = useAction();
  const [deleting, setDeleting] = useState<string | null>(null);

  // The summary alone comes live; the list is re-read when it changes.
  useLive((m) => {
    if (m.type === 'queue') void queue.reload();
  });

  const retry = async (id: string) => {
    if (await action.run(async () => { await api('POST', `/api/v1/queue/${seg(id)}/retry`); })) await queue.reload();
  };
  const remove = async () => {
    const id = deleting!;
    const ok = await action.run(async () => { await api('DELETE', `/api/v1/queue/${seg(id)}`); });
    setDeleting(null);
    if (ok) await queue.reload();
  };

  const q = queue.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('queue.title')}</h1>
      <div class="toolbar">
        {q && <p id="queue-summary">{t('queue.summary', { messages: q.summary.messages, waiting: q.summary.waiting, deferred: q.summary.deferred })}</p>}
        <button type="button" onClick={() => void queue.reload()}>{t('app.refresh')}</button>
      </div>
      <StatusLine status={action.status} />
      <LoadState error={queue.error} loading={!q} />
      {q && (q.messages.length === 0 ? <p>{t('queue.empty')}</p> : (
        <div class="table-wrap">
          <table id="queue-table">
            <thead>
              <tr>
                <th scope="col">{t('queue.id')}</th><th scope="col">{t('queue.sender')}</th><th scope="col">{t('queue.recipients')}</th>
                <th scope="col">{t('queue.size')}</th><th scope="col">{t('queue.queuedAt')}</th><th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th>
              </tr>
            </thead>
            <tbody>
              {q.messages.map((m) => (
                <tr key={m.id}>
                  <th scope="row"><code>{m.id}</code></th>
                  <td>{m.sender || '<>'}</td>
                  <td>
                    <ul class="plain">
                      {m.recipients.map((r) => (
                        <li key={r.address}>
                          {r.address} <span class={`badge ${r.state === 'failed' ? 'bad' : r.state === 'deferred' ? 'warn' : r.state === 'delivered' ? 'ok' : ''}`}>{r.state}</span>
                          {' '}<small>{t('queue.attempts', { count: r.attempts })}{r.state !== 'delivered' && r.state !== 'failed' ? `, ${t('queue.next', { time: formatTime(r.nextAttemptAt, lang) })}` : ''}</small>
                          {r.lastReply && <small class="reply"><br />{r.lastReply}</small>}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{formatBytes(m.size, lang)}</td>
                  <td>{formatTime(m.queuedAt, lang)}</td>
                  <td><div class="row-actions">
                    <button type="button" onClick={() => void retry(m.id)} disabled={action.busy} aria-label={`${t('queue.retry')}: ${m.id}`}>{t('queue.retry')}</button>
                    <button type="button" class="danger" onClick={() => setDeleting(m.id)} aria-label={`${t('queue.delete')}: ${m.id}`}>{t('queue.delete')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog title={t('queue.delete')} open={deleting !== null} onClose={() => setDeleting(null)} onSubmit={() => void remove()} submitLabel={t('queue.delete')} danger busy={action.busy}>
        <p>{deleting && t('queue.deleteConfirm', { id: deleting })}</p>
      </Dialog>
    </section>
  );
}
