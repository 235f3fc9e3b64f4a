// Thunderbird's autoconfig file (clientConfig version 1.1), served at
// /.well-known/autoconfig/mail/config-v1.1.xml and, on the autoconfig.DOMAIN host, at
// /mail/config-v1.1.xml. The user name is the full address (%EMAILADDRESS%, which Thunderbird
// fills in), the password sent in the clear over TLS.

import type { ClientSetupInfo } from '../deps.js';
import { incomingServices, outgoingServices } from './mail-services.js';
import { xmlText } from './xml-text.js';

export function autoconfigXml(domain: string, info: ClientSetupInfo): string {
  const server = (tag: 'incomingServer' | 'outgoingServer', s: { protocol: string; port: number; security: 'ssl' | 'starttls' }) => [
    `    <${tag} type="${s.protocol}">`,
    `      <hostname>${xmlText(info.hostname)}</hostname>`,
    `      <port>${s.port}</port>`,
    `      <socketType>${s.security === 'ssl' ? 'SSL' : 'STARTTLS'}</socketType>`,
    '      <authentication>password-cleartext</authentication>',
    '      <username>%EMAILADDRESS%</username>',
    `    </${tag}>`,
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xmlText(domain)}">`,
    `    <domain>${xmlText(domain)}</domain>`,
    `    <displayName>${xmlText(domain)} mail</displayName>`,
    `    <displayShortName>${xmlText(domain)}</displayShortName>`,
    ...incomingServices(info).flatMap((s) => server('incomingServer', s)),
    ...outgoingServices(info).flatMap((s) => server('outgoingServer', s)),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}
