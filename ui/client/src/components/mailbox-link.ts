// Opening the mailbox page on one account. The page address is only "#/mailbox" (the panel's
// routes are page names), so the chosen account travels in sessionStorage: it survives a reload
// of that tab and is never shared with another.

const KEY = 'mailroom.mailbox.user';

export function openMailbox(address: string): void {
  try { sessionStorage.setItem(KEY, address); } catch { /* storage disabled: the page asks */ }
  location.hash = '#/mailbox';
}

export function rememberedMailbox(): string {
  try { return sessionStorage.getItem(KEY) ?? ''; } catch { return ''; }
}

export function rememberMailbox(address: string): void {
  try { sessionStorage.setItem(KEY, address); } catch { /* storage disabled */ }
}
