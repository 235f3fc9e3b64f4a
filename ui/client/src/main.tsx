// The admin panel's entry: the shell (skip link, header with language switch and logout, the
// navigation, the alerts, the page), the session check, and the one live feed.

import './styles.css';
import 'uplot/dist/uPlot.min.css';
import { render, type FunctionComponent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { SessionInfo } from '../../shared/api-types.js';
import { api, setUnauthenticatedHandler } from './api.js';
import { AlertsPanel } from './components/alerts-panel.js';
import { AppContext, type AppContextValue } from './context.js';
import { initialLang, isLang, LANGUAGES, saveLang, translator, type Lang } from './i18n.js';
import { LiveFeed, type LiveState } from './live.js';
import { Aliases } from './pages/aliases.js';
import { Dashboard } from './pages/dashboard.js';
import { Domains } from './pages/domains.js';
import { Login } from './pages/login.js';
import { Logs } from './pages/logs.js';
import { Queue } from './pages/queue.js';
import { Quota } from './pages/quota.js';
import { Firewall } from './pages/firewall.js';
import { Services } from './pages/services.js';
import { Mailbox } from './pages/mailbox.js';
import { Backup } from './pages/backup.js';
import { Tls } from './pages/tls.js';
import { Updates } from './pages/updates.js';
import { Users } from './pages/users.js';
import { Forwards } from './pages/forwards.js';
import { Lists } from './pages/lists.js';
import { PAGE_TITLES, PAGES, pageFromHash, type Page } from './routes.js';

const PAGE_COMPONENTS: Record<Page, FunctionComponent> = {
  dashboard: Dashboard, domains: Domains, users: Users, aliases: Aliases, queue: Queue, logs: Logs, services: Services,
  mailbox: Mailbox, backup: Backup,
  firewall: Firewall,
  quota: Quota,
  tls: Tls,
  updates: Updates,
  forwards: Forwards,
  lists: Lists,
};

/** Whether this browser was signed in before: only then ask the agent, so a first visit shows the login without a 401. */
const SIGNED_IN_HINT = 'mailroom.signedIn';
const hint = {
  get: () => { try { return localStorage.getItem(SIGNED_IN_HINT) === '1'; } catch { return true; } },
  set: (on: boolean) => { try { if (on) localStorage.setItem(SIGNED_IN_HINT, '1'); else localStorage.removeItem(SIGNED_IN_HINT); } catch { /* storage disabled */ } },
};

function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [page, setPage] = useState<Page>(() => pageFromHash(location.hash));
  const [liveState, setLiveState] = useState<LiveState>('closed');
  const [menuOpen, setMenuOpen] = useState(false);
  const live = useMemo(() => new LiveFeed(() => { hint.set(false); setSession(null); }), []);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  const t = useMemo(() => translator(lang), [lang]);
  const ctx = useMemo<AppContextValue>(() => ({ lang, t, live }), [lang, t, live]);

  useEffect(() => { saveLang(lang); }, [lang]);
  useEffect(() => {
    document.title = session ? `${t(PAGE_TITLES[page])} · ${t('app.name')}` : t('app.name');
  }, [page, session, t]);

  useEffect(() => {
    setUnauthenticatedHandler(() => { hint.set(false); live.stop(); setSession(null); });
    if (!hint.get()) { setSession(null); return; }
    api<SessionInfo>('GET', '/api/v1/session').then((s) => setSession(s), () => setSession(null));
  }, [live]);

  useEffect(() => {
    if (!session) return;
    hint.set(true);
    live.start();
    const off = live.onState(setLiveState);
    setLiveState(live.state);
    return () => { off(); live.stop(); };
  }, [session, live]);

  useEffect(() => {
    const onHash = () => { setPage(pageFromHash(location.hash)); setMenuOpen(false); };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  // After navigating, move focus to the new page's heading so keyboard and screen reader users start there.
  useEffect(() => {
    if (firstRender.current) { firstRender.current = false; return; }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [page]);

  const logout = async () => {
    await api('DELETE', '/api/v1/session').catch(() => undefined);
    hint.set(false);
    live.stop();
    setSession(null);
  };

  const langSwitch = (
    <div class="lang-switch">
      <label for="lang-select">{t('app.language')}</label>
      <select id="lang-select" value={lang} onChange={(e) => { const v = e.currentTarget.value; if (isLang(v)) setLang(v); }}>
        {Object.entries(LANGUAGES).map(([code, name]) => <option key={code} value={code} lang={code}>{name}</option>)}
      </select>
    </div>
  );

  if (session === undefined) return <p class="boot" aria-busy="true">{t('app.loading')}</p>;
  const PageComponent = PAGE_COMPONENTS[page];
  return (
    <AppContext.Provider value={ctx}>
      <a class="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>{t('app.skip')}</a>
      <header class="topbar">
        <span class="brand">{t('app.name')}</span>
        {session && (
          <button type="button" class="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>{t('app.menu')}</button>
        )}
        <div class="topbar-end">
          {session && <span class={`live-state ${liveState}`} id="live-state" role="status">{t(`app.live.${liveState === 'open' ? 'open' : liveState === 'connecting' ? 'connecting' : 'closed'}`)}</span>}
          {langSwitch}
          {session && <span class="who">{t('app.loggedInAs', { name: session.username })}</span>}
          {session && <button type="button" onClick={() => void logout()}>{t('app.logout')}</button>}
        </div>
      </header>
      <div class={session ? 'layout' : 'layout no-nav'}>
        {session && (
          <nav id="main-nav" class={menuOpen ? 'open' : ''} aria-label={t('nav.label')}>
            <ul>
              {PAGES.map((p) => (
                <li key={p}><a href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>{t(PAGE_TITLES[p])}</a></li>
              ))}
            </ul>
          </nav>
        )}
        <main id="main" ref={main} tabIndex={-1}>
          {session ? (
            <>
              <AlertsPanel />
              <PageComponent key={page} />
            </>
          ) : (
            <Login onLoggedIn={(s) => setSession(s)} />
          )}
        </main>
      </div>
    </AppContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
