// The quota warning a user finds in their INBOX: from postmaster@ their own domain (the address
// they would answer to ask for more space), in English and Vietnamese, with the numbers.
// Auto-Submitted (RFC 3834) so no autoresponder answers it; the envelope sender is the null path.

import { randomBytes } from 'node:crypto';
import { formatSize } from '../../core/size.js';

export interface QuotaWarningFacts {
  address: string;
  level: number;
  used: number;
  quota: number;
  messages: number;
  /** The server's host name, for the Message-ID. */
  hostname: string;
  now?: Date;
}

function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

export function quotaWarningText(f: QuotaWarningFacts): { subject: string; text: string } {
  const percent = Math.min(999, Math.floor((f.used * 100) / f.quota));
  const used = formatSize(f.used);
  const quota = formatSize(f.quota);
  const subject = `Your mailbox is ${f.level}% full / Hộp thư của bạn đã đầy ${f.level}%`;
  const text = [
    `Your mailbox ${f.address} is ${percent}% full: ${used} of ${quota} used (${f.messages} messages).`,
    'When it is full, new mail to you is refused until you make room.',
    'Please delete messages you no longer need and empty the Trash folder,',
    'or ask your administrator for more space.',
    '',
    '--',
    '',
    `Hộp thư ${f.address} của bạn đã dùng ${percent}% dung lượng: ${used} trên ${quota} (${f.messages} thư).`,
    'Khi hộp thư đầy, thư mới gửi đến bạn sẽ bị từ chối cho đến khi bạn giải phóng dung lượng.',
    'Vui lòng xoá những thư không còn cần và dọn sạch thư mục Thùng rác,',
    'hoặc đề nghị quản trị viên cấp thêm dung lượng.',
    '',
  ].join('\r\n');
  return { subject, text };
}

/** The whole message, headers included, with a null Return-Path in front. */
export function buildQuotaWarningMessage(f: QuotaWarningFacts): Buffer {
  const { subject, text } = quotaWarningText(f);
  const domain = f.address.slice(f.address.lastIndexOf('@') + 1);
  const date = (f.now ?? new Date()).toUTCString().replace('GMT', '+0000');
  const body = Buffer.from(text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n').replace(/\r\n$/, '');
  const headers = [
    'Return-Path: <>',
    `From: Postmaster <postmaster@${domain}>`,
    `To: <${f.address}>`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${date}`,
    `Message-ID: <quota.${f.level}.${randomBytes(10).toString('hex')}@${f.hostname}>`,
    'Auto-Submitted: auto-generated',
    'X-Mailroom-Quota-Warning: ' + f.level,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return Buffer.from(headers.join('\r\n') + '\r\n\r\n' + body + '\r\n', 'utf8');
}
