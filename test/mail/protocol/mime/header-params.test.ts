import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseContentType, parseStructuredValue } from '../../../../mail/protocol/mime/header-params.js';

describe('structured header values and RFC 2231 parameters', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['text/plain; charset=utf-8', 'text/plain', { charset: 'utf-8' }],
    ['Text/HTML; Charset="ISO-8859-1"', 'text/html', { charset: 'ISO-8859-1' }],
    ['multipart/mixed; boundary="----=_Part_0;x"', 'multipart/mixed', { boundary: '----=_Part_0;x' }],
    ['text/plain (a comment); charset=us-ascii (another)', 'text/plain', { charset: 'us-ascii' }],
    ['attachment; filename="a \\"quoted\\" name.txt"', 'attachment', { filename: 'a "quoted" name.txt' }],
    ["attachment; filename*=utf-8''%E1%BA%A0nh%20ch%E1%BB%A5p.png", 'attachment', { filename: 'Ạnh chụp.png' }],
    ["attachment; filename*=iso-8859-1'fr'r%E9sum%E9.pdf", 'attachment', { filename: 'résumé.pdf' }],
    ["attachment; filename*0*=utf-8''B%C3%A1o; filename*1=\" c\"; filename*2*=%C3%A1o.txt", 'attachment', { filename: 'Báo cáo.txt' }],
    ['attachment; filename*1="second"; filename*0="first-"', 'attachment', { filename: 'first-second' }],
    ["attachment; filename=\"fallback.txt\"; filename*=utf-8''real.txt", 'attachment', { filename: 'real.txt' }],
    ['attachment; filename="=?utf-8?B?4bqibmguanBn?="', 'attachment', { filename: 'Ảnh.jpg' }],
    ['multipart/mixed; boundary="=?not-decoded?="', 'multipart/mixed', { boundary: '=?not-decoded?=' }],
    ['inline; filename="unterminated', 'inline', { filename: 'unterminated' }],
    ['inline;;; ;garbage; a=1', 'inline', { a: '1' }],
  ];
  for (const [input, value, params] of cases) {
    it(input, () => assert.deepEqual(parseStructuredValue(input), { value, params }));
  }

  it('applies the RFC 2045 defaults to Content-Type', () => {
    assert.deepEqual(parseContentType(null), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
    assert.deepEqual(parseContentType(null, 'message/rfc822'), { type: 'message', subtype: 'rfc822', params: {} });
    assert.deepEqual(parseContentType('garbage'), { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } });
    assert.deepEqual(parseContentType('IMAGE/PNG; name=x.png'), { type: 'image', subtype: 'png', params: { name: 'x.png' } });
  });
});
