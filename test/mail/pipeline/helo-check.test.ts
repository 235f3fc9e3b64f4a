import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../../../core/log.js';
import type { CheckContext } from '../../../mail/pipeline/contracts.js';
import { createHeloCheck, heloProblem, type HeloProblem } from '../../../mail/pipeline/helo-check.js';

const OWN = ['mx.ours.example'];

test('heloProblem: a table of names', () => {
  const table: [string, string, HeloProblem | null][] = [
    ['mail.sender.example', '192.0.2.1', null],
    ['MAIL.Sender.Example.', '192.0.2.1', null],
    ['[192.0.2.1]', '192.0.2.1', null],
    ['[IPv6:2001:db8::1]', '2001:db8::1', null],
    ['[IPv6:2001:DB8:0::1]', '2001:db8::1', null],
    ['[192.0.2.2]', '192.0.2.1', 'literal'],
    ['[IPv6:2001:db8::2]', '2001:db8::1', 'literal'],
    ['[not-an-ip]', '192.0.2.1', 'not-fqdn'],
    ['192.0.2.1', '192.0.2.1', 'not-fqdn'],
    ['localhost', '192.0.2.1', 'not-fqdn'],
    ['my_pc', '192.0.2.1', 'not-fqdn'],
    ['bad..name.example', '192.0.2.1', 'not-fqdn'],
    ['host.123', '192.0.2.1', 'not-fqdn'],
    ['-dash.example', '192.0.2.1', 'not-fqdn'],
    ['mx.ours.example', '192.0.2.1', 'own-name'],
    ['MX.OURS.EXAMPLE', '2001:db8::1', 'own-name'],
    ['mx.ours.example', '127.0.0.1', null],
    ['mx.ours.example', '::1', null],
  ];
  for (const [helo, client, want] of table) assert.equal(heloProblem(helo, client, OWN), want, `${helo} from ${client}`);
});

const ctx = (helo: string | null, ip = '192.0.2.1', over: Partial<CheckContext> = {}): CheckContext => ({ connectionId: 'c', remoteAddress: ip, remoteHostname: null, helo, tls: false, authenticatedUser: null, mailFrom: 'a@b.example', recipients: [], ...over });

test('helo check: "log" refuses only our own name, "reject" all, "off" none', async () => {
  const log = createHeloCheck({ policy: 'log', ownNames: () => OWN, logger: silentLogger });
  const reject = createHeloCheck({ policy: 'reject', ownNames: () => OWN, logger: silentLogger });
  const off = createHeloCheck({ policy: 'off', ownNames: () => OWN, logger: silentLogger });
  const own = await log.mailFrom!(ctx('mx.ours.example'));
  assert.ok(own.action === 'reject' && own.code === 550 && own.enhanced === '5.7.1', JSON.stringify(own));
  assert.equal((await log.mailFrom!(ctx('localhost'))).action, 'accept');
  assert.equal((await log.mailFrom!(ctx('[10.0.0.1]'))).action, 'accept');
  const short = await reject.mailFrom!(ctx('localhost'));
  assert.ok(short.action === 'reject' && short.code === 504 && short.enhanced === '5.5.2', JSON.stringify(short));
  const literal = await reject.mailFrom!(ctx('[10.0.0.1]'));
  assert.ok(literal.action === 'reject' && literal.code === 550);
  assert.equal((await reject.mailFrom!(ctx('mail.sender.example'))).action, 'accept');
  assert.equal((await reject.mailFrom!(ctx('localhost', '127.0.0.1'))).action, 'reject', 'loopback is judged like anyone');
  assert.equal((await reject.mailFrom!(ctx('localhost', '192.0.2.1', { authenticatedUser: 'u@ours.example' }))).action, 'accept');
  assert.equal((await off.mailFrom!(ctx('mx.ours.example'))).action, 'accept');
});
