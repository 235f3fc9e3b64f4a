// What every page needs: the language and its translator, and the live feed.

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Lang, Translate } from './i18n.js';
import type { LiveFeed } from './live.js';

export interface AppContextValue {
  lang: Lang;
  t: Translate;
  live: LiveFeed;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppContext.Provider>');
  return value;
}
