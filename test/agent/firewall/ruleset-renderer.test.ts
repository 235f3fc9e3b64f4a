// The pure ruleset renderer: policy in, nft script out. Tables of policies and the lines they
// must (and must not) produce, and refusals of values that would inject nft syntax.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../core/config.js';
import { policyFromConfig, type FirewallPolicy } from '../../../agent/firewall/firewall-policy.js';
import { renderBlock, renderRuleset, renderUnblock } from '../../../agent/firewall/ruleset-renderer.js';

function policy(over: Partial<FirewallPolicy> = {}): FirewallPolicy {
  return {
    openTcpPorts: [25, 143, 465, 587, 993], rateLimitedTcpPorts: [25, 465, 587, 993], ratePerMinute: 30, rateBurst: 20,
    adminTcpPorts: [443], adminNetworks: ['192.168.1.0/24'], sshPort: 22, sshNetworks: ['10.0.0.0/8'], blocked: [], ...over,
  };
}

const lines = (script: string) => script.split('\n').map((l) => l.trim());

test('the script replaces only table inet mailroom, in one file', () => {
  const l = lines(renderRuleset(policy()));
  assert.deepEqual(l.slice(1, 4), ['table inet mailroom', 'delete table inet mailroom', 'table inet mailroom {']);
  assert.ok(!l.some((x) => /flush ruleset/.test(x)), 'never touches other tables');
});

