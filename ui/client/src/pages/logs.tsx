// The mail daemon's log, tailed live: the recent lines from the REST API, then each new line
// from the websocket; filtered by lowest level and by text, and pausable (new lines are still
// collected while paused, just not shown).

import { useEffect, useState } from 'preact/hooks';
import type { LogLine } from '../../../shared/api-types.js';
import { api } from '../api.js';
import { LoadState } from '../components/status-line.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { useLive } from '../hooks.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const KEEP = 2000;
const SHOW = 500;

function details(line: LogLine): string {
  const { time: _t, level: _l, msg: _m, ...rest } = line;
  const keys = Object.keys(rest);
  return keys.length ? keys.map((k) => `${k}=${typeof rest[k] === 'string' ? rest[k] : JSON.stringify(rest[k])}`).join(' ') : '';
}

export function Logs() {
  const { t, lang, live } = useApp();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [level, setLevel] = useState<(typeof LEVELS)[number]>('info');
  const [text, setText] = useState('');
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<LogLine[] | null>(null);

  useEffect(() => {
    let alive = true;
    const load = () => api<LogLine[]>('GET', `/api/v1/logs?limit=${KEEP}&level=debug`)
      .then((l) => { if (alive) { setLines(l); setError(null); setLoaded(true); } })
      .catch((err: unknown) => { if (alive) setError(err instanceof Error ? err.message : String(err)); });
    void load();
    const off = live.onReconnect(() => void load());
    return () => { alive = false; off(); };
  }, [live]);

  useLive((m) => {
    if (m.type === 'logs') setLines((old) => (old.length >= KEEP ? [...old.slice(old.length - KEEP + 1), m.line] : [...old, m.line]));
  });

  const source = paused && frozen ? frozen : lines;
  const min = LEVELS.indexOf(level);
  const needle = text.trim().toLowerCase();
  const filtered = source.filter((l) => LEVELS.indexOf(l.level) >= min && (!needle || JSON.stringify(l).toLowerCase().includes(needle)));
  const shown = filtered.slice(-SHOW).reverse();

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{t('logs.title')}</h1>
      <div class="toolbar card">
        <div class="field">
          <label for="log-level">{t('logs.level')}</label>
          <select id="log-level" value={level} onChange={(e) => setLevel(e.currentTarget.value as (typeof LEVELS)[number])}>
            {LEVELS.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="log-filter">{t('logs.filter')}</label>
          <input id="log-filter" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="button" aria-pressed={paused} onClick={() => { setFrozen(paused ? null : lines); setPaused(!paused); }}>{paused ? t('logs.resume') : t('logs.pause')}</button>
        <p class="muted" id="log-count">{t('logs.count', { shown: shown.length, total: source.length })}</p>
      </div>
      <LoadState error={error} loading={!loaded} />
      <div class="table-wrap log-wrap">
        <table id="log-table" class="log">
          <thead><tr><th scope="col">{t('logs.time')}</th><th scope="col">{t('logs.level')}</th><th scope="col">{t('logs.message')}</th></tr></thead>
          <tbody>
            {shown.map((l, i) => (
              <tr key={`${l.time}-${i}`} class={`level-${l.level}`}>
                <td class="nowrap">{formatTime(l.time, lang)}</td>
                <td><span class={`badge ${l.level === 'error' ? 'bad' : l.level === 'warn' ? 'warn' : ''}`}>{l.level}</span></td>
                <td><strong>{l.msg}</strong> <code class="wrap">{details(l)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
