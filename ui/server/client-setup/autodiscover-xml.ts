// Microsoft's autodiscover (the "POX" XML of Outlook 2007 and later, and of many other
// clients): POST /autodiscover/autodiscover.xml with the address in <EMailAddress>, answered
// with an email account of IMAP (or POP3) and SMTP settings. <Encryption> tells SSL (implicit)
// from TLS (STARTTLS); <SSL> is kept for clients that only read that.

import type { ClientSetupInfo } from '../deps.js';
import { incomingServices, outgoingServices, type MailService } from './mail-services.js';
import { xmlText } from './xml-text.js';

const MAX_ADDRESS = 320;

/**
 * The address of an autodiscover request. The request is a tiny fixed document, so the one
 * element is found by name (any namespace prefix) rather than with an XML parser; anything
 * unexpected yields null.
 */
export function autodiscoverAddress(body: string): string | null {
  const m = /<(?:[A-Za-z][\w.-]*:)?EMailAddress\s*>\s*([^<\s]{3,320})\s*<\/(?:[A-Za-z][\w.-]*:)?EMailAddress\s*>/.exec(body);
  const address = m?.[1];
  return address && address.length <= MAX_ADDRESS ? address : null;
}

export function autodiscoverXml(address: string, info: ClientSetupInfo): string {
  const protocol = (s: MailService) => [
    '      <Protocol>',
    `        <Type>${s.protocol === 'imap' ? 'IMAP' : s.protocol === 'pop3' ? 'POP3' : 'SMTP'}</Type>`,
    `        <Server>${xmlText(info.hostname)}</Server>`,
    `        <Port>${s.port}</Port>`,
    '        <DomainRequired>off</DomainRequired>',
    `        <LoginName>${xmlText(address)}</LoginName>`,
    '        <SPA>off</SPA>',
    `        <SSL>${s.security === 'ssl' ? 'on' : 'off'}</SSL>`,
    `        <Encryption>${s.security === 'ssl' ? 'SSL' : 'TLS'}</Encryption>`,
    '        <AuthRequired>on</AuthRequired>',
    ...(s.protocol === 'smtp' ? ['        <UsePOPAuth>off</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ];
  // Outlook takes the first protocol of each kind: the preferred incoming one and the preferred SMTP.
  const incoming = incomingServices(info).slice(0, 1);
  const outgoing = outgoingServices(info).slice(0, 1);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">',
    '    <User>',
    `      <DisplayName>${xmlText(address)}</DisplayName>`,
    '    </User>',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...[...incoming, ...outgoing].flatMap(protocol),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}
