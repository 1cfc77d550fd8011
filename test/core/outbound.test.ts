import t from 'tap';
import type { NetworkInterfaceInfo } from 'node:os';
import { addressKind, OutboundPolicy } from '../../src/core/outbound.js';
import { resolverOf } from '../helper.js';

// The outbound policy as a function: every refusal and every allowance of a non-loopback address is
// proven here without connecting anywhere (tests send traffic only to loopback).

const REFUSED: [string, string][] = [
  ['127.0.0.1', 'loopback'], ['127.255.255.254', 'loopback'], ['::1', 'loopback'], ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'],
  ['169.254.169.254', 'link-local'], ['169.254.0.1', 'link-local'], ['fe80::1', 'link-local'], ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'], ['::ffff:169.254.169.254', 'link-local'],
  ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'], ['::', 'unspecified'],
  ['224.0.0.1', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
];
const ALLOWED = [
  '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', 'fc00::1', 'fd12:3456::1', '::ffff:10.0.0.5', // private: compose and CI receivers
  '8.8.8.8', '2001:db8::1', '172.32.0.1', '169.255.0.1', '126.255.255.255', '128.0.0.1', 'fec0::1',
];

t.test('addressKind names what is refused by default (v4, v6, IPv4-mapped v6) and leaves private and public ranges alone', async (t) => {
  for (const [ip, kind] of REFUSED) t.equal(addressKind(ip), kind, ip);
  for (const ip of ALLOWED) t.equal(addressKind(ip), null, ip);
  t.equal(addressKind('not-an-ip'), 'invalid');
});

t.test('with defaults, every spelling of loopback, link-local or unspecified in a URL is refused from the URL alone', async (t) => {
  const policy = new OutboundPolicy({ resolver: resolverOf() });
  const spellings: [string, RegExp][] = [
    ['http://127.0.0.1:4010/_mock/reset', /127\.0\.0\.1 is a loopback address/], ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/], ['http://127.1/', /127\.0\.0\.1 is a loopback/],
    ['http://017700000001/', /127\.0\.0\.1 is a loopback/], ['http://[::1]:80/', /::1 is a loopback/],
    ['http://[0:0:0:0:0:0:0:1]/', /::1 is a loopback/], ['http://[::ffff:127.0.0.1]/', /loopback/],
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a link-local address/], ['http://0xa9fea9fe/', /link-local/],
    ['http://[fe80::1]/', /link-local/], ['http://0/', /0\.0\.0\.0 is an unspecified address/], ['http://[::]/', /unspecified/],
    ['http://224.0.0.1/', /multicast/], ['http://255.255.255.255/', /broadcast/],
    ['http://localhost:4010/', /localhost names a loopback address/], ['http://LOCALHOST./', /localhost names a loopback/],
    ['http://api.localhost/', /api\.localhost names a loopback/],
  ];
  for (const [url, why] of spellings) t.match(policy.literalRefusal(new URL(url)), why, url);
  for (const url of ['http://10.0.0.5:8080/hook', 'https://[fd00::5]/x', 'http://192.168.1.20/', 'https://hooks.example.com/', 'http://receiver:9000/']) {
    t.equal(policy.literalRefusal(new URL(url)), null, url);
  }
});

t.test('WEBHOOK_HOSTS is an allow-list: it alone reaches loopback, matches IP literals in any spelling, and leaves every other host out', async (t) => {
  const policy = new OutboundPolicy({ allow: ['127.0.0.1', '[::1]', 'Hooks.Example.com.', 'localhost'], resolver: resolverOf() });
  for (const url of ['http://127.0.0.1:9/', 'http://2130706433:9/', 'http://0x7f.1/', 'http://[::1]/', 'https://hooks.example.com/x', 'http://localhost:8080/']) {
    t.equal(policy.literalRefusal(new URL(url)), null, `${url} is allowed`);
  }
  for (const url of ['http://10.0.0.5/', 'http://127.0.0.2/', 'https://other.example/', 'http://169.254.169.254/', 'http://api.localhost/']) {
    t.match(policy.literalRefusal(new URL(url)), /is not in WEBHOOK_HOSTS \(127\.0\.0\.1, ::1, hooks\.example\.com, localhost\)/, `${url} is not`);
  }
  t.equal(policy.refusal('hooks.example.com', '169.254.169.254', 443), null, 'a listed host may resolve anywhere but to the emulator');
  t.match(policy.refusal('other.example', '10.0.0.5', 443), /other\.example is not in WEBHOOK_HOSTS/);
});

