// The mail of the filter benchmark. Clean messages look like ordinary business mail (MIME
// headers, UTF-8 plain text from a fixed vocabulary, a different text per message), because
// rspamd's cost depends on what it parses: a body of 'x' lines would be cheaper to scan than
// real mail and would light up rules no real message does. The refused kinds (GTUBE, EICAR)
// come from the test fixtures, so bench and tests agree on what "spam" and "a virus" are.

import { GTUBE } from '../../test/helpers/rspamd-fixture.js';
import { eicarMessage } from '../../test/helpers/clamd-fixture.js';

const WORDS = (
  'the a of and to in is for on that with as it be by this are from at or have an was not we you ' +
  'report meeting budget schedule project invoice quarterly review update customer contract team ' +
  'deadline proposal delivery shipment warehouse order payment account balance forecast revenue ' +
  'design release version server backup network office holiday travel expense approval draft ' +
  'please thanks regards tomorrow today morning afternoon evening week month year attached below ' +
  'agenda minutes notes summary question answer issue ticket support request change plan risk'
).split(' ');

/** A small deterministic generator: message i is the same in every run. */
function wordsFor(seed: number): () => string {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return WORDS[x % WORDS.length]!;
  };
}

export interface BenchMail {
  from: string;
  to: string;
}

function headers(mail: BenchMail, subject: string, id: string): string[] {
  return [
    `From: Bench Sender <${mail.from}>`,
    `To: <${mail.to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${id}@client.bench.test>`,
  ];
}

/** A clean text message whose body is `bodySize` bytes (lines under 78 characters, CRLF). */
export function cleanMessage(mail: BenchMail, index: number, bodySize: number, label: string): string {
  const next = wordsFor(index + 1);
  const lines: string[] = [];
  let size = 0;
  while (size < bodySize) {
    let line = '';
    while (line.length < 60) line += (line ? ' ' : '') + next();
    if (lines.length % 8 === 7) line = '';
    lines.push(line);
    size += line.length + 2;
  }
  return [
    ...headers(mail, `${next()} ${next()} ${next()} ${label} ${index}`, `bench-${label}-${index}-${process.pid}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    ...lines,
    '',
  ].join('\r\n');
}

/** rspamd's test pattern: its reject action. */
export function gtubeMessage(mail: BenchMail, index: number): string {
  return [...headers(mail, `gtube ${index}`, `bench-gtube-${index}-${process.pid}`), '', 'This is the GTUBE test.', '', GTUBE, ''].join('\r\n');
}

/** EICAR as a base64 attachment: clamd's test signature. */
export function eicarBenchMessage(mail: BenchMail, index: number): string {
  return eicarMessage(headers(mail, `eicar ${index}`, `bench-eicar-${index}-${process.pid}`));
}

/** Dot-stuffs a message (RFC 5321 §4.5.2) and appends the end of DATA. */
export function dataSection(message: string): Buffer {
  const text = message.endsWith('\r\n') ? message : message + '\r\n';
  return Buffer.from(text.replace(/^\./gm, '..') + '.\r\n', 'utf8');
}
