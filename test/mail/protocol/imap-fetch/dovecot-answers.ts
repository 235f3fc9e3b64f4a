// Answers of a real Dovecot 2.3.19.1 to FETCH of the messages in messages.ts, captured over
// loopback from a private instance (no UTF8=ACCEPT: Dovecot 2.3 does not offer it). Values are
// the data item after its label, as latin1 strings (one char per octet); literals are kept as
// sent ({n} or ~{n} then CRLF then the octets). Regenerate with capture-dovecot-answers.py
// if the messages change.

export interface DovecotAnswer {
  status: string;
  value?: string;
}

export const DOVECOT_ANSWERS: Record<string, Record<string, DovecotAnswer>> = {
 "MIME_TORTURE": {
  "ENVELOPE": {
   "status": "OK Fetch completed",
   "value": "(\"Mon, 2 Jun 2025 10:00:00 +0700 (ICT)\" {67}\r\n=?windows-1258?Q?Th=F4ng_b=E1o_?= =?windows-1258?Q?V=E3n_pho=CCng?= ((\"=?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?=\" NIL \"nva\" \"example.vn\")) ((NIL NIL \"secretary\" \"example.vn\")) ((\"=?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?=\" NIL \"nva\" \"example.vn\")) (({8}\r\nTr\"an, B NIL \"tranb\" \"example.com\")(NIL NIL \"Team\" NIL)(NIL NIL \"a\" \"example.com\")(NIL NIL \"b\" \"example.com\")(NIL NIL NIL NIL)) ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) NIL \"<earlier@example.com>\" \"<torture-1@example.vn>\")"
  },
  "BODY": {
   "status": "OK Fetch completed",
   "value": "(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 120 2)(\"text\" \"html\" (\"charset\" \"ISO-8859-1\") NIL NIL \"base64\" 160 2) \"alternative\")(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 569 (\"Fri, 30 May 2025 09:15:00 +0200\" \"=?iso-8859-1?Q?R=E9union?= de lundi\" ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((NIL NIL \"team\" \"example.com\")) NIL NIL NIL \"<nested-1@example.fr>\") ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 29 1)(\"application\" \"pdf\" (\"name\" \"agenda.pdf\") NIL NIL \"base64\" 56) \"mixed\") 19)(\"application\" \"zip\" (\"name*\" \"utf-8''B%C3%A1o%20c%C3%A1o Q3.zip\") \"<zip@example.vn>\" NIL \"base64\" 410)(\"text\" \"plain\" (\"charset\" \"windows-1258\") NIL NIL \"8bit\" 10 0) \"mixed\")"
  },
  "BODYSTRUCTURE": {
   "status": "OK Fetch completed",
   "value": "(((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 120 2 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"ISO-8859-1\") NIL NIL \"base64\" 160 2 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"alt\") NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL \"forwarded\" \"7bit\" 569 (\"Fri, 30 May 2025 09:15:00 +0200\" \"=?iso-8859-1?Q?R=E9union?= de lundi\" ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((\"=?iso-8859-1?Q?Ren=E9e_Dupont?=\" NIL \"renee\" \"example.fr\")) ((NIL NIL \"team\" \"example.com\")) NIL NIL NIL \"<nested-1@example.fr>\") ((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 29 1 NIL NIL NIL NIL)(\"application\" \"pdf\" (\"name\" \"agenda.pdf\") NIL NIL \"base64\" 56 NIL (\"attachment\" (\"filename\" \"agenda.pdf\")) NIL NIL) \"mixed\" (\"boundary\" \"inner-boundary\") NIL NIL NIL) 19 NIL NIL NIL NIL)(\"application\" \"zip\" (\"name*\" \"utf-8''B%C3%A1o%20c%C3%A1o Q3.zip\") \"<zip@example.vn>\" NIL \"base64\" 410 NIL (\"attachment\" (\"size\" \"300\" \"filename*\" \"utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip\")) NIL NIL)(\"text\" \"plain\" (\"charset\" \"windows-1258\") NIL NIL \"8bit\" 10 0 NIL NIL (\"vi\") NIL) \"mixed\" (\"boundary\" \"outer=_boundary\") NIL NIL NIL)"
  },
  "RFC822.SIZE": {
   "status": "OK Fetch completed",
   "value": "2727"
  },
  "BODY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{2727}\r\nReturn-Path: <nva@example.vn>\r\nReceived: from mx.example.vn (mx.example.vn [192.0.2.7])\r\n\tby mail.example.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:00:00 +0700\r\nFrom: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>\r\nSender: secretary@example.vn\r\nTo: \"Tr\\\"an, B\" <tranb@example.com>, Team: a@example.com, b@example.com;\r\nCc: undisclosed-recipients:;\r\nSubject: =?windows-1258?Q?Th=F4ng_b=E1o_?=\r\n =?windows-1258?Q?V=E3n_pho=CCng?=\r\nDate: Mon, 2 Jun 2025 10:00:00 +0700 (ICT)\r\nMessage-ID: <torture-1@example.vn>\r\nIn-Reply-To: <earlier@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"outer=_boundary\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--outer=_boundary\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nXin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=\r\nd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.\r\nH=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!\r\n--alt\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\nPGh0bWw+PGhlYWQ+PHN0eWxlPnAgeyBjb2xvcjogcmVkIH08L3N0eWxlPjwvaGVhZD48Ym9keT48\r\ncD5HcvzfZSBhdXMgTfxuY2hlbjwvcD48cD5Ub20gJmFtcDsgSmVycnk8L3A+PC9ib2R5PjwvaHRt\r\nbD4=\r\n--alt--\r\n\r\n--outer=_boundary\r\nContent-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\n\r\nJVBERi0xLjQKJSBmYWtlIHBkZiBib2R5IGZvciB0ZXN0cwolJUVPRgo=\r\n--inner-boundary--\r\n--outer=_boundary\r\nContent-Type: application/zip;\r\n name*0*=utf-8''B%C3%A1o%20c%C3%A1o;\r\n name*1=\" Q3.zip\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip; size=300\r\nContent-ID: <zip@example.vn>\r\n\r\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tng5+71/AMKERgfJi00O0JJUFdeZWxzeoGI\r\nj5adpKuyucDHztXc4+rx+P8GDRQbIikwNz5FTFNaYWhvdn2Ei5KZoKeutbzDytHY3+bt9PsCCRAX\r\nHiUsMzpBSE9WXWRrcnmAh46VnKOqsbi/xs3U2+Lp8Pf+BQwTGiEoLzY9REtSWWBnbnV8g4qRmJ+m\r\nrbS7wsnQ197l7PP6AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09rh6O/2/QQLEhkgJy41\r\nPENKUVhfZm10e4KJkJeepayzusHIz9bd5Ovy+QAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoaivtr3E\r\ny9LZ4Ofu9fwDChEYHyYt\r\n--outer=_boundary\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\nContent-Language: vi\r\n\r\nV\u00e3n pho\u00ccng\r\n--outer=_boundary--\r\nepilogue\r\n"
  },
  "BODY.PEEK[HEADER]": {
   "status": "OK Fetch completed",
   "value": "{632}\r\nReturn-Path: <nva@example.vn>\r\nReceived: from mx.example.vn (mx.example.vn [192.0.2.7])\r\n\tby mail.example.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:00:00 +0700\r\nFrom: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>\r\nSender: secretary@example.vn\r\nTo: \"Tr\\\"an, B\" <tranb@example.com>, Team: a@example.com, b@example.com;\r\nCc: undisclosed-recipients:;\r\nSubject: =?windows-1258?Q?Th=F4ng_b=E1o_?=\r\n =?windows-1258?Q?V=E3n_pho=CCng?=\r\nDate: Mon, 2 Jun 2025 10:00:00 +0700 (ICT)\r\nMessage-ID: <torture-1@example.vn>\r\nIn-Reply-To: <earlier@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"outer=_boundary\"\r\n\r\n"
  },
  "BODY.PEEK[TEXT]": {
   "status": "OK Fetch completed",
   "value": "{2095}\r\nThis is a multi-part message in MIME format.\r\n--outer=_boundary\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nXin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=\r\nd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.\r\nH=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!\r\n--alt\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\nPGh0bWw+PGhlYWQ+PHN0eWxlPnAgeyBjb2xvcjogcmVkIH08L3N0eWxlPjwvaGVhZD48Ym9keT48\r\ncD5HcvzfZSBhdXMgTfxuY2hlbjwvcD48cD5Ub20gJmFtcDsgSmVycnk8L3A+PC9ib2R5PjwvaHRt\r\nbD4=\r\n--alt--\r\n\r\n--outer=_boundary\r\nContent-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\n\r\nJVBERi0xLjQKJSBmYWtlIHBkZiBib2R5IGZvciB0ZXN0cwolJUVPRgo=\r\n--inner-boundary--\r\n--outer=_boundary\r\nContent-Type: application/zip;\r\n name*0*=utf-8''B%C3%A1o%20c%C3%A1o;\r\n name*1=\" Q3.zip\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip; size=300\r\nContent-ID: <zip@example.vn>\r\n\r\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tng5+71/AMKERgfJi00O0JJUFdeZWxzeoGI\r\nj5adpKuyucDHztXc4+rx+P8GDRQbIikwNz5FTFNaYWhvdn2Ei5KZoKeutbzDytHY3+bt9PsCCRAX\r\nHiUsMzpBSE9WXWRrcnmAh46VnKOqsbi/xs3U2+Lp8Pf+BQwTGiEoLzY9REtSWWBnbnV8g4qRmJ+m\r\nrbS7wsnQ197l7PP6AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09rh6O/2/QQLEhkgJy41\r\nPENKUVhfZm10e4KJkJeepayzusHIz9bd5Ovy+QAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoaivtr3E\r\ny9LZ4Ofu9fwDChEYHyYt\r\n--outer=_boundary\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\nContent-Language: vi\r\n\r\nV\u00e3n pho\u00ccng\r\n--outer=_boundary--\r\nepilogue\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS (From Subject X-Folded In-Reply-To)]": {
   "status": "OK Fetch completed",
   "value": "{175}\r\nFrom: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>\r\nSubject: =?windows-1258?Q?Th=F4ng_b=E1o_?=\r\n =?windows-1258?Q?V=E3n_pho=CCng?=\r\nIn-Reply-To: <earlier@example.com>\r\n\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject Content-Type)]": {
   "status": "OK Fetch completed",
   "value": "{359}\r\nReturn-Path: <nva@example.vn>\r\nFrom: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>\r\nSender: secretary@example.vn\r\nTo: \"Tr\\\"an, B\" <tranb@example.com>, Team: a@example.com, b@example.com;\r\nCc: undisclosed-recipients:;\r\nDate: Mon, 2 Jun 2025 10:00:00 +0700 (ICT)\r\nMessage-ID: <torture-1@example.vn>\r\nIn-Reply-To: <earlier@example.com>\r\nMIME-Version: 1.0\r\n\r\n"
  },
  "BODY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{477}\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nXin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=\r\nd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.\r\nH=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!\r\n--alt\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\nPGh0bWw+PGhlYWQ+PHN0eWxlPnAgeyBjb2xvcjogcmVkIH08L3N0eWxlPjwvaGVhZD48Ym9keT48\r\ncD5HcvzfZSBhdXMgTfxuY2hlbjwvcD48cD5Ub20gJmFtcDsgSmVycnk8L3A+PC9ib2R5PjwvaHRt\r\nbD4=\r\n--alt--\r\n"
  },
  "BODY.PEEK[1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{53}\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n"
  },
  "BODY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{120}\r\nXin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=\r\nd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.\r\nH=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!"
  },
  "BODY.PEEK[1.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{88}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
  },
  "BODY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{160}\r\nPGh0bWw+PGhlYWQ+PHN0eWxlPnAgeyBjb2xvcjogcmVkIH08L3N0eWxlPjwvaGVhZD48Ym9keT48\r\ncD5HcvzfZSBhdXMgTfxuY2hlbjwvcD48cD5Ub20gJmFtcDsgSmVycnk8L3A+PC9ib2R5PjwvaHRt\r\nbD4="
  },
  "BODY.PEEK[1.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.1]": {
   "status": "OK Fetch completed",
   "value": "{120}\r\nXin ch=C3=A0o c=C3=A1c b=E1=BA=A1n,=\r\nd=C3=B2ng n=C3=A0y n=E1=BB=91i ti=E1=BA=BFp.\r\nH=E1=BA=B9n g=E1=BA=B7p l=E1=BA=A1i!"
  },
  "BODY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{569}\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\n\r\nJVBERi0xLjQKJSBmYWtlIHBkZiBib2R5IGZvciB0ZXN0cwolJUVPRgo=\r\n--inner-boundary--\r\n"
  },
  "BODY.PEEK[2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{64}\r\nContent-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\n"
  },
  "BODY.PEEK[2.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{279}\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n"
  },
  "BODY.PEEK[2.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{290}\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\n\r\nJVBERi0xLjQKJSBmYWtlIHBkZiBib2R5IGZvciB0ZXN0cwolJUVPRgo=\r\n--inner-boundary--\r\n"
  },
  "BODY.PEEK[2.HEADER.FIELDS (Subject)]": {
   "status": "OK Fetch completed",
   "value": "{48}\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\n\r\n"
  },
  "BODY.PEEK[2.1]": {
   "status": "OK Fetch completed",
   "value": "{29}\r\nNested body text\r\nsecond line"
  },
  "BODY.PEEK[2.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{2}\r\n\r\n"
  },
  "BODY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{56}\r\nJVBERi0xLjQKJSBmYWtlIHBkZiBib2R5IGZvciB0ZXN0cwolJUVPRgo="
  },
  "BODY.PEEK[2.2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{143}\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\n\r\n"
  },
  "BODY.PEEK[2.1.1]": {
   "status": "OK Fetch completed",
   "value": "{29}\r\nNested body text\r\nsecond line"
  },
  "BODY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{410}\r\nAAcOFRwjKjE4P0ZNVFtiaXB3foWMk5qhqK+2vcTL0tng5+71/AMKERgfJi00O0JJUFdeZWxzeoGI\r\nj5adpKuyucDHztXc4+rx+P8GDRQbIikwNz5FTFNaYWhvdn2Ei5KZoKeutbzDytHY3+bt9PsCCRAX\r\nHiUsMzpBSE9WXWRrcnmAh46VnKOqsbi/xs3U2+Lp8Pf+BQwTGiEoLzY9REtSWWBnbnV8g4qRmJ+m\r\nrbS7wsnQ197l7PP6AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09rh6O/2/QQLEhkgJy41\r\nPENKUVhfZm10e4KJkJeepayzusHIz9bd5Ovy+QAHDhUcIyoxOD9GTVRbYmlwd36FjJOaoaivtr3E\r\ny9LZ4Ofu9fwDChEYHyYt"
  },
  "BODY.PEEK[3.MIME]": {
   "status": "OK Fetch completed",
   "value": "{248}\r\nContent-Type: application/zip;\r\n name*0*=utf-8''B%C3%A1o%20c%C3%A1o;\r\n name*1=\" Q3.zip\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip; size=300\r\nContent-ID: <zip@example.vn>\r\n\r\n"
  },
  "BODY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{10}\r\nV\u00e3n pho\u00ccng"
  },
  "BODY.PEEK[4.MIME]": {
   "status": "OK Fetch completed",
   "value": "{105}\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\nContent-Language: vi\r\n\r\n"
  },
  "BODY.PEEK[5]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[9.9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[]<0.20>": {
   "status": "OK Fetch completed",
   "value": "{20}\r\nReturn-Path: <nva@ex"
  },
  "BODY.PEEK[]<100.50>": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nample.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:"
  },
  "BODY.PEEK[]<99999.10>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1]<3.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nlt\r\nC"
  },
  "BODY.PEEK[HEADER.FIELDS (Subject)]<2.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nbject"
  },
  "BINARY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "~{2493}\r\nReturn-Path: <nva@example.vn>\r\nReceived: from mx.example.vn (mx.example.vn [192.0.2.7])\r\n\tby mail.example.com with ESMTPS id 4F2A; Mon, 2 Jun 2025 10:00:00 +0700\r\nFrom: =?utf-8?B?Tmd1eeG7hW4gVsSDbiBB?= <nva@example.vn>\r\nSender: secretary@example.vn\r\nTo: \"Tr\\\"an, B\" <tranb@example.com>, Team: a@example.com, b@example.com;\r\nCc: undisclosed-recipients:;\r\nSubject: =?windows-1258?Q?Th=F4ng_b=E1o_?=\r\n =?windows-1258?Q?V=E3n_pho=CCng?=\r\nDate: Mon, 2 Jun 2025 10:00:00 +0700 (ICT)\r\nMessage-ID: <torture-1@example.vn>\r\nIn-Reply-To: <earlier@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"outer=_boundary\"\r\n\r\nThis is a multi-part message in MIME format.\r\n--outer=_boundary\r\nContent-Type: multipart/alternative; boundary=alt\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: binary\r\n\r\nXin ch\u00c3\u00a0o c\u00c3\u00a1c b\u00e1\u00ba\u00a1n,d\u00c3\u00b2ng n\u00c3\u00a0y n\u00e1\u00bb\u0091i ti\u00e1\u00ba\u00bfp.\r\nH\u00e1\u00ba\u00b9n g\u00e1\u00ba\u00b7p l\u00e1\u00ba\u00a1i!\r\n--alt\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Transfer-Encoding: binary\r\n\r\n<html><head><style>p { color: red }</style></head><body><p>Gr\u00fc\u00dfe aus M\u00fcnchen</p><p>Tom &amp; Jerry</p></body></html>\r\n--alt--\r\n\r\n--outer=_boundary\r\nContent-Type: message/rfc822\r\nContent-Description: forwarded\r\n\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\nContent-Transfer-Encoding: binary\r\n\r\n%PDF-1.4\n% fake pdf body for tests\n%%EOF\n\r\n--inner-boundary--\r\n--outer=_boundary\r\nContent-Type: application/zip;\r\n name*0*=utf-8''B%C3%A1o%20c%C3%A1o;\r\n name*1=\" Q3.zip\"\r\nContent-Disposition: attachment; filename*=utf-8'vi'B%C3%A1o%20c%C3%A1o%20Q3.zip; size=300\r\nContent-ID: <zip@example.vn>\r\nContent-Transfer-Encoding: binary\r\n\r\n\u0000\u0007\u000e\u0015\u001c#*18?FMT[bipw~\u0085\u008c\u0093\u009a\u00a1\u00a8\u00af\u00b6\u00bd\u00c4\u00cb\u00d2\u00d9\u00e0\u00e7\u00ee\u00f5\u00fc\u0003\n\u0011\u0018\u001f&-4;BIPW^elsz\u0081\u0088\u008f\u0096\u009d\u00a4\u00ab\u00b2\u00b9\u00c0\u00c7\u00ce\u00d5\u00dc\u00e3\u00ea\u00f1\u00f8\u00ff\u0006\r\u0014\u001b\")07>ELSZahov}\u0084\u008b\u0092\u0099\u00a0\u00a7\u00ae\u00b5\u00bc\u00c3\u00ca\u00d1\u00d8\u00df\u00e6\u00ed\u00f4\u00fb\u0002\t\u0010\u0017\u001e%,3:AHOV]dkry\u0080\u0087\u008e\u0095\u009c\u00a3\u00aa\u00b1\u00b8\u00bf\u00c6\u00cd\u00d4\u00db\u00e2\u00e9\u00f0\u00f7\u00fe\u0005\f\u0013\u001a!(/6=DKRY`gnu|\u0083\u008a\u0091\u0098\u009f\u00a6\u00ad\u00b4\u00bb\u00c2\u00c9\u00d0\u00d7\u00de\u00e5\u00ec\u00f3\u00fa\u0001\b\u000f\u0016\u001d$+29@GNU\\cjqx\u007f\u0086\u008d\u0094\u009b\u00a2\u00a9\u00b0\u00b7\u00be\u00c5\u00cc\u00d3\u00da\u00e1\u00e8\u00ef\u00f6\u00fd\u0004\u000b\u0012\u0019 '.5<CJQX_fmt{\u0082\u0089\u0090\u0097\u009e\u00a5\u00ac\u00b3\u00ba\u00c1\u00c8\u00cf\u00d6\u00dd\u00e4\u00eb\u00f2\u00f9\u0000\u0007\u000e\u0015\u001c#*18?FMT[bipw~\u0085\u008c\u0093\u009a\u00a1\u00a8\u00af\u00b6\u00bd\u00c4\u00cb\u00d2\u00d9\u00e0\u00e7\u00ee\u00f5\u00fc\u0003\n\u0011\u0018\u001f&-\r\n--outer=_boundary\r\nContent-Type: text/plain; charset=windows-1258\r\nContent-Transfer-Encoding: 8bit\r\nContent-Language: vi\r\n\r\nV\u00e3n pho\u00ccng\r\n--outer=_boundary--\r\nepilogue\r\n"
  },
  "BINARY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "~{368}\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: binary\r\n\r\nXin ch\u00c3\u00a0o c\u00c3\u00a1c b\u00e1\u00ba\u00a1n,d\u00c3\u00b2ng n\u00c3\u00a0y n\u00e1\u00bb\u0091i ti\u00e1\u00ba\u00bfp.\r\nH\u00e1\u00ba\u00b9n g\u00e1\u00ba\u00b7p l\u00e1\u00ba\u00a1i!\r\n--alt\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Transfer-Encoding: binary\r\n\r\n<html><head><style>p { color: red }</style></head><body><p>Gr\u00fc\u00dfe aus M\u00fcnchen</p><p>Tom &amp; Jerry</p></body></html>\r\n--alt--\r\n"
  },
  "BINARY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "~{65}\r\nXin ch\u00c3\u00a0o c\u00c3\u00a1c b\u00e1\u00ba\u00a1n,d\u00c3\u00b2ng n\u00c3\u00a0y n\u00e1\u00bb\u0091i ti\u00e1\u00ba\u00bfp.\r\nH\u00e1\u00ba\u00b9n g\u00e1\u00ba\u00b7p l\u00e1\u00ba\u00a1i!"
  },
  "BINARY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "~{116}\r\n<html><head><style>p { color: red }</style></head><body><p>Gr\u00fc\u00dfe aus M\u00fcnchen</p><p>Tom &amp; Jerry</p></body></html>"
  },
  "BINARY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "~{554}\r\nFrom: =?iso-8859-1?Q?Ren=E9e_Dupont?= <renee@example.fr>\r\nTo: team@example.com\r\nSubject: =?iso-8859-1?Q?R=E9union?= de lundi\r\nDate: Fri, 30 May 2025 09:15:00 +0200\r\nMessage-ID: <nested-1@example.fr>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"inner-boundary\"\r\n\r\n--inner-boundary\r\n\r\nNested body text\r\nsecond line\r\n--inner-boundary\r\nContent-Type: application/pdf; name=\"agenda.pdf\"\r\nContent-Disposition: attachment; filename=\"agenda.pdf\"\r\nContent-Transfer-Encoding: binary\r\n\r\n%PDF-1.4\n% fake pdf body for tests\n%%EOF\n\r\n--inner-boundary--\r\n"
  },
  "BINARY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "~{41}\r\n%PDF-1.4\n% fake pdf body for tests\n%%EOF\n"
  },
  "BINARY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "~{300}\r\n\u0000\u0007\u000e\u0015\u001c#*18?FMT[bipw~\u0085\u008c\u0093\u009a\u00a1\u00a8\u00af\u00b6\u00bd\u00c4\u00cb\u00d2\u00d9\u00e0\u00e7\u00ee\u00f5\u00fc\u0003\n\u0011\u0018\u001f&-4;BIPW^elsz\u0081\u0088\u008f\u0096\u009d\u00a4\u00ab\u00b2\u00b9\u00c0\u00c7\u00ce\u00d5\u00dc\u00e3\u00ea\u00f1\u00f8\u00ff\u0006\r\u0014\u001b\")07>ELSZahov}\u0084\u008b\u0092\u0099\u00a0\u00a7\u00ae\u00b5\u00bc\u00c3\u00ca\u00d1\u00d8\u00df\u00e6\u00ed\u00f4\u00fb\u0002\t\u0010\u0017\u001e%,3:AHOV]dkry\u0080\u0087\u008e\u0095\u009c\u00a3\u00aa\u00b1\u00b8\u00bf\u00c6\u00cd\u00d4\u00db\u00e2\u00e9\u00f0\u00f7\u00fe\u0005\f\u0013\u001a!(/6=DKRY`gnu|\u0083\u008a\u0091\u0098\u009f\u00a6\u00ad\u00b4\u00bb\u00c2\u00c9\u00d0\u00d7\u00de\u00e5\u00ec\u00f3\u00fa\u0001\b\u000f\u0016\u001d$+29@GNU\\cjqx\u007f\u0086\u008d\u0094\u009b\u00a2\u00a9\u00b0\u00b7\u00be\u00c5\u00cc\u00d3\u00da\u00e1\u00e8\u00ef\u00f6\u00fd\u0004\u000b\u0012\u0019 '.5<CJQX_fmt{\u0082\u0089\u0090\u0097\u009e\u00a5\u00ac\u00b3\u00ba\u00c1\u00c8\u00cf\u00d6\u00dd\u00e4\u00eb\u00f2\u00f9\u0000\u0007\u000e\u0015\u001c#*18?FMT[bipw~\u0085\u008c\u0093\u009a\u00a1\u00a8\u00af\u00b6\u00bd\u00c4\u00cb\u00d2\u00d9\u00e0\u00e7\u00ee\u00f5\u00fc\u0003\n\u0011\u0018\u001f&-"
  },
  "BINARY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{10}\r\nV\u00e3n pho\u00ccng"
  },
  "BINARY.PEEK[9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.SIZE[1]": {
   "status": "OK Fetch completed",
   "value": "368"
  },
  "BINARY.SIZE[1.1]": {
   "status": "OK Fetch completed",
   "value": "65"
  },
  "BINARY.SIZE[1.2]": {
   "status": "OK Fetch completed",
   "value": "116"
  },
  "BINARY.SIZE[2.2]": {
   "status": "OK Fetch completed",
   "value": "41"
  },
  "BINARY.SIZE[3]": {
   "status": "OK Fetch completed",
   "value": "300"
  },
  "BINARY.SIZE[4]": {
   "status": "OK Fetch completed",
   "value": "10"
  },
  "BINARY.PEEK[1.2]<2.3>": {
   "status": "OK Fetch completed",
   "value": "~{3}\r\ntml"
  }
 },
 "PLAIN_RFC822": {
  "ENVELOPE": {
   "status": "OK Fetch completed",
   "value": "(\"Tue, 3 Jun 2025 12:00:00 +0000\" \"Lunch?\" ((\"Alice Example\" NIL \"alice\" \"example.com\")) ((\"Alice Example\" NIL \"alice\" \"example.com\")) ((\"Alice Example\" NIL \"alice\" \"example.com\")) ((NIL NIL \"bob\" \"example.org\")) NIL NIL NIL \"<plain-1@example.com>\")"
  },
  "BODY": {
   "status": "OK Fetch completed",
   "value": "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 31 2)"
  },
  "BODYSTRUCTURE": {
   "status": "OK Fetch completed",
   "value": "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 31 2 NIL NIL NIL NIL)"
  },
  "RFC822.SIZE": {
   "status": "OK Fetch completed",
   "value": "185"
  },
  "BODY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{185}\r\nFrom: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Lunch?\r\nDate: Tue, 3 Jun 2025 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>\r\n\r\nShall we have lunch\r\nat noon?\r\n"
  },
  "BODY.PEEK[HEADER]": {
   "status": "OK Fetch completed",
   "value": "{154}\r\nFrom: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Lunch?\r\nDate: Tue, 3 Jun 2025 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>\r\n\r\n"
  },
  "BODY.PEEK[TEXT]": {
   "status": "OK Fetch completed",
   "value": "{31}\r\nShall we have lunch\r\nat noon?\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS (From Subject X-Folded In-Reply-To)]": {
   "status": "OK Fetch completed",
   "value": "{60}\r\nFrom: Alice Example <alice@example.com>\r\nSubject: Lunch?\r\n\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject Content-Type)]": {
   "status": "OK Fetch completed",
   "value": "{137}\r\nFrom: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nDate: Tue, 3 Jun 2025 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>\r\n\r\n"
  },
  "BODY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{31}\r\nShall we have lunch\r\nat noon?\r\n"
  },
  "BODY.PEEK[1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{154}\r\nFrom: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Lunch?\r\nDate: Tue, 3 Jun 2025 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>\r\n\r\n"
  },
  "BODY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.HEADER.FIELDS (Subject)]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[3.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[4.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[5]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[9.9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[]<0.20>": {
   "status": "OK Fetch completed",
   "value": "{20}\r\nFrom: Alice Example "
  },
  "BODY.PEEK[]<100.50>": {
   "status": "OK Fetch completed",
   "value": "{50}\r\n 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>"
  },
  "BODY.PEEK[]<99999.10>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1]<3.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nll we"
  },
  "BODY.PEEK[HEADER.FIELDS (Subject)]<2.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nbject"
  },
  "BINARY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{185}\r\nFrom: Alice Example <alice@example.com>\r\nTo: bob@example.org\r\nSubject: Lunch?\r\nDate: Tue, 3 Jun 2025 12:00:00 +0000\r\nMessage-ID: <plain-1@example.com>\r\n\r\nShall we have lunch\r\nat noon?\r\n"
  },
  "BINARY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{31}\r\nShall we have lunch\r\nat noon?\r\n"
  },
  "BINARY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.SIZE[1]": {
   "status": "OK Fetch completed",
   "value": "31"
  },
  "BINARY.SIZE[1.1]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[1.2]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[2.2]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[3]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[4]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.PEEK[1.2]<2.3>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  }
 },
 "ODD_HEADERS": {
  "ENVELOPE": {
   "status": "OK Fetch completed",
   "value": "(NIL \"\" (({16}\r\nQuote \"Q\" Person NIL \"q\" \"example.com\")({10}\r\nBack\\slash NIL \"b\" \"example.com\")) (({16}\r\nQuote \"Q\" Person NIL \"q\" \"example.com\")({10}\r\nBack\\slash NIL \"b\" \"example.com\")) ((NIL NIL \"Team\" NIL)(NIL NIL \"one\" \"example.com\")(\"Two\" NIL \"two\" \"example.com\")(NIL NIL NIL NIL)(NIL NIL \"solo\" \"example.net\")) ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) (({15}\r\nMany \"\"\" quotes NIL \"m\" \"example.com\")) (({18}\r\nNguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa NIL \"hoa\" \"example.vn\")) \"<a@example.com>  <b@example.com>\" \"<odd-1@example.com>\")"
  },
  "BODY": {
   "status": "OK Fetch completed",
   "value": "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"format\" \"flowed\") \"<odd-part@example.com>\" \"An odd one\" \"8BIT\" 50 2)"
  },
  "BODYSTRUCTURE": {
   "status": "OK Fetch completed",
   "value": "(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"UTF-8\" \"format\" \"flowed\") \"<odd-part@example.com>\" \"An odd one\" \"8BIT\" 50 2 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" (\"inline\" (\"creation-date\" \"Tue, 3 Jun 2025 12:00:00 +0000\")) (\"vi\" \"en-US\") \"http://example.com/ odd.txt\")"
  },
  "RFC822.SIZE": {
   "status": "OK Fetch completed",
   "value": "790"
  },
  "BODY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{790}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nReply-To: Team: one@example.com, \"Two\" <two@example.com>;, solo@example.net\r\nTo: undisclosed-recipients:;\r\nCc: \"Many \\\"\\\"\\\" quotes\" <m@example.com>\r\nBcc: Nguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa <hoa@example.vn>\r\nSubject:\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nMessage-ID: <odd-1@example.com>\r\nX-Folded: first\r\n\tsecond\r\nContent-Type: TEXT/PLAIN; CHARSET=\"UTF-8\"; format=flowed\r\nContent-Transfer-Encoding: 8BIT\r\nContent-Language: vi, en-US\r\nContent-Location: http://example.com/\r\n odd.txt\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; creation-date=\"Tue, 3 Jun 2025 12:00:00 +0000\"\r\nContent-ID: <odd-part@example.com>\r\nContent-Description: An odd one\r\n\r\nXin ch\u00c3\u00a0o th\u00e1\u00ba\u00bf gi\u00e1\u00bb\u009bi\r\nTi\u00e1\u00ba\u00bfng Vi\u00e1\u00bb\u0087t c\u00c3\u00b3 d\u00e1\u00ba\u00a5u\r\n"
  },
  "BODY.PEEK[HEADER]": {
   "status": "OK Fetch completed",
   "value": "{740}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nReply-To: Team: one@example.com, \"Two\" <two@example.com>;, solo@example.net\r\nTo: undisclosed-recipients:;\r\nCc: \"Many \\\"\\\"\\\" quotes\" <m@example.com>\r\nBcc: Nguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa <hoa@example.vn>\r\nSubject:\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nMessage-ID: <odd-1@example.com>\r\nX-Folded: first\r\n\tsecond\r\nContent-Type: TEXT/PLAIN; CHARSET=\"UTF-8\"; format=flowed\r\nContent-Transfer-Encoding: 8BIT\r\nContent-Language: vi, en-US\r\nContent-Location: http://example.com/\r\n odd.txt\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; creation-date=\"Tue, 3 Jun 2025 12:00:00 +0000\"\r\nContent-ID: <odd-part@example.com>\r\nContent-Description: An odd one\r\n\r\n"
  },
  "BODY.PEEK[TEXT]": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nXin ch\u00c3\u00a0o th\u00e1\u00ba\u00bf gi\u00e1\u00bb\u009bi\r\nTi\u00e1\u00ba\u00bfng Vi\u00e1\u00bb\u0087t c\u00c3\u00b3 d\u00e1\u00ba\u00a5u\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS (From Subject X-Folded In-Reply-To)]": {
   "status": "OK Fetch completed",
   "value": "{162}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nSubject:\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nX-Folded: first\r\n\tsecond\r\n\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject Content-Type)]": {
   "status": "OK Fetch completed",
   "value": "{672}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nReply-To: Team: one@example.com, \"Two\" <two@example.com>;, solo@example.net\r\nTo: undisclosed-recipients:;\r\nCc: \"Many \\\"\\\"\\\" quotes\" <m@example.com>\r\nBcc: Nguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa <hoa@example.vn>\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nMessage-ID: <odd-1@example.com>\r\nX-Folded: first\r\n\tsecond\r\nContent-Transfer-Encoding: 8BIT\r\nContent-Language: vi, en-US\r\nContent-Location: http://example.com/\r\n odd.txt\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; creation-date=\"Tue, 3 Jun 2025 12:00:00 +0000\"\r\nContent-ID: <odd-part@example.com>\r\nContent-Description: An odd one\r\n\r\n"
  },
  "BODY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nXin ch\u00c3\u00a0o th\u00e1\u00ba\u00bf gi\u00e1\u00bb\u009bi\r\nTi\u00e1\u00ba\u00bfng Vi\u00e1\u00bb\u0087t c\u00c3\u00b3 d\u00e1\u00ba\u00a5u\r\n"
  },
  "BODY.PEEK[1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{740}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nReply-To: Team: one@example.com, \"Two\" <two@example.com>;, solo@example.net\r\nTo: undisclosed-recipients:;\r\nCc: \"Many \\\"\\\"\\\" quotes\" <m@example.com>\r\nBcc: Nguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa <hoa@example.vn>\r\nSubject:\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nMessage-ID: <odd-1@example.com>\r\nX-Folded: first\r\n\tsecond\r\nContent-Type: TEXT/PLAIN; CHARSET=\"UTF-8\"; format=flowed\r\nContent-Transfer-Encoding: 8BIT\r\nContent-Language: vi, en-US\r\nContent-Location: http://example.com/\r\n odd.txt\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; creation-date=\"Tue, 3 Jun 2025 12:00:00 +0000\"\r\nContent-ID: <odd-part@example.com>\r\nContent-Description: An odd one\r\n\r\n"
  },
  "BODY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.HEADER.FIELDS (Subject)]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[3.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[4.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[5]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[9.9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[]<0.20>": {
   "status": "OK Fetch completed",
   "value": "{20}\r\nFrom: \"Quote \\\"Q\\\" P"
  },
  "BODY.PEEK[]<100.50>": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nle.com, \"Two\" <two@example.com>;, solo@example.net"
  },
  "BODY.PEEK[]<99999.10>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1]<3.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\n ch\u00c3\u00a0"
  },
  "BODY.PEEK[HEADER.FIELDS (Subject)]<2.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nbject"
  },
  "BINARY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{790}\r\nFrom: \"Quote \\\"Q\\\" Person\" <q@example.com>, \"Back\\\\slash\" <b@example.com>\r\nReply-To: Team: one@example.com, \"Two\" <two@example.com>;, solo@example.net\r\nTo: undisclosed-recipients:;\r\nCc: \"Many \\\"\\\"\\\" quotes\" <m@example.com>\r\nBcc: Nguy\u00e1\u00bb\u0085n Th\u00e1\u00bb\u008b Hoa <hoa@example.vn>\r\nSubject:\r\nIn-Reply-To: <a@example.com>\r\n  <b@example.com>\r\nMessage-ID: <odd-1@example.com>\r\nX-Folded: first\r\n\tsecond\r\nContent-Type: TEXT/PLAIN; CHARSET=\"UTF-8\"; format=flowed\r\nContent-Transfer-Encoding: 8BIT\r\nContent-Language: vi, en-US\r\nContent-Location: http://example.com/\r\n odd.txt\r\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline; creation-date=\"Tue, 3 Jun 2025 12:00:00 +0000\"\r\nContent-ID: <odd-part@example.com>\r\nContent-Description: An odd one\r\n\r\nXin ch\u00c3\u00a0o th\u00e1\u00ba\u00bf gi\u00e1\u00bb\u009bi\r\nTi\u00e1\u00ba\u00bfng Vi\u00e1\u00bb\u0087t c\u00c3\u00b3 d\u00e1\u00ba\u00a5u\r\n"
  },
  "BINARY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nXin ch\u00c3\u00a0o th\u00e1\u00ba\u00bf gi\u00e1\u00bb\u009bi\r\nTi\u00e1\u00ba\u00bfng Vi\u00e1\u00bb\u0087t c\u00c3\u00b3 d\u00e1\u00ba\u00a5u\r\n"
  },
  "BINARY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.SIZE[1]": {
   "status": "OK Fetch completed",
   "value": "50"
  },
  "BINARY.SIZE[1.1]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[1.2]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[2.2]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[3]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[4]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.PEEK[1.2]<2.3>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  }
 },
 "VIETNAMESE_TORTURE": {
  "ENVELOPE": {
   "status": "OK Fetch completed",
   "value": "(\"Wed, 4 Jun 2025 08:30:00 +0700\" \"=?UTF-8?B?QsOhbyBjw6FvIHF1w70gMw==?= (Q3)\" ((\"=?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?=\" NIL \"binh\" \"example.vn\")) ((\"=?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?=\" NIL \"binh\" \"example.vn\")) ((\"=?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?=\" NIL \"binh\" \"example.vn\")) ((NIL NIL \"=?UTF-8?B?TmjDs20gYsOhbiBow6BuZw==?=\" NIL)(NIL NIL \"an\" \"example.vn\")({9}\r\nL\u00c3\u00aa, V\u00c4\u0083n NIL \"le\" \"example.vn\")(NIL NIL NIL NIL)) NIL NIL NIL \"<vn-2@example.vn>\")"
  },
  "BODY": {
   "status": "OK Fetch completed",
   "value": "(((\"text\" \"plain\" (\"charset\" \"UTF-8\") NIL NIL \"8bit\" 41 1)(\"text\" \"html\" (\"charset\" \"UTF-8\") NIL NIL \"quoted-printable\" 84 1) \"alternative\")(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 73 (NIL \"Re: Q3\" ((NIL NIL \"boss\" \"example.vn\")) ((NIL NIL \"boss\" \"example.vn\")) ((NIL NIL \"boss\" \"example.vn\")) NIL NIL NIL NIL NIL) (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1) 5)(\"image\" \"png\" (\"name*\" \"UTF-8''%E1%BA%A2nh%20chart.png\") NIL NIL \"base64\" 98)(\"application\" \"x-uue\" (\"name\" \"data.uu\") NIL NIL \"x-uuencode\" 19) \"mixed\")"
  },
  "BODYSTRUCTURE": {
   "status": "OK Fetch completed",
   "value": "(((\"text\" \"plain\" (\"charset\" \"UTF-8\") NIL NIL \"8bit\" 41 1 NIL NIL NIL NIL)(\"text\" \"html\" (\"charset\" \"UTF-8\") NIL NIL \"quoted-printable\" 84 1 NIL NIL NIL NIL) \"alternative\" (\"boundary\" \"==b2==\") NIL NIL NIL)(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 73 (NIL \"Re: Q3\" ((NIL NIL \"boss\" \"example.vn\")) ((NIL NIL \"boss\" \"example.vn\")) ((NIL NIL \"boss\" \"example.vn\")) NIL NIL NIL NIL NIL) (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL) 5 NIL (\"inline\" NIL) NIL NIL)(\"image\" \"png\" (\"name*\" \"UTF-8''%E1%BA%A2nh%20chart.png\") NIL NIL \"base64\" 98 NIL (\"attachment\" (\"filename*\" \"UTF-8''%E1%BA%A2nh%20chart.png\")) NIL NIL)(\"application\" \"x-uue\" (\"name\" \"data.uu\") NIL NIL \"x-uuencode\" 19 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"==b1==\") NIL NIL NIL)"
  },
  "RFC822.SIZE": {
   "status": "OK Fetch completed",
   "value": "1324"
  },
  "BODY.PEEK[]": {
   "status": "OK Fetch completed",
   "value": "{1324}\r\nFrom: =?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh@example.vn>\r\nTo: =?UTF-8?B?TmjDs20gYsOhbiBow6BuZw==?=: an@example.vn, \"L\u00c3\u00aa, V\u00c4\u0083n\" <le@example.vn>;\r\nSubject: =?UTF-8?B?QsOhbyBjw6FvIHF1w70gMw==?= (Q3)\r\nDate: Wed, 4 Jun 2025 08:30:00 +0700\r\nMessage-ID: <vn-2@example.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"==b1==\"\r\n\r\n--==b1==\r\nContent-Type: multipart/alternative; boundary=\"==b2==\"\r\n\r\n--==b2==\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.\r\n--==b2==\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Ch=C3=A0o anh,</p><p>B=C3=A1o c=C3=A1o qu=C3=BD 3 =C4=91=C3=ADnh k=C3=A8m=\r\n.</p>\r\n--==b2==--\r\n\r\n--==b1==\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\nOK.\r\n\r\n--==b1==\r\nContent-Type: image/png;\r\n name*0*=UTF-8''%E1%BA%A2nh%20;\r\n name*1=\"chart.png\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=UTF-8''%E1%BA%A2nh%20chart.png\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n--==b1==\r\nContent-Type: application/x-uue; name=data.uu\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 data\r\nend\r\n--==b1==--\r\n"
  },
  "BODY.PEEK[HEADER]": {
   "status": "OK Fetch completed",
   "value": "{351}\r\nFrom: =?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh@example.vn>\r\nTo: =?UTF-8?B?TmjDs20gYsOhbiBow6BuZw==?=: an@example.vn, \"L\u00c3\u00aa, V\u00c4\u0083n\" <le@example.vn>;\r\nSubject: =?UTF-8?B?QsOhbyBjw6FvIHF1w70gMw==?= (Q3)\r\nDate: Wed, 4 Jun 2025 08:30:00 +0700\r\nMessage-ID: <vn-2@example.vn>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"==b1==\"\r\n\r\n"
  },
  "BODY.PEEK[TEXT]": {
   "status": "OK Fetch completed",
   "value": "{973}\r\n--==b1==\r\nContent-Type: multipart/alternative; boundary=\"==b2==\"\r\n\r\n--==b2==\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.\r\n--==b2==\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Ch=C3=A0o anh,</p><p>B=C3=A1o c=C3=A1o qu=C3=BD 3 =C4=91=C3=ADnh k=C3=A8m=\r\n.</p>\r\n--==b2==--\r\n\r\n--==b1==\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\nOK.\r\n\r\n--==b1==\r\nContent-Type: image/png;\r\n name*0*=UTF-8''%E1%BA%A2nh%20;\r\n name*1=\"chart.png\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=UTF-8''%E1%BA%A2nh%20chart.png\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\r\n--==b1==\r\nContent-Type: application/x-uue; name=data.uu\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 data\r\nend\r\n--==b1==--\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS (From Subject X-Folded In-Reply-To)]": {
   "status": "OK Fetch completed",
   "value": "{126}\r\nFrom: =?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh@example.vn>\r\nSubject: =?UTF-8?B?QsOhbyBjw6FvIHF1w70gMw==?= (Q3)\r\n\r\n"
  },
  "BODY.PEEK[HEADER.FIELDS.NOT (Received Subject Content-Type)]": {
   "status": "OK Fetch completed",
   "value": "{249}\r\nFrom: =?UTF-8?Q?Tr=E1=BA=A7n_Th=E1=BB=8B_B=C3=ACnh?= <binh@example.vn>\r\nTo: =?UTF-8?B?TmjDs20gYsOhbiBow6BuZw==?=: an@example.vn, \"L\u00c3\u00aa, V\u00c4\u0083n\" <le@example.vn>;\r\nDate: Wed, 4 Jun 2025 08:30:00 +0700\r\nMessage-ID: <vn-2@example.vn>\r\nMIME-Version: 1.0\r\n\r\n"
  },
  "BODY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "{324}\r\n--==b2==\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.\r\n--==b2==\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<p>Ch=C3=A0o anh,</p><p>B=C3=A1o c=C3=A1o qu=C3=BD 3 =C4=91=C3=ADnh k=C3=A8m=\r\n.</p>\r\n--==b2==--\r\n"
  },
  "BODY.PEEK[1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{58}\r\nContent-Type: multipart/alternative; boundary=\"==b2==\"\r\n\r\n"
  },
  "BODY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{41}\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m."
  },
  "BODY.PEEK[1.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{76}\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
  },
  "BODY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "{84}\r\n<p>Ch=C3=A0o anh,</p><p>B=C3=A1o c=C3=A1o qu=C3=BD 3 =C4=91=C3=ADnh k=C3=A8m=\r\n.</p>"
  },
  "BODY.PEEK[1.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1.1.1]": {
   "status": "OK Fetch completed",
   "value": "{41}\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m."
  },
  "BODY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{73}\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\nOK.\r\n"
  },
  "BODY.PEEK[2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{61}\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n"
  },
  "BODY.PEEK[2.HEADER]": {
   "status": "OK Fetch completed",
   "value": "{68}\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\n"
  },
  "BODY.PEEK[2.TEXT]": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nOK.\r\n"
  },
  "BODY.PEEK[2.HEADER.FIELDS (Subject)]": {
   "status": "OK Fetch completed",
   "value": "{19}\r\nSubject: Re: Q3\r\n\r\n"
  },
  "BODY.PEEK[2.1]": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nOK.\r\n"
  },
  "BODY.PEEK[2.1.MIME]": {
   "status": "OK Fetch completed",
   "value": "{68}\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\n"
  },
  "BODY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.2.MIME]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[2.1.1]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "{98}\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk\r\n+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
  },
  "BODY.PEEK[3.MIME]": {
   "status": "OK Fetch completed",
   "value": "{192}\r\nContent-Type: image/png;\r\n name*0*=UTF-8''%E1%BA%A2nh%20;\r\n name*1=\"chart.png\"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename*=UTF-8''%E1%BA%A2nh%20chart.png\r\n\r\n"
  },
  "BODY.PEEK[4]": {
   "status": "OK Fetch completed",
   "value": "{19}\r\nbegin 644 data\r\nend"
  },
  "BODY.PEEK[4.MIME]": {
   "status": "OK Fetch completed",
   "value": "{88}\r\nContent-Type: application/x-uue; name=data.uu\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
  },
  "BODY.PEEK[5]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[9.9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[]<0.20>": {
   "status": "OK Fetch completed",
   "value": "{20}\r\nFrom: =?UTF-8?Q?Tr=E"
  },
  "BODY.PEEK[]<100.50>": {
   "status": "OK Fetch completed",
   "value": "{50}\r\nBow6BuZw==?=: an@example.vn, \"L\u00c3\u00aa, V\u00c4\u0083n\" <le@examp"
  },
  "BODY.PEEK[]<99999.10>": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BODY.PEEK[1]<3.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\n=b2=="
  },
  "BODY.PEEK[HEADER.FIELDS (Subject)]<2.5>": {
   "status": "OK Fetch completed",
   "value": "{5}\r\nbject"
  },
  "BINARY.PEEK[]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.PEEK[1]": {
   "status": "OK Fetch completed",
   "value": "~{283}\r\n--==b2==\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.\r\n--==b2==\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\n\r\n<p>Ch\u00c3\u00a0o anh,</p><p>B\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.</p>\r\n--==b2==--\r\n"
  },
  "BINARY.PEEK[1.1]": {
   "status": "OK Fetch completed",
   "value": "{41}\r\nCh\u00c3\u00a0o anh,\r\nB\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m."
  },
  "BINARY.PEEK[1.2]": {
   "status": "OK Fetch completed",
   "value": "~{53}\r\n<p>Ch\u00c3\u00a0o anh,</p><p>B\u00c3\u00a1o c\u00c3\u00a1o qu\u00c3\u00bd 3 \u00c4\u0091\u00c3\u00adnh k\u00c3\u00a8m.</p>"
  },
  "BINARY.PEEK[2]": {
   "status": "OK Fetch completed",
   "value": "{73}\r\nFrom: boss@example.vn\r\nSubject: Re: Q3\r\nContent-Type: text/plain\r\n\r\nOK.\r\n"
  },
  "BINARY.PEEK[2.2]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.PEEK[3]": {
   "status": "OK Fetch completed",
   "value": "~{70}\r\n\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR\u0000\u0000\u0000\u0001\u0000\u0000\u0000\u0001\b\u0006\u0000\u0000\u0000\u001f\u0015\u00c4\u0089\u0000\u0000\u0000\rIDATx\u00dacd\u00f8\u00cfP\u000f\u0000\u0003\u0086\u0001\u0080Z4}k\u0000\u0000\u0000\u0000IEND\u00aeB`\u0082"
  },
  "BINARY.PEEK[4]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.PEEK[9]": {
   "status": "OK Fetch completed",
   "value": "{0}\r\n"
  },
  "BINARY.SIZE[1]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.SIZE[1.1]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.SIZE[1.2]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.SIZE[2.2]": {
   "status": "OK Fetch completed",
   "value": "0"
  },
  "BINARY.SIZE[3]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.SIZE[4]": {
   "status": "NO [UNKNOWN-CTE] Unknown Content-Transfer-Encoding"
  },
  "BINARY.PEEK[1.2]<2.3>": {
   "status": "OK Fetch completed",
   "value": "~{3}\r\n>Ch"
  }
 }
};
