// Real messages for the FETCH tests, each a raw RFC 5322 message with CRLF line ends as the
// store keeps it. The same bytes were appended to a private Dovecot 2.3.19 on loopback to capture
// the expected ENVELOPE, BODYSTRUCTURE and BODY[...] answers (see dovecot-answers.ts).

import { TORTURE } from '../mime/torture-message.js';

const CRLF = '\r\n';

function message(...lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(l + CRLF, 'utf8') : Buffer.concat([l, Buffer.from(CRLF)]))));
}

/** The MIME torture message of the indexer tests (nested multiparts, message/rfc822, RFC 2231). */
export const MIME_TORTURE = TORTURE;

/** No MIME at all: RFC 2045 defaults apply (text/plain; charset=us-ascii, 7bit). */
export const PLAIN_RFC822 = message(
  'From: Alice Example <alice@example.com>',
  'To: bob@example.org',
  'Subject: Lunch?',
  'Date: Tue, 3 Jun 2025 12:00:00 +0000',
  'Message-ID: <plain-1@example.com>',
  '',
  'Shall we have lunch',
  'at noon?',
);

/** Odd headers: groups, empty Subject, no Date, quotes and backslashes, raw UTF-8, folded fields. */
export const ODD_HEADERS = message(
  'From: "Quote \\"Q\\" Person" <q@example.com>, "Back\\\\slash" <b@example.com>',
  'Reply-To: Team: one@example.com, "Two" <two@example.com>;, solo@example.net',
  'To: undisclosed-recipients:;',
  'Cc: "Many \\"\\"\\" quotes" <m@example.com>',
  'Bcc: Nguyễn Thị Hoa <hoa@example.vn>',
  'Subject:',
  'In-Reply-To: <a@example.com>',
  '  <b@example.com>',
  'Message-ID: <odd-1@example.com>',
  'X-Folded: first',
  '\tsecond',
  'Content-Type: TEXT/PLAIN; CHARSET="UTF-8"; format=flowed',
  'Content-Transfer-Encoding: 8BIT',
  'Content-Language: vi, en-US',
  'Content-Location: http://example.com/',
  ' odd.txt',
  'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==',
  'Content-Disposition: inline; creation-date="Tue, 3 Jun 2025 12:00:00 +0000"',
  'Content-ID: <odd-part@example.com>',
  'Content-Description: An odd one',
  '',
  'Xin chào thế giới',
  'Tiếng Việt có dấu',
);

/**
 * A second torture message: a Vietnamese UTF-8 8bit body, a message/rfc822 whose body is a
 * single part (so "2.1" is its body), an image with an RFC 2231 continued and encoded filename,
 * a text part without charset, and an attachment with an unknown transfer encoding.
 */
export const VIETNAMESE_TORTURE = message(
  'From: =?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh@example.vn>',
  'To: =?UTF-8?B?TmjDs20gYsOhbiBow6BuZw==?=: an@example.vn, "Lê, Văn" <le@example.vn>;',
  'Subject: =?UTF-8?B?QsOhbyBjw6FvIHF1w70gMw==?= (Q3)',
  'Date: Wed, 4 Jun 2025 08:30:00 +0700',
  'Message-ID: <vn-2@example.vn>',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="==b1=="',
  '',
  '--==b1==',
  'Content-Type: multipart/alternative; boundary="==b2=="',
  '',
  '--==b2==',
  'Content-Type: text/plain; charset=UTF-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Chào anh,',
  'Báo cáo quý 3 đính kèm.',
  '--==b2==',
  'Content-Type: text/html; charset=UTF-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  '<p>Ch=C3=A0o anh,</p><p>B=C3=A1o c=C3=A1o qu=C3=BD 3 =C4=91=C3=ADnh k=C3=A8m=',
  '.</p>',
  '--==b2==--',
  '',
  '--==b1==',
  'Content-Type: message/rfc822',
  'Content-Disposition: inline',
  '',
  'From: boss@example.vn',
  'Subject: Re: Q3',
  'Content-Type: text/plain',
  '',
  'OK.',
  '',
  '--==b1==',
  'Content-Type: image/png;',
  " name*0*=UTF-8''%E1%BA%A2nh%20;",
  ' name*1="chart.png"',
  'Content-Transfer-Encoding: base64',
  "Content-Disposition: attachment; filename*=UTF-8''%E1%BA%A2nh%20chart.png",
  '',
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk',
  '+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  '--==b1==',
  'Content-Type: application/x-uue; name=data.uu',
  'Content-Transfer-Encoding: x-uuencode',
  '',
  'begin 644 data',
  'end',
  '--==b1==--',
);

export const ALL_MESSAGES: Record<string, Buffer> = { MIME_TORTURE, PLAIN_RFC822, ODD_HEADERS, VIETNAMESE_TORTURE };