t.test("this server's own addresses on its listening port are refused always, allow-list or not; other ports are not", async (t) => {
  const interfaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4' }, { address: '::1', family: 'IPv6' }],
    eth0: [{ address: '172.18.0.3', family: 'IPv4' }, { address: 'fe80::42:acff:fe12:3', family: 'IPv6', scopeid: 2 }],
  } as unknown as NodeJS.Dict<NetworkInterfaceInfo[]>;
  for (const allow of [[], ['127.0.0.1', 'emulator', '172.18.0.3']]) {
    const policy = new OutboundPolicy({ allow, resolver: resolverOf() });
    t.equal(policy.refusal('emulator', '172.18.0.3', 4010), null, 'before listening nothing is own (and private is allowed)');
    policy.listening([{ address: '0.0.0.0', port: 4010 }], interfaces);
    const own = /is this emulator's own address and port/;
    t.match(policy.refusal('emulator', '172.18.0.3', 4010), own, `the service name's address (allow ${allow.join(',') || 'none'})`);
    t.match(policy.refusal('emulator', '::ffff:172.18.0.3', 4010), own, 'the same address IPv4-mapped');
    t.match(policy.refusal('127.0.0.1', '127.0.0.1', 4010), own, 'loopback');
    t.match(policy.refusal('127.0.0.1', '127.0.0.2', 4010), own, 'all of loopback reaches a wildcard listener');
    t.match(policy.refusal('x', '0.0.0.0', 4010), own, '0.0.0.0 connects locally');
    t.match(policy.refusal('x', 'fe80::42:acff:fe12:3%eth0', 4010), own, 'a link-local interface address');
    t.match(policy.literalRefusal(new URL('http://2130706433:4010/_mock/reset')), own, 'any spelling');
    t.equal(policy.refusal('emulator', '172.18.0.3', 4011), null, 'another port of the same address is another service');
    t.equal(policy.refusal('emulator', '172.18.0.4', 4010), null, 'another machine on the same port');
  }
  const specific = new OutboundPolicy({ allow: ['127.0.0.1'] });
  specific.listening([{ address: '127.0.0.1', port: 5000 }], {});
  t.match(specific.literalRefusal(new URL('http://127.0.0.1:5000/_mock/reset')), /own address/);
  t.equal(specific.literalRefusal(new URL('http://127.0.0.1:5001/')), null);
});

t.test('a host name is resolved: refused if any address is, accepted if none is or it does not resolve (in time)', async (t) => {
  const policy = new OutboundPolicy({
    resolver: resolverOf({ 'evil.example': ['127.0.0.1'], 'ok.example': ['10.0.0.5', 'fd00::5'], 'multi.example': ['10.0.0.5', '169.254.169.254'], 'v6.example': ['::1'] }),
  });
  t.match(await policy.urlRefusal(new URL('http://evil.example/')), /^evil\.example resolves to 127\.0\.0\.1: 127\.0\.0\.1 is a loopback address/);
  t.match(await policy.urlRefusal(new URL('http://multi.example/')), /resolves to 169\.254\.169\.254: .*link-local/);
  t.match(await policy.urlRefusal(new URL('http://v6.example/')), /::1 is a loopback/);
  t.equal(await policy.urlRefusal(new URL('http://ok.example/')), null);
  t.equal(await policy.urlRefusal(new URL('http://nowhere.example/')), null, 'not resolving: the receiver may start later');
  t.match(await policy.urlRefusal(new URL('http://[::1]/')), /loopback/, 'a literal needs no resolver');
  const slow = new OutboundPolicy({ resolver: () => new Promise(() => {}), resolveTimeoutMs: 20 });
  t.equal(await slow.urlRefusal(new URL('http://slow.example/')), null, 'a resolver that never answers does not hold the request');
});
