// Loading a REST resource into a page, re-reading it on demand and after the live feed
// reconnects (messages missed while it was down are not replayed); and listening to the feed.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { WsMessage } from '../../shared/ws-messages.js';
import { api } from './api.js';
import { useApp } from './context.js';

export interface Resource<T> {
  data: T | null;
  error: string | null;
  reload: () => Promise<void>;
  setData: (update: (old: T | null) => T | null) => void;
}

export function useResource<T>(path: string): Resource<T> {
  const { live } = useApp();
  const [data, setDataState] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  const reload = useCallback(async () => {
    try {
      const value = await api<T>('GET', path);
      if (!alive.current) return;
      setDataState(value);
      setError(null);
    } catch (err) {
      if (alive.current) setError(err instanceof Error ? err.message : String(err));
    }
  }, [path]);
  useEffect(() => {
    alive.current = true;
    void reload();
    const off = live.onReconnect(() => void reload());
    return () => { alive.current = false; off(); };
  }, [reload, live]);
  const setData = useCallback((update: (old: T | null) => T | null) => setDataState(update), []);
  return { data, error, reload, setData };
}

export function useLive(listener: (message: WsMessage) => void): void {
  const { live } = useApp();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => live.on((m) => ref.current(m)), [live]);
}

/** Runs an action, turning its outcome into a message for a status line. */
export function useAction(): { busy: boolean; status: { kind: 'ok' | 'error'; text: string } | null; run: (fn: () => Promise<void>) => Promise<boolean>; clear: () => void } {
  const { t } = useApp();
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const run = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setStatus(null);
    try {
      await fn();
      setStatus({ kind: 'ok', text: t('app.done') });
      return true;
    } catch (err) {
      setStatus({ kind: 'error', text: t('app.error', { message: err instanceof Error ? err.message : String(err) }) });
      return false;
    } finally {
      setBusy(false);
    }
  }, [t]);
  return { busy, status, run, clear: () => setStatus(null) };
}
