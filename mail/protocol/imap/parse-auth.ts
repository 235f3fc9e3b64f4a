// AUTHENTICATE (RFC 9051 6.2.2, with SASL-IR, RFC 4959) and LOGIN (6.2.3).

import { readAstringText } from './parse-common.js';
import type { CommandCursor } from './command-cursor.js';
import type { CommandOf } from './command-types.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function parseAuthenticate(cur: CommandCursor): CommandOf<'AUTHENTICATE'> {
  cur.sp();
  const mechanism = cur.keyword('a SASL mechanism');
  let initialResponse: string | undefined;
  if (cur.maybeSp()) {
    // "=" is an empty initial response; anything else must be base64 (decoded by the mechanism).
    const text = cur.atom('an initial response');
    initialResponse = text === '=' ? '' : text;
    if (initialResponse !== '' && (!BASE64.test(initialResponse) || initialResponse.length % 4 !== 0)) {
      cur.fail('Initial response is not base64');
    }
  }
  cur.expectEnd();
  return { tag: cur.tag, name: 'AUTHENTICATE', mechanism, ...(initialResponse !== undefined ? { initialResponse } : {}) };
}

export function parseLogin(cur: CommandCursor): CommandOf<'LOGIN'> {
  cur.sp();
  const username = readAstringText(cur, 'a user name');
  cur.sp();
  const password = readAstringText(cur, 'a password');
  cur.expectEnd();
  return { tag: cur.tag, name: 'LOGIN', username, password };
}
