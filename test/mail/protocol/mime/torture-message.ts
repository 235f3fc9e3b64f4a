// A MIME torture message for the indexer tests: nested multipart/mixed and alternative, a
// forwarded message/rfc822 with its own multipart, base64 and quoted-printable parts, RFC 2231
// parameters, and Vietnamese text in UTF-8 and windows-1258 (which writes tone marks as
// combining characters, so assertions compare NFC forms).

const CRLF = '\r\n';

function lines(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

export const PDF_BYTES = Buffer.from('%PDF-1.4\n% fake pdf body for tests\n%%EOF\n', 'latin1');
export const ZIP_BYTES = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff));

/** "Văn phòng" in windows-1258: ă is 0xE3, ò is o + combining grave 0xCC. */
export const CP1258_VAN_PHONG = Buffer.from([0x56, 0xe3, 0x6e, 0x20, 0x70, 0x68, 0x6f, 0xcc, 0x6e, 0x67]);

export const PARTS = {
  plain: 'Xin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=' + CRLF + 'd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.' + CRLF + 'H=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!',
  html: Buffer.from('<html><head><style>p { color: red }</style></head><body><p>Gr\u00fc\u00dfe aus M\u00fcnchen</p><p>Tom &amp; Jerry</p></body></html>', 'latin1').toString('base64').replace(/(.{76})/g, `$1${CRLF}`),
  nestedText: 'Nested body text' + CRLF + 'second line',
  pdf: PDF_BYTES.toString('base64'),
  zip: ZIP_BYTES.toString('base64').replace(/(.{76})/g, `$1${CRLF}`),
};

export const NESTED_HEADER =
  'From: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>' + CRLF +
  'To: team@example.com' + CRLF +
  'Subject: =?iso-8859-1?Q?R=E9union?= de lundi' + CRLF +
  'Date: Fri, 30 May 2025 09:15:00 +0200' + CRLF +
  'Message-ID: <nested-1@example.fr>' + CRLF +
  'MIME-Version: 1.0' + CRLF +
  'Content-Type: multipart/mixed; boundary="inner-boundary"' + CRLF + CRLF;

export const TORTURE = lines(
  'Return-Path: <nva@example.vn>', CRLF,
  'Received: from mx.example.vn (mx.example.vn [192.0.2.7])', CRLF,
  '\tby mail.example.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:00:00 +0700', CRLF,
  'From: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>', CRLF,
  'Sender: secretary@example.vn', CRLF,
  'To: "Tr\\"an, B" <tranb@example.com>, Team: a@example.com, b@example.com;', CRLF,
  'Cc: undisclosed-recipients:;', CRLF,
  'Subject: =?windows-1258?Q?Th=F4ng_b=E1o_?=', CRLF,
  ' =?windows-1258?Q?V=E3n_pho=CCng?=', CRLF,
  'Date: Mon, 2 Jun 2025 10:00:00 +0700 (ICT)', CRLF,
  'Message-ID: <torture-1@example.vn>', CRLF,
  'In-Reply-To: <earlier@example.com>', CRLF,
  'MIME-Version: 1.0', CRLF,
  'Content-Type: multipart/mixed;', CRLF,
  '\tboundary="outer=_boundary"', CRLF,
  CRLF,
  'This is a multi-part message in MIME format.', CRLF,
  '--outer=_boundary', CRLF,
  'Content-Type: multipart/alternative; boundary=alt', CRLF,
  CRLF,
  '--alt', CRLF,
  'Content-Type: text/plain; charset=utf-8', CRLF,
  'Content-Transfer-Encoding: quoted-printable', CRLF,
  CRLF,
  PARTS.plain, CRLF,
  '--alt', CRLF,
  'Content-Type: text/html; charset=ISO-8859-1', CRLF,
  'Content-Transfer-Encoding: base64', CRLF,
  CRLF,
  PARTS.html, CRLF,
  '--alt--', CRLF,
  CRLF,
  '--outer=_boundary', CRLF,
  'Content-Type: message/rfc822', CRLF,
  'Content-Description: forwarded', CRLF,
  CRLF,
  NESTED_HEADER,
  '--inner-boundary', CRLF,
  CRLF,
  PARTS.nestedText, CRLF,
  '--inner-boundary', CRLF,
  'Content-Type: application/pdf; name="agenda.pdf"', CRLF,
  'Content-Transfer-Encoding: base64', CRLF,
  'Content-Disposition: attachment; filename="agenda.pdf"', CRLF,
  CRLF,
  PARTS.pdf, CRLF,
  '--inner-boundary--', CRLF,
  '--outer=_boundary', CRLF,
  'Content-Type: application/zip;', CRLF,
  " name*0*=utf-8''B%C3%A1o%20c%C3%A1o;", CRLF,
  ' name*1=" Q3.zip"', CRLF,
  'Content-Transfer-Encoding: base64', CRLF,
  "Content-Disposition: attachment; filename*=utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip; size=300", CRLF,
  'Content-ID: <zip@example.vn>', CRLF,
  CRLF,
  PARTS.zip, CRLF,
  '--outer=_boundary', CRLF,
  'Content-Type: text/plain; charset=windows-1258', CRLF,
  'Content-Transfer-Encoding: 8bit', CRLF,
  'Content-Language: vi', CRLF,
  CRLF,
  CP1258_VAN_PHONG, CRLF,
  '--outer=_boundary--', CRLF,
  'epilogue', CRLF,
);
