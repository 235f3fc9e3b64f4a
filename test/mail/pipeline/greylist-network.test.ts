import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalAddress, clientKey, clientNetwork, isLoopbackAddress, NetworkList } from '../../../mail/pipeline/greylist-network.js';

test('clientNetwork: IPv4 /24, IPv6 /64, IPv4-mapped as IPv4', () => {
  const table: [string, string][] = [
    ['192.0.2.99', '192.0.2.0/24'],
    ['::ffff:192.0.2.7', '192.0.2.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8::1', '2001:db8::/64'],
    ['::1', '::/64'],
  ];
  for (const [ip, want] of table) assert.equal(clientNetwork(ip), want, ip);
});

test('canonicalAddress and clientKey', () => {
  assert.equal(canonicalAddress('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(canonicalAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(canonicalAddress('1:0:0:2:0:0:0:3'), '1:0:0:2::3');
  assert.equal(clientKey('198.51.100.4'), '198.51.100.4');
  assert.equal(clientKey('2001:db8::5'), '2001:db8::/64');
});

test('isLoopbackAddress', () => {
  for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.2']) assert.equal(isLoopbackAddress(ip), true, ip);
  for (const ip of ['10.0.0.1', '::2', 'nonsense', '2001:db8::1']) assert.equal(isLoopbackAddress(ip), false, ip);
});

test('NetworkList matches CIDRs and single addresses of both families', () => {
  const list = new NetworkList(['192.0.2.0/24', '10.0.0.0/8', '198.51.100.7', '2001:db8::/32', '172.16.0.0/12']);
  const table: [string, boolean][] = [
    ['192.0.2.1', true], ['192.0.3.1', false], ['10.255.1.1', true], ['198.51.100.7', true], ['198.51.100.8', false],
    ['2001:db8:ffff::1', true], ['2001:db9::1', false], ['172.31.255.255', true], ['172.32.0.1', false],
    ['::ffff:10.1.2.3', true], ['127.0.0.1', false], ['garbage', false],
  ];
  for (const [ip, want] of table) assert.equal(list.has(ip), want, ip);
  assert.equal(new NetworkList([]).has('127.0.0.1'), false, 'an empty list exempts nobody, loopback included');
  assert.throws(() => new NetworkList(['not-a-network']));
});
