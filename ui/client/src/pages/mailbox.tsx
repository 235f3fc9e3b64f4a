// The admin's read-only view of any mailbox: pick an account, its folders with their counts,
// the messages of one folder (from, subject, date, size, flags), and one message (the main
// header fields, all of them on demand, the text, the attachments, a raw download). Reading
// never marks a message \Seen for its owner; the agent records each message opened.

import { useState } from 'preact/hooks';
import type { MailFolder, MailMessageSummary, MailMessageView, MailUser } from '../../../shared/api-types.js';
import { seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { rememberedMailbox, rememberMailbox } from '../components/mailbox-link.js';
import { useWords } from '../components/panel-words.js';
import { LoadState } from '../components/status-line.js';
import { useLoad } from '../components/use-load.js';
import { useApp } from '../context.js';
import { formatBytes, formatTime } from '../format.js';
import { useResource } from '../hooks.js';
import '../components/panel-pages.css';

const MAIN_HEADERS = ['from', 'to', 'cc', 'subject', 'date'];

export function Mailbox() {
  const { t, lang } = useApp();
  const w = useWords();
  const users = useResource<MailUser[]>('/api/v1/users');
  const [address, setAddress] = useState(rememberedMailbox);
  const [folder, setFolder] = useState('INBOX');
  const [reading, setReading] = useState<number | null>(null);
  const base = address ? `/api/v1/users/${seg(address)}` : null;
  const folders = useLoad<MailFolder[]>(base && `${base}/folders`);
  const messages = useLoad<MailMessageSummary[]>(base && `${base}/messages?folder=${seg(folder)}`);
  const message = useLoad<MailMessageView>(base && reading !== null ? `${base}/messages/${reading}?folder=${seg(folder)}` : null);

  const choose = (value: string) => {
    setAddress(value);
    rememberMailbox(value);
    setFolder('INBOX');
    setReading(null);
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{w('mailbox.title')}</h1>
      <p class="muted">{w('mailbox.readOnly')}</p>
      <div class="field filter">
        <label for="mailbox-user">{w('mailbox.user')}</label>
        <select id="mailbox-user" value={address} onChange={(e) => choose(e.currentTarget.value)}>
          <option value="">{w('mailbox.choose')}</option>
          {(users.data ?? []).map((u) => <option key={u.address} value={u.address}>{u.address}</option>)}
          {address && users.data && !users.data.some((u) => u.address === address) && <option value={address}>{address}</option>}
        </select>
      </div>
      <LoadState error={users.error} loading={!users.data} />
      {address && (
        <div class="mailbox-layout">
          <section class="card" aria-labelledby="folders-title">
            <h2 id="folders-title">{w('mailbox.folders')}</h2>
            <LoadState error={folders.error} loading={!folders.data && !folders.error} />
            {folders.data && (
              <ul class="plain" id="mailbox-folders">
                {folders.data.map((f) => (
                  <li key={f.name}>
                    <button type="button" class={f.name === folder ? 'primary' : ''} aria-pressed={f.name === folder} onClick={() => { setFolder(f.name); setReading(null); }}>
                      {f.name}
                    </button>{' '}
                    <small class="muted">{w('mailbox.count', { messages: f.messages, unseen: f.unseen })} · {formatBytes(f.size, lang)}</small>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section class="card" aria-labelledby="messages-title">
            <h2 id="messages-title">{w('mailbox.messages', { folder })}</h2>
            <div class="toolbar"><button type="button" onClick={() => { folders.reload(); messages.reload(); }}>{t('app.refresh')}</button></div>
            <LoadState error={messages.error} loading={!messages.data && !messages.error} />
            {messages.data && (messages.data.length === 0 ? <p>{t('app.none')}</p> : (
              <div class="table-wrap">
                <table id="messages-table">
                  <thead><tr>
                    <th scope="col">{w('mailbox.subject')}</th><th scope="col">{w('mailbox.from')}</th><th scope="col">{w('mailbox.date')}</th>
                    <th scope="col">{w('mailbox.size')}</th><th scope="col">{w('mailbox.flags')}</th>
                  </tr></thead>
                  <tbody>
                    {messages.data.map((m) => (
                      <tr key={m.uid} data-uid={m.uid} class={m.flags.includes('\\Seen') ? '' : 'unseen'}>
                        <th scope="row">
                          <button type="button" class="link" onClick={() => setReading(m.uid)} aria-label={`${w('mailbox.open')}: ${m.subject ?? w('mailbox.noSubject')}`}>
                            {m.subject || w('mailbox.noSubject')}
                          </button>
                        </th>
                        <td>{m.from ?? ''}</td>
                        <td>{formatTime(m.date, lang)}</td>
                        <td>{formatBytes(m.size, lang)}</td>
                        <td><code>{m.flags.join(' ')}</code></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
          </section>
        </div>
      )}
      <Dialog title={message.data?.subject || (reading !== null ? w('mailbox.noSubject') : '')} open={reading !== null} onClose={() => setReading(null)}>
        <LoadState error={message.error} loading={!message.data && !message.error} />
        {message.data && base && <MessageBody message={message.data} rawHref={`${base}/messages/${message.data.uid}/raw?folder=${seg(folder)}`} />}
      </Dialog>
    </section>
  );
}

function MessageBody({ message, rawHref }: { message: MailMessageView; rawHref: string }) {
  const { lang } = useApp();
  const w = useWords();
  const main = message.headers.filter((h) => MAIN_HEADERS.includes(h.name.toLowerCase()));
  return (
    <div id="message-view">
      <dl class="facts">
        {main.map((h, i) => <div key={i}><dt>{h.name}</dt><dd>{h.value}</dd></div>)}
        <div><dt>{w('mailbox.size')}</dt><dd>{formatBytes(message.size, lang)}</dd></div>
        <div><dt>{w('mailbox.flags')}</dt><dd><code>{message.flags.join(' ') || '–'}</code></dd></div>
      </dl>
      <details>
        <summary>{w('mailbox.headers')}</summary>
        <pre class="headers wrap">{message.headers.map((h) => `${h.name}: ${h.value}`).join('\n')}</pre>
      </details>
      <h3>{w('mailbox.text')}</h3>
      {message.text === null ? <p class="muted">{w('mailbox.noText')}</p> : <pre class="message-text wrap" id="message-text">{message.text}</pre>}
      {message.textTruncated && <p class="muted">{w('mailbox.truncated')}</p>}
      {message.attachments.length > 0 && (
        <>
          <h3>{w('mailbox.attachments')}</h3>
          <ul class="plain" id="message-attachments">
            {message.attachments.map((a, i) => <li key={i}>{a.filename ?? w('mailbox.unnamed')} <small class="muted">{a.contentType}, {formatBytes(a.size, lang)}</small></li>)}
          </ul>
        </>
      )}
      <p><a href={rawHref} download={`message-${message.uid}.eml`} id="message-raw">{w('mailbox.download')}</a></p>
    </div>
  );
}
