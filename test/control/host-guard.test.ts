import t from 'tap';
import { request } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { build } from '../helper.js';
import { ctl, digest, isControlError } from './helper.js';
import { HostGuard } from '../../src/control/host-guard.js';
import { parseConfig } from '../../src/config.js';

// DNS rebinding: a page on evil.example points its own name at 127.0.0.1 and then calls the emulator as a
// same-origin page, with Host and Origin both evil.example. The control API answers only to its own names.

const orgCount = (app: FastifyInstance) => app.db.prepare('SELECT count(*) FROM orgs WHERE is_template = 0').pluck().get() as number;

async function withOrgs(t: Parameters<typeof build>[0], opts: Parameters<typeof build>[1] = {}) {
  const app = await build(t, opts);
  for (const credential of ['alpha', 'beta']) app.tenants.create(credential, 'seed');
  return app;
}

t.test('a rebinding page (Host and Origin evil.example) cannot reset: 403 and every organization stays', async (t) => {
  const app = await withOrgs(t);
  const before = digest(app);
  const res = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { host: 'evil.example', origin: 'http://evil.example' } });
  const err = isControlError(t, res, 403, 'FORBIDDEN');
  t.match(err.message, /Host "evil\.example" is not loopback, this machine's name or in ALLOWED_HOSTS/);
  t.equal(orgCount(app), 2);
  t.equal(digest(app), before, 'no row changed');
});

t.test('reads are guarded too: a snapshot, the organization list, health, the dashboard and an unknown route answer 403 with no data', async (t) => {
  const app = await withOrgs(t);
  const org = app.tenants.find('alpha')!.id;
  for (const url of [`/_mock/orgs/${org}/snapshot`, '/_mock/orgs', '/_mock/health', '/_mock/ui', '/_mock/docs', '/_mock/no-such-route', '/_mock/requests']) {
    const res = await app.inject({ method: 'GET', url, headers: { host: 'evil.example:4010' } });
    isControlError(t, res, 403, 'FORBIDDEN');
    t.notMatch(res.body, /orga_|alpha/, `${url}: nothing of the organizations leaks`);
  }
});

t.test('loopback names, this machine\'s name and its own addresses are the emulator\'s own: the control API answers', async (t) => {
  const app = await withOrgs(t);
  const own = Object.values(networkInterfaces()).flat().map((a) => a!.address).filter((a) => !a.startsWith('127.') && a !== '::1');
  const hosts = ['localhost', 'localhost:4010', '127.0.0.1:4010', '127.0.0.2', '[::1]:4010', 'app.localhost:4010', 'LOCALHOST', hostname()];
  for (const a of own) hosts.push(a.includes(':') ? `[${a.split('%')[0]}]:4010` : `${a}:4010`);
  for (const host of hosts) {
    const res = await app.inject({ method: 'GET', url: '/_mock/orgs', headers: { host } });
    t.equal(res.statusCode, 200, `Host ${host}`);
    t.equal(res.json().data.length, 2);
  }
});

t.test('ALLOWED_HOSTS adds names, .domain suffixes, or * for any; what it leaves out stays a 403', async (t) => {
  const app = await withOrgs(t, { allowedHosts: ['crm-emulator', '.ci.example'] });
  for (const host of ['crm-emulator:4010', 'CRM-EMULATOR', 'ci.example', 'runner-7.ci.example:80']) {
    t.equal((await ctl(app, 'GET', '/orgs', undefined, { host })).statusCode, 200, `Host ${host} is allowed`);
  }
  for (const host of ['crm-emulator.evil.example', 'evilci.example', 'emulator', '10.255.255.1', 'a b', 'x@localhost']) {
    isControlError(t, await ctl(app, 'GET', '/orgs', undefined, { host }), 403, 'FORBIDDEN');
  }
  const open = await withOrgs(t, { allowedHosts: ['*'] });
  t.equal((await ctl(open, 'GET', '/orgs', undefined, { host: 'anything.example' })).statusCode, 200, '* allows any Host');
});

t.test('the configured HOST is one of the names; a wildcard HOST adds none', async (t) => {
  t.ok(new HostGuard({ listenHost: 'emulator.internal' }).allows('emulator.internal:4010'));
  t.notOk(new HostGuard({ listenHost: '0.0.0.0' }).allows('0.0.0.0:4010'), '0.0.0.0 is no name a client uses');
  t.notOk(new HostGuard({}).allows('emulator.internal'));
  t.ok(new HostGuard({}).allows(undefined), 'no Host header (HTTP/1.0): nothing a page chose');
});

t.test('the vendor APIs are not guarded by Host: a client may use any name for them', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'GET', url: '/api/v1/me/', headers: { host: 'close.internal', authorization: 'Bearer k1' } });
  t.equal(res.statusCode, 200);
});

t.test('over a real socket, a request with a rebinding Host is refused and one with the loopback Host served', async (t) => {
  const app = await withOrgs(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const call = (host: string, method: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/_mock/reset', method, headers: { host, origin: `http://${host}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
  const evil = await call(`rebind.evil.example:${port}`, 'POST');
  t.equal(evil.status, 403);
  t.equal(JSON.parse(evil.body).error.code, 'FORBIDDEN');
  t.equal(orgCount(app), 2, 'nothing was reset');
  const own = await call(`localhost:${port}`, 'POST');
  t.equal(own.status, 204);
  t.equal(orgCount(app), 0, 'the emulator\'s own name resets');
});

t.test('ALLOWED_HOSTS parsing: a list of names, lowercased; a URL or a path is a configuration error', async (t) => {
  t.same(parseConfig({ ALLOWED_HOSTS: 'Crm-Emulator, .ci.example ,*' }, []).allowedHosts, ['crm-emulator', '.ci.example', '*']);
  t.same(parseConfig({}, ['--allowed-hosts', 'a,b']).allowedHosts, ['a', 'b']);
  t.same(parseConfig({}, []).allowedHosts, []);
  t.throws(() => parseConfig({ ALLOWED_HOSTS: 'http://emulator:4010' }, []), /ALLOWED_HOSTS entries must be host names, IP addresses, .domain suffixes or \*, got "http:\/\/emulator:4010"/);
  t.throws(() => parseConfig({ ALLOWED_HOSTS: 'emulator/x' }, []), /ALLOWED_HOSTS entries must be host names/);
});
