// The TLS certificate: what is served (subject, names, issuer, expiry, days left), the ACME
// state (CA, names a new certificate would carry, next scheduled look, last attempt) and
// "issue now", which orders, installs and reloads without restarting anything.

import type { TlsStatus } from '../../../shared/api-types.js';
import { api } from '../api.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { useAction, useResource } from '../hooks.js';

export function Tls() {
  const { t, lang } = useApp();
  const status = useResource<TlsStatus>('/api/v1/tls');
  const action = useAction();
  const s = status.data;
  const c = s?.certificate;
  const issue = async () => { if (await action.run(async () => { await api('POST', '/api/v1/tls/issue'); })) await status.reload(); };
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('tls.title')}</h1>
      <div class="toolbar">
        <button type="button" onClick={() => void status.reload()}>{t('app.refresh')}</button>
        <button type="button" id="tls-issue" disabled={action.busy} onClick={() => void issue()}>{action.busy ? t('tls.issuing') : t('tls.issue')}</button>
      </div>
      <StatusLine status={action.status} />
      <LoadState error={status.error} loading={!s} />
      {s?.error && <p class="error" role="alert">{s.error}</p>}
      {c && (
        <dl id="tls-certificate">
          <dt>{t('tls.subject')}</dt><dd>{c.subject}</dd>
          <dt>{t('tls.names')}</dt><dd>{c.names.join(', ')}</dd>
          <dt>{t('tls.issuer')}</dt><dd>{c.issuer}{c.selfSigned && <> <span class="badge warn">{t('tls.selfSigned')}</span></>}</dd>
          <dt>{t('tls.notAfter')}</dt><dd>{formatTime(c.notAfter, lang)} <span class={`badge ${c.daysLeft < 14 ? 'bad' : c.daysLeft < 30 ? 'warn' : 'ok'}`}>{t('tls.daysLeft', { days: c.daysLeft })}</span></dd>
        </dl>
      )}
      {s && (
        <>
          <h2>{t('tls.acme')}</h2>
          <dl id="tls-acme">
            <dt>{t('tls.directory')}</dt><dd><code>{s.acme.directoryUrl}</code> {!s.acme.enabled && <span class="badge warn">{t('tls.autoOff')}</span>}</dd>
            <dt>{t('tls.wanted')}</dt><dd>{s.acme.names.join(', ')}</dd>
            <dt>{t('tls.nextRun')}</dt><dd>{s.acme.nextRun ? formatTime(s.acme.nextRun, lang) : '–'}</dd>
            <dt>{t('tls.lastAttempt')}</dt>
            <dd>{s.acme.lastAttempt ? <>{formatTime(s.acme.lastAttempt.at, lang)} {s.acme.lastAttempt.ok ? <span class="badge ok">OK</span> : <span class="badge bad">{s.acme.lastAttempt.error}</span>}</> : '–'}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
