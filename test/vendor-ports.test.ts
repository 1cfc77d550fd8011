import t from 'tap';
import { build } from './helper.js';
import { basic } from './close/seed-ids.js';
import { listenVendorPorts } from '../src/vendor-ports.js';

// CLOSE_PORT and BLUEAI_PORT over real sockets: each vendor alone on its port, the control API and
// the dashboard only on the main one.

t.test('each vendor answers alone on its own port; the other vendor, the control API and the dashboard are 404s there', async (t) => {
  const app = await build(t, {}, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const vendorPorts = await listenVendorPorts(app, { host: '127.0.0.1', close: 0, blueai: 0 });
  t.teardown(() => vendorPorts.close());
  const main = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const close = `http://127.0.0.1:${vendorPorts.ports.close}`;
  const blueai = `http://127.0.0.1:${vendorPorts.ports.blueai}`;
  t.ok(vendorPorts.ports.close && vendorPorts.ports.blueai && vendorPorts.ports.close !== vendorPorts.ports.blueai);
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers, redirect: 'manual' });
  const blueaiAuth = { authorization: 'Bearer port-token' };

  // Close's port: Close answers, the same organization as on the main port.
  const lead = await get(`${close}/api/v1/me/`, basic('port-token'));
  t.equal(lead.status, 200);
  const closeMe = await lead.json() as { id: string };
  t.same(await (await get(`${main}/api/v1/me/`, basic('port-token'))).json(), closeMe);
  // A BlueAI path there is a 404 in Close's shape.
  for (const path of ['/api/v1/crm/deals', '/api/v1/auth/sign-in/email']) {
    const res = await get(`${close}${path}`, blueaiAuth);
    t.equal(res.status, 404, path);
    t.match(await res.json(), { error: /not served on the Close port/ });
  }
  // /api/v1/me there is Close's, whatever the credential: the redirect.
  const meOnClose = await get(`${close}/api/v1/me`, blueaiAuth);
  t.equal(meOnClose.status, 301);
  t.equal(meOnClose.headers.get('location'), '/api/v1/me/');

  // BlueAI's port: BlueAI answers; a Close path is a 404 in BlueAI's envelope.
  const deals = await get(`${blueai}/api/v1/crm/deals?limit=1`, blueaiAuth);
  t.equal(deals.status, 200);
  const me = await get(`${blueai}/api/v1/me`, blueaiAuth);
  t.equal(me.status, 200);
  t.equal(((await me.json()) as { organization: { id: string } }).organization.id, app.tenants.resolve('port-token').id);
  const meBasic = await get(`${blueai}/api/v1/me`, basic('port-token'));
  t.equal(meBasic.status, 401, '/api/v1/me on BlueAI\'s port is BlueAI\'s even with Basic');
  for (const path of ['/api/v1/me/', '/api/v1/lead/', '/api/v1/lead']) {
    const res = await get(`${blueai}${path}`, basic('port-token'));
    t.equal(res.status, 404, path);
    t.same(await res.json(), { error: { code: 'NOT_FOUND', message: `Route GET ${path} not found on the BlueAI port`, details: {} } });
  }

  // The control API and the dashboard: only on the main port.
  for (const base of [close, blueai]) {
    for (const path of ['/_mock/health', '/_mock/ui', '/_mock/orgs', '/']) t.equal((await get(`${base}${path}`)).status, 404, `${base}${path}`);
  }
  t.equal((await get(`${main}/_mock/health`)).status, 200);

  // A sign-in on BlueAI's port sets the cookie, which works there.
  const signIn = await fetch(`${blueai}/api/v1/auth/sign-in/email`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'kenta.sato@blueai-demo.example', password: 'blueai-demo-password' }),
  });
  t.equal(signIn.status, 200);
  const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
  t.equal((await get(`${blueai}/api/v1/me`, { cookie })).status, 200);
});

t.test('a port that is taken is refused with EADDRINUSE', async (t) => {
  const app = await build(t, {}, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const taken = (app.server.address() as { port: number }).port;
  await t.rejects(listenVendorPorts(app, { host: '127.0.0.1', close: 0, blueai: taken }), /EADDRINUSE/);
});
