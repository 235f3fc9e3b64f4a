// Deterministic, realistic messages for the IMAP benchmark. Message i of a given seed is a pure
// function of (seed, i), so Dovecot's Maildir and Mailroom's store get byte-for-byte the same
// mail without either side holding 100,000 messages in memory: each loader regenerates them.
//
// Shape: From/To/Subject/Date/Message-ID headers, 2–20 KB; about 60% plain text, 20%
// multipart/alternative (text + HTML), 20% multipart/mixed with a base64 attachment. Text comes
// from a fixed vocabulary that includes Vietnamese words with diacritics (UTF-8, 8bit; Subjects
// with them are RFC 2047 encoded). Two search words have known frequencies:
// RARE_WORD is in exactly the messages with i % 100 === 42 (1%), ABSENT_WORD is in none.

/** A word in exactly 1% of the messages (i % 100 === 42), in the body. */
export const RARE_WORD = 'heliotrope';
/** A word in no message. */
export const ABSENT_WORD = 'quixotically';

const VOCABULARY = (
  'the a of and to in is for on that with as it be by this are from at or have an was not we you ' +
  'report meeting budget schedule project invoice quarterly review update customer contract team ' +
  'deadline proposal delivery shipment warehouse order payment account balance forecast revenue ' +
  'design release version server backup network office holiday travel expense approval draft ' +
  'please thanks regards tomorrow today morning afternoon evening week month year attached below ' +
  'agenda minutes notes summary question answer issue ticket support request change plan risk ' +
  'vendor supplier partner client sales marketing finance legal audit policy training hiring ' +
  'product feature roadmap milestone sprint estimate priority status blocker decision follow ' +
  'thư điện tử người Việt Nam cảm ơn hẹn gặp lại báo cáo tháng năm công ty hợp đồng khách hàng ' +
  'giao hàng thanh toán cuộc họp kế hoạch dự án ngân sách'
).split(' ');

const FIRST_NAMES = ['Alice', 'Bao', 'Carlos', 'Dana', 'Elif', 'Farid', 'Giang', 'Hana', 'Ivan', 'Jun', 'Khanh', 'Linh', 'Mateo', 'Nguyệt', 'Oskar', 'Phương', 'Quang', 'Rosa', 'Sven', 'Thảo'];
const LAST_NAMES = ['Nguyen', 'Tran', 'Le', 'Pham', 'Smith', 'Garcia', 'Müller', 'Rossi', 'Kowalski', 'Dubois', 'Hoang', 'Vu', 'Đặng', 'Bùi'];
const DOMAINS = ['example.com', 'partner.example.net', 'vendor.example.org', 'cong-ty.example.vn', 'mail.example.de'];

/** Small seeded PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedMessage {
  index: number;
  /** The message with CRLF line ends, as SMTP would deliver it. */
  raw: Buffer;
  /** The Date header's instant; loaders use it as INTERNALDATE. */
  date: Date;
  /** IMAP flags the message carries in the benchmark folder. */
  flags: string[];
  /** Whether RARE_WORD is in it. */
  hasRareWord: boolean;
}

/** Messages are dated from here on, about one every 5 minutes. */
const BASE_DATE = Date.UTC(2024, 0, 2, 8, 0, 0);

const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

function rfc2822Date(d: Date): string {
  // "Tue, 02 Jan 2024 08:00:00 +0000"
  return d.toUTCString().replace('GMT', '+0000').replace(/^(\w{3}), (\d) /, '$1, 0$2 ');
}

