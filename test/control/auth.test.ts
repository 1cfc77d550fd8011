import t from 'tap';
import { build, bearer, shareApps } from '../helper.js';
import { ctl, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('with CONTROL_TOKEN every /_mock/ route but health needs the bearer token', async (t) => {
  const app = await build(t, { controlToken: 's3cret' });
  const health = await ctl(app, 'GET', '/health');
  t.equal(health.statusCode, 200, 'health stays open for container health checks');
  for (const [method, url] of [['GET', '/orgs'], ['POST', '/reset'], ['GET', '/clock'], ['GET', '/jobs'], ['GET', '/ticker'], ['GET', '/faults'], ['GET', '/requests'], ['GET', '/outbox'], ['GET', '/openapi/close.json'], ['GET', '/no-such-route']] as const) {
    isControlError(t, await ctl(app, method, url), 401, 'UNAUTHORIZED');
    isControlError(t, await ctl(app, method, url, undefined, { authorization: 'Bearer wrong' }), 401, 'UNAUTHORIZED');
  }
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'x' }), 401, 'UNAUTHORIZED');
  t.equal(app.tenants.orgCount(), 0, 'a refused call changes nothing');
  const ok = await ctl(app, 'POST', '/orgs', { credential: 'x' }, { authorization: 'Bearer s3cret' });
  t.equal(ok.statusCode, 201);
  t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer('x') })).statusCode, 200, 'vendor routes do not need it');
});

t.test('without CONTROL_TOKEN the control API is open', async (t) => {
  const app = await build(t);
  t.equal((await ctl(app, 'GET', '/orgs')).statusCode, 200);
});

t.test('health reports version and database kind', async (t) => {
  const app = await build(t);
  const body = (await ctl(app, 'GET', '/health')).json();
  t.match(body, { status: 'ok', version: /^\d+\.\d+\.\d+/, database: 'memory' });
});
