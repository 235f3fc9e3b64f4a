// A GET that depends on the page's state: nothing while the path is null, loaded again when
// the path changes or reload() is called; answers of an older path are dropped.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';

export interface Loaded<T> { data: T | null; error: string | null }

export function useLoad<T>(path: string | null): Loaded<T> & { reload: () => void } {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!path) { setState({ data: null, error: null }); return; }
    let alive = true;
    setState({ data: null, error: null });
    api<T>('GET', path).then(
      (data) => { if (alive) setState({ data, error: null }); },
      (err: unknown) => { if (alive) setState({ data: null, error: err instanceof Error ? err.message : String(err) }); },
    );
    return () => { alive = false; };
  }, [path, round]);
  return { ...state, reload: () => setRound((r) => r + 1) };
}

