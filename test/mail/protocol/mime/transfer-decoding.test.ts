import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTransferDecoder } from '../../../../mail/protocol/mime/transfer-decoding.js';

function decode(encoding: string, input: string, chunk: number): string {
  const d = createTransferDecoder(encoding);
  const bytes = Buffer.from(input, 'latin1');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(d.write(bytes.subarray(i, i + chunk)));
  out.push(d.end());
  return Buffer.concat(out).toString('latin1');
}

describe('streaming transfer decoders', () => {
  const cases: [string, string, string][] = [
    ['base64', 'aGVsbG8gd29ybGQ=', 'hello world'],
    ['base64', 'aGVs\r\nbG8g\r\nd29y bGQ', 'hello world'],
    ['base64', 'aGVsbG8*!gd29ybGQ=', 'hello world'],
    ['quoted-printable', 'caf=E9 =3D ok', 'caf\xe9 = ok'],
    ['quoted-printable', 'soft=\r\nbreak and=  \r\nspaces', 'softbreak andspaces'],
    ['quoted-printable', 'lf soft=\nbreak', 'lf softbreak'],
    ['quoted-printable', 'bad =ZZ escape and =', 'bad =ZZ escape and '],
    ['quoted-printable', 'line\r\nnext', 'line\r\nnext'],
    ['7bit', 'as is =E9', 'as is =E9'],
  ];
  for (const [enc, input, expected] of cases) {
    it(`${enc}: ${JSON.stringify(input)}`, () => {
      for (const chunk of [1, 2, 3, 1000]) assert.equal(decode(enc, input, chunk), expected, `chunks of ${chunk}`);
    });
  }
});