test('chain order: blocklist first, then state, loopback, ICMP, rate limit, open ports, networks', () => {
  const l = lines(renderRuleset(policy()));
  const idx = (re: RegExp) => { const i = l.findIndex((x) => re.test(x)); assert.ok(i >= 0, `missing ${re}`); return i; };
  const order = [
    /^type filter hook input priority filter; policy drop;$/,
    /^ip saddr @blocklist4 drop/,
    /^ip6 saddr @blocklist6 drop/,
    /^ct state invalid drop$/,
    /^ct state established,related accept$/,
    /^iifname "lo" accept$/,
    /^meta l4proto icmp accept$/,
    /^meta l4proto ipv6-icmp accept$/,
    /^tcp dport \{ 25, 465, 587, 993 \} ct state new update @mail_rate4 \{ ip saddr \. tcp dport limit rate over 30\/minute burst 20 packets \} drop/,
    /^tcp dport \{ 25, 465, 587, 993 \} ct state new update @mail_rate6 \{ ip6 saddr \. tcp dport limit rate over 30\/minute burst 20 packets \} drop/,
    /^tcp dport \{ 25, 143, 465, 587, 993 \} accept comment "mail"$/,
    /^ip saddr 192\.168\.1\.0\/24 tcp dport 443 accept comment "admin"$/,
    /^ip saddr 10\.0\.0\.0\/8 tcp dport 22 accept comment "ssh"$/,
  ].map(idx);
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

test('blocklist sets have flags timeout; carried-over blocks keep their time left', () => {
  const script = renderRuleset(policy({ blocked: [{ ip: '192.0.2.7', timeoutSeconds: 3600, expiresSeconds: 120 }, { ip: '2001:DB8::1', timeoutSeconds: 60 }] }));
  assert.match(script, /set blocklist4 \{\n\t\ttype ipv4_addr\n\t\tflags timeout\n\t\telements = \{ 192\.0\.2\.7 timeout 3600s expires 120s \}/);
  assert.match(script, /set blocklist6 \{\n\t\ttype ipv6_addr\n\t\tflags timeout\n\t\telements = \{ 2001:db8::1 timeout 60s \}/);
});

const cases: { name: string; over: Partial<FirewallPolicy>; has: RegExp[]; hasNot: RegExp[] }[] = [
  { name: 'IPv6 admin networks get an ip6 rule', over: { adminNetworks: ['fd00::/8', '192.168.1.0/24', 'fe80::/10'] }, has: [/ip6 saddr \{ fd00::\/8, fe80::\/10 \} tcp dport 443 accept/, /ip saddr 192\.168\.1\.0\/24 tcp dport 443 accept/], hasNot: [] },
  { name: 'no admin networks: admin port closed', over: { adminNetworks: [] }, has: [], hasNot: [/dport 443/] },
  { name: 'no SSH port: no SSH rule', over: { sshPort: null }, has: [], hasNot: [/comment "ssh"/] },
  { name: 'no rate-limited ports: no meters', over: { rateLimitedTcpPorts: [] }, has: [], hasNot: [/mail_rate/] },
  { name: 'one port is written without braces', over: { openTcpPorts: [25], rateLimitedTcpPorts: [25] }, has: [/tcp dport 25 accept comment "mail"/, /tcp dport 25 ct state new update @mail_rate4/], hasNot: [] },
  { name: 'several admin ports', over: { adminTcpPorts: [80, 443] }, has: [/ip saddr 192\.168\.1\.0\/24 tcp dport \{ 80, 443 \} accept/], hasNot: [] },
];
for (const c of cases) {
  test(`renders: ${c.name}`, () => {
    const script = renderRuleset(policy(c.over));
    for (const re of c.has) assert.match(script, re);
    for (const re of c.hasNot) assert.doesNotMatch(script, re);
  });
}

const refused: { name: string; over: Partial<FirewallPolicy>; code: string }[] = [
  { name: 'a network carrying nft syntax', over: { adminNetworks: ['10.0.0.0/8 } accept; #'] }, code: 'bad_network' },
  { name: 'a network with host bits set', over: { sshNetworks: ['10.1.2.3/8'] }, code: 'bad_network' },
  { name: 'an IPv6 network with host bits set', over: { adminNetworks: ['fd00::1/8'] }, code: 'bad_network' },
  { name: 'a prefix too long', over: { adminNetworks: ['10.0.0.0/33'] }, code: 'bad_network' },
  { name: 'a blocked CIDR', over: { blocked: [{ ip: '10.0.0.0/8', timeoutSeconds: 60 }] }, code: 'bad_address' },
  { name: 'a blocked address with a zone', over: { blocked: [{ ip: 'fe80::1%eth0', timeoutSeconds: 60 }] }, code: 'bad_address' },
  { name: 'a port out of range', over: { openTcpPorts: [70000] }, code: 'bad_policy' },
  { name: 'a fractional rate', over: { ratePerMinute: 1.5 }, code: 'bad_policy' },
];
for (const c of refused) {
  test(`refuses ${c.name}`, () => {
    assert.throws(() => renderRuleset(policy(c.over)), (err: Error & { code?: string }) => err.code === c.code);
  });
}

test('block re-arms the timeout in one transaction; unblock works whether or not blocked', () => {
  assert.equal(renderBlock('192.0.2.9', 600), 'add element inet mailroom blocklist4 { 192.0.2.9 }\ndelete element inet mailroom blocklist4 { 192.0.2.9 }\nadd element inet mailroom blocklist4 { 192.0.2.9 timeout 600s }\n');
  assert.match(renderBlock('2001:db8::5', 60), /blocklist6 \{ 2001:db8::5 timeout 60s \}/);
  assert.equal(renderUnblock('192.0.2.9'), 'add element inet mailroom blocklist4 { 192.0.2.9 }\ndelete element inet mailroom blocklist4 { 192.0.2.9 }\n');
  for (const bad of ['192.0.2.9 }', '192.0.2.0/24', '', 'localhost', '1.2.3.4; flush ruleset']) {
    assert.throws(() => renderBlock(bad, 60), (err: Error & { code?: string }) => err.code === 'bad_address', bad);
  }
  assert.throws(() => renderBlock('192.0.2.9', 0), (err: Error & { code?: string }) => err.code === 'bad_policy');
});

test('policy from config: ports from listen.*, null listeners left out, http open or admin-only', () => {
  const c = parseConfig({ hostname: 'mx.example.test', listen: { smtp: '*:25', submission: '*:587', submissions: '*:465', imap: null, imaps: '*:993', pop3: null, pop3s: '*:995', admin: '*:443', http: '*:80' } }, '/tmp/x');
  const p = policyFromConfig(c);
  assert.deepEqual(p.openTcpPorts, [25, 80, 465, 587, 993, 995]);
  assert.deepEqual(p.rateLimitedTcpPorts, [25, 465, 587, 993]);
  assert.deepEqual(p.adminTcpPorts, [443]);
  assert.equal(p.sshPort, 22);
  const closed = policyFromConfig(parseConfig({ hostname: 'mx.example.test', listen: { http: '*:80', admin: '*:443' }, firewall: { httpOpen: false, sshPort: null, adminNetworks: ['192.168.0.0/16'] } }, '/tmp/x'));
  assert.deepEqual(closed.adminTcpPorts, [80, 443]);
  assert.ok(!closed.openTcpPorts.includes(80));
  assert.equal(closed.sshPort, null);
  assert.throws(() => parseConfig({ hostname: 'mx.example.test', firewall: { adminNetworks: ['10.0.0.0/40'] } }, '/tmp/x'), /firewall\.adminNetworks\.0/);
});
