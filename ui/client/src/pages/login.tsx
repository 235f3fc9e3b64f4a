// Signing in, or on a fresh appliance creating the first admin with the one-time setup token.
// The second-factor field appears once the agent answers totp_required.

import { useEffect, useState } from 'preact/hooks';
import type { SessionInfo, SetupStatus } from '../../../shared/api-types.js';
import { api, ApiRequestError } from '../api.js';
import { StatusLine } from '../components/status-line.js';
import { useApp } from '../context.js';

export function Login({ onLoggedIn }: { onLoggedIn: (s: SessionInfo) => void }) {
  const { t } = useApp();
  const [setup, setSetup] = useState<boolean | null>(null);
  const [form, setForm] = useState({ token: '', username: '', password: '', totp: '' });
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    api<SetupStatus>('GET', '/api/v1/setup').then((s) => setSetup(s.required), () => setSetup(false));
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    try {
      const session = setup
        ? await api<SessionInfo>('POST', '/api/v1/setup', { token: form.token.trim(), username: form.username, password: form.password })
        : await api<SessionInfo>('POST', '/api/v1/session', { username: form.username, password: form.password, ...(needTotp ? { totp: form.totp } : {}) });
      onLoggedIn(session);
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'totp_required') setNeedTotp(true);
      setStatus({ kind: 'error', text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };

  if (setup === null) return <p aria-busy="true">{t('app.loading')}</p>;
  return (
    <section class="login card" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{setup ? t('login.setupTitle') : t('login.title')}</h1>
      <form onSubmit={submit}>
        {setup && (
          <div class="field">
            <label for="login-token">{t('login.token')}</label>
            <input id="login-token" required autocomplete="off" spellcheck={false} aria-describedby="login-token-hint" value={form.token} onInput={(e) => setForm({ ...form, token: e.currentTarget.value })} />
            <small id="login-token-hint">{t('login.setupHint')}</small>
          </div>
        )}
        <div class="field">
          <label for="login-username">{t('login.username')}</label>
          <input id="login-username" required autocomplete="username" autocapitalize="none" spellcheck={false} value={form.username} onInput={(e) => setForm({ ...form, username: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="login-password">{t('login.password')}</label>
          <input id="login-password" type="password" required autocomplete={setup ? 'new-password' : 'current-password'} value={form.password} onInput={(e) => setForm({ ...form, password: e.currentTarget.value })} />
        </div>
        {needTotp && (
          <div class="field">
            <label for="login-totp">{t('login.totp')}</label>
            <input id="login-totp" required inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autocomplete="one-time-code" value={form.totp} onInput={(e) => setForm({ ...form, totp: e.currentTarget.value })} />
          </div>
        )}
        <button type="submit" class="primary" disabled={busy}>{setup ? t('login.setupSubmit') : t('login.submit')}</button>
      </form>
      <StatusLine status={status} />
    </section>
  );
}
