// The weak-password table.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPasswordStrength, type PasswordProblem } from '../../../mail/auth/password-policy.js';

const ADDRESS = 'jsmith@example.com';

const table: [string, PasswordProblem | null][] = [
  ['short', 'too_short'],
  ['123456789', 'too_short'],
  ['x'.repeat(1025), 'too_long'],
  ['jsmith@example.com', 'contains_address'],
  ['JSmith@Example.com!', 'contains_address'],
  ['jsmith2024!', 'contains_address'],
  ['jsmithexample', 'contains_address'],
  ['aaaaaaaaaaaa', 'repeated'],
  ['abababababab', 'repeated'],
  ['abcabcabcabc', 'repeated'],
  ['1234567890', 'sequence'],
  ['0987654321', 'sequence'],
  ['QWERTYUIOP', 'sequence'],
  ['abcdefghijkl', 'sequence'],
  ['acegikmoqsu', 'sequence'],
  ['password123', 'common'],
  ['Password1234', 'common'],
  ['P@ssw0rd2024!', 'common'],
  ['iloveyou!!!!', 'common'],
  ['administrator', 'common'],
  ['correct horse battery staple', null],
  ['Tr0ub4dor&3x', null],
  ['ebc8-Kq2m-ZzW1', null],
  ['smithereens-42', null],
  ['8274619305', null],
  ['çà et là, toujours', null],
];

for (const [password, problem] of table) {
  test(`${JSON.stringify(password.length > 40 ? password.slice(0, 10) + '...' : password)} -> ${problem ?? 'ok'}`, () => {
    const verdict = checkPasswordStrength(password, ADDRESS);
    assert.equal(verdict.problem ?? null, problem);
    assert.equal(verdict.ok, problem === null);
    if (problem) assert.ok(verdict.message && !verdict.message.includes('\n'));
  });
}
