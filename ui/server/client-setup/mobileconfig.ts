// An Apple configuration profile (.mobileconfig, a property list) that sets up one mail account
// on iOS, iPadOS and macOS: IMAP (or POP3) in, SMTP out, the address as user name, the
// password asked for at install. Unsigned: the device shows it as "Not Verified", which is the
// norm for self-hosted profiles. Payload UUIDs are derived from the host and address, so
// installing a newer profile replaces the old one instead of adding a second account.

import { createHash } from 'node:crypto';
import type { ClientSetupInfo } from '../deps.js';
import { incomingServices, outgoingServices } from './mail-services.js';
import { xmlText } from './xml-text.js';

/** A UUID (version 5 layout) from a SHA-256 of the name. */
function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Reverse-DNS identifier part: letters, digits, dots and dashes only. */
function identifierPart(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9.-]+/g, '-');
}

type PlistValue = string | number | boolean;

function entries(pairs: [string, PlistValue][], indent: string): string[] {
  return pairs.flatMap(([key, value]) => [
    `${indent}<key>${xmlText(key)}</key>`,
    typeof value === 'boolean' ? `${indent}<${value}/>` : typeof value === 'number' ? `${indent}<integer>${value}</integer>` : `${indent}<string>${xmlText(value)}</string>`,
  ]);
}

export function mobileconfigFilename(address: string): string {
  return `${address.replace(/[^A-Za-z0-9@._-]+/g, '_')}.mobileconfig`;
}

export function mobileconfigXml(address: string, info: ClientSetupInfo): string | null {
  const incoming = incomingServices(info)[0];
  const outgoing = outgoingServices(info)[0];
  if (!incoming || !outgoing) return null;
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const base = `${identifierPart(info.hostname.split('.').reverse().join('.'))}.mailroom.email.${identifierPart(address)}`;
  const account: [string, PlistValue][] = [
    ['EmailAccountDescription', address],
    ['EmailAccountName', address],
    ['EmailAccountType', incoming.protocol === 'imap' ? 'EmailTypeIMAP' : 'EmailTypePOP'],
    ['EmailAddress', address],
    ['IncomingMailServerAuthentication', 'EmailAuthPassword'],
    ['IncomingMailServerHostName', info.hostname],
    ['IncomingMailServerPortNumber', incoming.port],
    // false means STARTTLS where the server offers it, which ours always does.
    ['IncomingMailServerUseSSL', incoming.security === 'ssl'],
    ['IncomingMailServerUsername', address],
    ['OutgoingMailServerAuthentication', 'EmailAuthPassword'],
    ['OutgoingMailServerHostName', info.hostname],
    ['OutgoingMailServerPortNumber', outgoing.port],
    ['OutgoingMailServerUseSSL', outgoing.security === 'ssl'],
    ['OutgoingMailServerUsername', address],
    ['OutgoingPasswordSameAsIncomingPassword', true],
    ['PayloadDescription', `Mail account ${address}`],
    ['PayloadDisplayName', address],
    ['PayloadIdentifier', `${base}.account`],
    ['PayloadType', 'com.apple.mail.managed'],
    ['PayloadUUID', stableUuid(`${info.hostname}\0${address}\0account`)],
    ['PayloadVersion', 1],
  ];
  const profile: [string, PlistValue][] = [
    ['PayloadDescription', `Sets up the mail account ${address} on ${info.hostname}.`],
    ['PayloadDisplayName', `Mail: ${address}`],
    ['PayloadIdentifier', base],
    ['PayloadOrganization', domain],
    ['PayloadRemovalDisallowed', false],
    ['PayloadType', 'Configuration'],
    ['PayloadUUID', stableUuid(`${info.hostname}\0${address}\0profile`)],
    ['PayloadVersion', 1],
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    '<dict>',
    '  <key>PayloadContent</key>',
    '  <array>',
    '    <dict>',
    ...entries(account, '      '),
    '    </dict>',
    '  </array>',
    ...entries(profile, '  '),
    '</dict>',
    '</plist>',
    '',
  ].join('\n');
}