function encodeHeaderWord(text: string): string {
  // RFC 2047 only when needed, as mail clients do.
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function sentence(rnd: () => number): string {
  const n = 6 + Math.floor(rnd() * 12);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(pick(rnd, VOCABULARY));
  const s = words.join(' ');
  return s[0]!.toUpperCase() + s.slice(1) + '.';
}

/** Text paragraphs of about `bytes` UTF-8 bytes, lines under 78 characters. */
function paragraphs(rnd: () => number, bytes: number, rare: boolean): string[] {
  const lines: string[] = [];
  let size = 0;
  let line = '';
  const rareAt = rare ? Math.floor(rnd() * Math.max(1, bytes / 80)) : -1;
  while (size < bytes) {
    let s = sentence(rnd);
    if (lines.length === rareAt && !line) s = `The ${RARE_WORD} ${s[0]!.toLowerCase()}${s.slice(1)}`;
    for (const word of s.split(' ')) {
      if (line.length + word.length + 1 > 72) {
        lines.push(line);
        size += Buffer.byteLength(line) + 2;
        line = '';
        if (rnd() < 0.15) { lines.push(''); size += 2; }
      }
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  // The rare word must be there even when the paragraph loop ended before its line index.
  if (rare && !lines.some((l) => l.includes(RARE_WORD))) lines.push(`See the ${RARE_WORD} notes.`);
  return lines;
}

function base64Lines(rnd: () => number, bytes: number): string[] {
  const buf = Buffer.alloc(bytes);
  for (let k = 0; k < bytes; k++) buf[k] = Math.floor(rnd() * 256);
  const b64 = buf.toString('base64');
  const out: string[] = [];
  for (let k = 0; k < b64.length; k += 76) out.push(b64.slice(k, k + 76));
  return out;
}

/** Message `index` of the folder generated with `seed`. */
export function generateMessage(seed: number, index: number, to: string): GeneratedMessage {
  const rnd = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const hasRareWord = index % 100 === 42;
  const date = new Date(BASE_DATE + index * 300_000 + Math.floor(rnd() * 240_000));
  const first = pick(rnd, FIRST_NAMES);
  const last = pick(rnd, LAST_NAMES);
  const fromAddr = `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}.${last.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}@${pick(rnd, DOMAINS)}`;
  const subjectWords = Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => pick(rnd, VOCABULARY)).join(' ');
  const subject = (rnd() < 0.2 ? 'Re: ' : '') + subjectWords[0]!.toUpperCase() + subjectWords.slice(1) + ` #${index}`;
  // Sizes 2–20 KB, skewed towards the small end as real mail is.
  const target = Math.floor(2048 + (20480 - 2048) * rnd() ** 2);
  const shape = rnd();
  const headers = [
    `Return-Path: <${fromAddr}>`,
    `Received: from mx.${fromAddr.split('@')[1]} (mx.${fromAddr.split('@')[1]} [192.0.2.${1 + (index % 250)}])\r\n\tby mail.bench.test with ESMTPS id ${index.toString(36)}; ${rfc2822Date(date)}`,
    `From: ${encodeHeaderWord(`${first} ${last}`)} <${fromAddr}>`,
    `To: <${to}>`,
    `Subject: ${encodeHeaderWord(subject)}`,
    `Date: ${rfc2822Date(date)}`,
    `Message-ID: <${index}.${seed}.${Math.floor(rnd() * 1e9).toString(36)}@gen.bench.test>`,
    'MIME-Version: 1.0',
  ];
  const textBody = (bytes: number) => paragraphs(rnd, bytes, hasRareWord);
  let body: string[];
  const boundary = `=_bench_${index}_${Math.floor(rnd() * 1e9).toString(36)}`;
  const headerBytes = headers.join('\r\n').length + 200;
  if (shape < 0.6) {
    headers.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
    body = textBody(Math.max(200, target - headerBytes));
  } else if (shape < 0.8) {
    headers.push(`Content-Type: multipart/alternative; boundary="${boundary}"`);
    const text = textBody(Math.max(200, (target - headerBytes) * 0.4));
    const html = ['<html><body>', ...text.map((l) => (l ? `<p>${l}</p>` : '<br>')), '</body></html>'];
    body = [
      'This is a multi-part message in MIME format.', '',
      `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ...text, '',
      `--${boundary}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ...html, '',
      `--${boundary}--`, '',
    ];
  } else {
    headers.push(`Content-Type: multipart/mixed; boundary="${boundary}"`);
    const text = textBody(Math.max(200, (target - headerBytes) * 0.3));
    const attachmentBytes = Math.max(300, Math.floor((target - headerBytes) * 0.7 * 0.74));
    const [name, type] = pick(rnd, [['report.pdf', 'application/pdf'], ['photo.jpg', 'image/jpeg'], ['data.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']] as const);
    body = [
      'This is a multi-part message in MIME format.', '',
      `--${boundary}`, 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', ...text, '',
      `--${boundary}`, `Content-Type: ${type}; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, 'Content-Transfer-Encoding: base64', '',
      ...base64Lines(rnd, attachmentBytes), '',
      `--${boundary}--`, '',
    ];
  }
  const raw = Buffer.from(headers.join('\r\n') + '\r\n\r\n' + body.join('\r\n') + '\r\n', 'utf8');
  const flags: string[] = [];
  const f = rnd();
  if (f < 0.8) flags.push('\\Seen');
  if (f < 0.1) flags.push('\\Answered');
  if (rnd() < 0.03) flags.push('\\Flagged');
  return { index, raw, date, flags, hasRareWord };
}

/** How many of the first `count` messages hold RARE_WORD. */
export function rareWordCount(count: number): number {
  return count > 42 ? Math.floor((count - 43) / 100) + 1 : 0;
}

/** Generates messages [from, to) lazily. */
export function* generateMessages(seed: number, from: number, to: number, recipient: string): Generator<GeneratedMessage> {
  for (let i = from; i < to; i++) yield generateMessage(seed, i, recipient);
}
