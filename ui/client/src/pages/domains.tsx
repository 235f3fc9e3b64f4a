// Mail domains: add, remove, and the DNS records to publish for each with a live check of
// each record (found, missing, different) through the mail daemon's resolver.

import { useState } from 'preact/hooks';
import type { DnsRecord, DnsRecordCheck, Domain } from '../../../shared/api-types.js';
import { api, seg } from '../api.js';
import { Dialog } from '../components/dialog.js';
import { useWords } from '../components/panel-words.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { useAction, useResource } from '../hooks.js';

export function Domains() {
  const { t, lang } = useApp();
  const domains = useResource<Domain[]>('/api/v1/domains');
  const action = useAction();
  const [name, setName] = useState('');
  const w = useWords();
  const [dns, setDns] = useState<{ name: string; records: DnsRecord[] | null; error: string | null } | null>(null);
  const [check, setCheck] = useState<{ name: string; results: DnsRecordCheck[] | null; error: string | null } | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const add = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => { await api('POST', '/api/v1/domains', { name: name.trim() }); });
    if (ok) { setName(''); await domains.reload(); }
  };
  const runCheck = async (domain: string) => {
    setCheck({ name: domain, results: null, error: null });
    try {
      const results = await api<DnsRecordCheck[]>('GET', `/api/v1/domains/${seg(domain)}/dns/check`);
      setCheck((c) => (c?.name === domain ? { name: domain, results, error: null } : c));
    } catch (err) {
      setCheck((c) => (c?.name === domain ? { name: domain, results: null, error: err instanceof Error ? err.message : String(err) } : c));
    }
  };
  const showDns = async (domain: string) => {
    setDns({ name: domain, records: null, error: null });
    void runCheck(domain);
    try {
      setDns({ name: domain, records: await api<DnsRecord[]>('GET', `/api/v1/domains/${seg(domain)}/dns`), error: null });
    } catch (err) {
      setDns({ name: domain, records: null, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const remove = async () => {
    const domain = removing!;
    const ok = await action.run(async () => { await api('DELETE', `/api/v1/domains/${seg(domain)}`); });
    setRemoving(null);
    if (ok) await domains.reload();
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('domains.title')}</h1>
      <form class="card inline-form" onSubmit={add} aria-labelledby="domain-add-title">
        <h2 id="domain-add-title">{t('domains.add')}</h2>
        <div class="field">
          <label for="domain-name">{t('domains.name')}</label>
          <input id="domain-name" name="domain" required autocomplete="off" spellcheck={false} placeholder="example.com" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary" disabled={action.busy}>{t('app.add')}</button>
      </form>
      <StatusLine status={action.status} />
      <LoadState error={domains.error} loading={!domains.data} />
      {domains.data && (domains.data.length === 0 ? <p>{t('app.none')}</p> : (
        <div class="table-wrap">
          <table id="domains-table">
            <thead><tr><th scope="col">{t('domains.name')}</th><th scope="col">{t('domains.created')}</th><th scope="col"><span class="visually-hidden">{t('app.confirm')}</span></th></tr></thead>
            <tbody>
              {domains.data.map((d) => (
                <tr key={d.name}>
                  <th scope="row">{d.name}</th>
                  <td>{formatTime(d.createdAt, lang)}</td>
                  <td><div class="row-actions">
                    <button type="button" onClick={() => void showDns(d.name)} aria-label={`${t('domains.dns')}: ${d.name}`}>{t('domains.dns')}</button>
                    <button type="button" class="danger" onClick={() => setRemoving(d.name)} aria-label={`${t('app.remove')}: ${d.name}`}>{t('app.remove')}</button>
                  </div></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <Dialog title={dns ? t('domains.dnsFor', { name: dns.name }) : ''} open={dns !== null} onClose={() => { setDns(null); setCheck(null); }}>
        <p class="muted">{t('domains.dnsHint')}</p>
        {dns?.error && <p class="status-line error" role="alert">{dns.error}</p>}
        {dns && !dns.records && !dns.error && <p aria-busy="true">{t('app.loading')}</p>}
        {dns?.records && (
          <>
            <div class="toolbar">
              <button type="button" id="dns-check" onClick={() => void runCheck(dns.name)} disabled={check !== null && !check.results && !check.error}>{w('dns.check')}</button>
              <span id="dns-summary" role="status">
                {check && !check.results && !check.error && w('dns.checking')}
                {check?.results && w('dns.summary', { present: check.results.filter((c) => c.status === 'present').length, total: check.results.length })}
              </span>
            </div>
            {check?.error && <p class="status-line error" role="alert">{check.error}</p>}
            <div class="table-wrap">
              <table class="dns">
                <thead><tr><th scope="col">{t('domains.type')}</th><th scope="col">{t('domains.host')}</th><th scope="col">{t('domains.value')}</th><th scope="col">{w('dns.status')}</th></tr></thead>
                <tbody>
                  {dns.records.map((r, i) => {
                    const c = check?.results?.find((x) => x.type === r.type && x.name === r.name && x.value === r.value) ?? null;
                    return (
                      <tr key={i} data-dns-status={c?.status ?? 'unknown'}>
                        <td>{r.type}</td><td><code>{r.name}</code></td><td><code class="wrap">{r.value}</code></td>
                        <td>{c ? <DnsStatus check={c} /> : <span class="muted">…</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Dialog>
      <Dialog title={t('app.remove')} open={removing !== null} onClose={() => setRemoving(null)} onSubmit={() => void remove()} submitLabel={t('app.remove')} danger busy={action.busy}>
        <p>{removing && t('domains.removeConfirm', { name: removing })}</p>
      </Dialog>
    </section>
  );
}

function DnsStatus({ check }: { check: DnsRecordCheck }) {
  const w = useWords();
  const badge = check.status === 'present' ? 'ok' : check.status === 'wrong' ? 'warn' : 'bad';
  return (
    <>
      <span class={`badge ${badge}`}>{w(`dns.${check.status}`)}</span>
      {check.status === 'wrong' && check.found.length > 0 && <small class="wrap"> {w('dns.found', { values: check.found.join(' | ') })}</small>}
      {check.error && <small class="muted"> {check.error}</small>}
    </>
  );
}
