// The panel's pages, addressed by the URL's hash (#/users), so a reload or a bookmark lands on
// the same page and the browser's back button works.

import type { MessageKey } from './i18n.js';

export const PAGES = ['dashboard', 'domains', 'users', 'mailbox', 'aliases', 'forwards', 'lists', 'queue', 'logs', 'services', 'backup', 'firewall', 'quota', 'tls', 'updates'] as const;
export type Page = (typeof PAGES)[number];

export const PAGE_TITLES: Record<Page, MessageKey> = {
  dashboard: 'nav.dashboard', domains: 'nav.domains', users: 'nav.users', aliases: 'nav.aliases',
  queue: 'nav.queue', logs: 'nav.logs', services: 'nav.services',
  mailbox: 'nav.mailbox', backup: 'nav.backup',
  firewall: 'nav.firewall',
  quota: 'nav.quota',
  tls: 'nav.tls',
  updates: 'nav.updates',
  forwards: 'nav.forwards',
  lists: 'nav.lists',
};

export function pageFromHash(hash: string): Page {
  const name = hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'dashboard';
}
