// The mail services a client is told about, in order of preference: implicit TLS before
// STARTTLS (RFC 8314), IMAP before POP3. Derived from the listeners that are configured.

import type { ClientSetupInfo } from '../deps.js';

export interface MailService {
  protocol: 'imap' | 'pop3' | 'smtp';
  port: number;
  /** "ssl": TLS from the first byte; "starttls": upgraded after connecting. */
  security: 'ssl' | 'starttls';
}

export function incomingServices(info: ClientSetupInfo): MailService[] {
  const out: MailService[] = [];
  if (info.imaps !== null) out.push({ protocol: 'imap', port: info.imaps, security: 'ssl' });
  if (info.imap !== null) out.push({ protocol: 'imap', port: info.imap, security: 'starttls' });
  if (info.pop3s !== null) out.push({ protocol: 'pop3', port: info.pop3s, security: 'ssl' });
  if (info.pop3 !== null) out.push({ protocol: 'pop3', port: info.pop3, security: 'starttls' });
  return out;
}

export function outgoingServices(info: ClientSetupInfo): MailService[] {
  const out: MailService[] = [];
  if (info.submissions !== null) out.push({ protocol: 'smtp', port: info.submissions, security: 'ssl' });
  if (info.submission !== null) out.push({ protocol: 'smtp', port: info.submission, security: 'starttls' });
  return out;
}
