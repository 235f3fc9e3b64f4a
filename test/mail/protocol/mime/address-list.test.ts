import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAddressList } from '../../../../mail/protocol/mime/address-list.js';

const a = (name: string | null, mailbox: string | null, host: string | null, adl: string | null = null) => ({ name, adl, mailbox, host });

describe('address lists as IMAP envelope addresses', () => {
  const cases: [string, ReturnType<typeof a>[] | null][] = [
    ['user@example.com', [a(null, 'user', 'example.com')]],
    ['<user@example.com>', [a(null, 'user', 'example.com')]],
    ['John Doe <john@example.com>', [a('John Doe', 'john', 'example.com')]],
    ['"Doe, John" <john@example.com>, jane@example.com', [a('Doe, John', 'john', 'example.com'), a(null, 'jane', 'example.com')]],
    ['=?utf-8?Q?L=C3=AA?= <le@example.vn>', [a('=?utf-8?Q?L=C3=AA?=', 'le', 'example.vn')]],
    ['john@example.com (John Doe)', [a('John Doe', 'john', 'example.com')]],
    ['John Q. Public <jqp@example.com>', [a('John Q. Public', 'jqp', 'example.com')]],
    ['<@relay1.example,@relay2.example:user@example.com>', [a(null, 'user', 'example.com', '@relay1.example,@relay2.example')]],
    ['"odd local"@example.com', [a(null, 'odd local', 'example.com')]],
    ['user@[192.0.2.1]', [a(null, 'user', '[192.0.2.1]')]],
    ['Friends: a@x.org, B <b@y.org>;, c@z.org', [a(null, 'Friends', null), a(null, 'a', 'x.org'), a('B', 'b', 'y.org'), a(null, null, null), a(null, 'c', 'z.org')]],
    ['undisclosed-recipients:;', [a(null, 'undisclosed-recipients', null), a(null, null, null)]],
    ['Open group: a@x.org', [a(null, 'Open group', null), a(null, 'a', 'x.org'), a(null, null, null)]],
    ['root', [a(null, 'root', 'MISSING_DOMAIN')]],
    ['a@x.org,, ,b@y.org,', [a(null, 'a', 'x.org'), a(null, 'b', 'y.org')]],
    ['<>', null],
    ['', null],
    ['Broken <unterminated@example.com', [a('Broken', 'unterminated', 'example.com')]],
  ];
  for (const [input, expected] of cases) {
    it(JSON.stringify(input), () => assert.deepEqual(parseAddressList(input), expected));
  }
  it('null header gives null', () => assert.equal(parseAddressList(null), null));
});
