// The list's own messages (confirmation requests, welcome and goodbye notes, a rejected post's
// notice, the owner's reports). Pure: RFC 5322 text in, the caller sends it. They are marked
// Auto-Submitted (RFC 3834) so that auto-responders leave them alone.

import { randomBytes } from 'node:crypto';

export interface Notice {
  from: string;
  /** Display name of From. */
  fromName: string;
  to: string;
  subject: string;
  text: string;
  replyTo?: string;
  /** Extra header fields, "Name: value" each. */
  headers?: string[];
}

function encodeHeaderText(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function renderNotice(n: Notice, date: Date, hostname: string): string {
  const body = n.text.replace(/\r?\n/g, '\r\n');
  return [
    `From: "${n.fromName.replace(/(["\\])/g, '\\$1')}" <${n.from}>`,
    `To: <${n.to}>`,
    `Subject: ${encodeHeaderText(n.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomBytes(12).toString('hex')}@${hostname}>`,
    ...(n.replyTo ? [`Reply-To: <${n.replyTo}>`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    ...(n.headers ?? []),
    '',
    body.endsWith('\r\n') ? body : body + '\r\n',
  ].join('\r\n');
}

export function confirmationNotice(o: { list: string; listName: string; to: string; action: 'subscribe' | 'unsubscribe'; confirmAddress: string; confirmUrl: string | null }): Notice {
  const what = o.action === 'subscribe' ? `join the list ${o.list}` : `leave the list ${o.list}`;
  return {
    from: o.confirmAddress, fromName: o.listName, to: o.to, replyTo: o.confirmAddress,
    subject: `Please confirm: ${o.action} ${o.list}`,
    text: [
      `Someone (probably you) asked for ${o.to} to ${what}.`,
      '',
      'To confirm, reply to this message (the reply goes to the confirmation address)',
      ...(o.confirmUrl ? ['or open this page:', '', `  ${o.confirmUrl}`] : []),
      '',
      'If you did not ask for this, ignore this message: nothing changes without your confirmation.',
    ].join('\n'),
  };
}

export function welcomeNotice(o: { list: string; listName: string; to: string; from: string; unsubscribe: string }): Notice {
  return {
    from: o.from, fromName: o.listName, to: o.to, subject: `Welcome to ${o.list}`,
    text: `${o.to} is now a member of ${o.list}.\n\nTo post, write to ${o.list}.\nTo leave, write to ${o.unsubscribe}.\n`,
  };
}

export function goodbyeNotice(o: { list: string; listName: string; to: string; from: string }): Notice {
  return { from: o.from, fromName: o.listName, to: o.to, subject: `You have left ${o.list}`, text: `${o.to} is no longer a member of ${o.list}.\n` };
}

export function rejectedNotice(o: { list: string; listName: string; to: string; from: string; subject: string; reason: string }): Notice {
  return {
    from: o.from, fromName: o.listName, to: o.to, subject: `Your post to ${o.list} was not accepted`,
    text: `Your message "${o.subject}" to ${o.list} was not distributed.\n\nReason: ${o.reason}\n`,
  };
}

export function ownerNotice(o: { list: string; listName: string; to: string; from: string; subject: string; text: string }): Notice {
  return { from: o.from, fromName: `${o.listName} (list manager)`, to: o.to, subject: o.subject, text: o.text };
}
