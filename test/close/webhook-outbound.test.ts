import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, listening, resolverOf } from '../helper.js';
import { ctl } from '../control/helper.js';
import { call, closeOrg, isError, isFieldError, KEY, rows } from './helper.js';
import { LOOPBACK_RECEIVERS, receiver, subscribe } from './webhook-helper.js';
import { USER_AGENT, type Resolver } from '../../src/core/outbound.js';

// Close webhooks under the outbound policy (src/core/outbound.ts). Traffic goes only to loopback
// receivers; every refusal of another address is proven without connecting (a 400, or a test resolver).

const EVENTS = [{ object_type: 'lead', action: 'created' }];
const create = (app: FastifyInstance, url: string) => call(app, { method: 'POST', path: '/webhook/', payload: { url, events: EVENTS } });
const subscriptions = (app: FastifyInstance) => rows(app, `SELECT url FROM close_webhooks WHERE org_id = ?`, closeOrg(app));
const deliveries = async (app: FastifyInstance) => (await ctl(app, 'GET', `/webhooks/deliveries?org=${KEY}`)).json().data as Record<string, unknown>[];
/** A lead.created event, so each subscription gets a delivery due now; then one flush. */
async function deliverOne(t: Test, app: FastifyInstance) {
  t.equal((await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Outbound Co' } })).statusCode, 200);
  return (await ctl(app, 'POST', '/webhooks/flush', { org: KEY })).json();
}
/** A resolver whose answer for every name the test changes between subscription and delivery (DNS rebinding). */
function rebinding(first: string[] | null) {
  const state = { addresses: first };
  const resolver: Resolver = async (host) => {
    if (!state.addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return state.addresses.map((address) => ({ address, family: 4 }));
  };
  return { state, resolver };
}

t.test('with defaults, loopback, link-local and unspecified URLs in any spelling are 400s naming url and nothing is stored', async (t) => {
  const app = await build(t);
  const refused = ['http://127.0.0.1:4010/_mock/reset', 'http://169.254.169.254/latest/meta-data/', 'http://2130706433:4010/_mock/reset',
    'http://0x7f.1:4010/_mock/reset', 'http://[::1]:4010/_mock/reset', 'http://localhost:4010/_mock/reset', 'http://0.0.0.0:4010/', 'http://[fe80::1]/'];
  for (const url of refused) {
    const res = await create(app, url);
    isFieldError(t, res, 'url');
    t.match(res.json()['field-errors'].url, /^Not supported by the emulator: .*(loopback|link-local|unspecified)/, url);
  }
  t.same(subscriptions(app), []);
  // Private ranges stay allowed (compose and CI receivers); an update to a refused URL changes nothing.
  const ok = await create(app, 'http://10.0.0.5:8080/hook');
  t.equal(ok.statusCode, 201);
  isFieldError(t, await call(app, { method: 'PUT', path: `/webhook/${ok.json().id}/`, payload: { url: 'http://169.254.169.254/' } }), 'url');
  isError(t, await call(app, { method: 'PUT', path: '/webhook/whsub_unknown/', payload: { url: 'http://169.254.169.254/' } }), 404);
  t.same(subscriptions(app), [{ url: 'http://10.0.0.5:8080/hook' }]);
});

t.test('a host name is resolved when subscribed: refused if it resolves to a refused address, accepted if it does not resolve', async (t) => {
  const app = await build(t, { outboundResolver: resolverOf({ 'evil.example': ['127.0.0.1'], 'meta.example': ['10.0.0.1', '169.254.169.254'], 'ci.example': ['172.18.0.9'] }) });
  let res = await create(app, 'http://evil.example/hook');
  isFieldError(t, res, 'url');
  t.match(res.json()['field-errors'].url, /evil\.example resolves to 127\.0\.0\.1: 127\.0\.0\.1 is a loopback address/);
  res = await create(app, 'https://meta.example/hook');
  t.match(res.json()['field-errors'].url, /meta\.example resolves to 169\.254\.169\.254: .*link-local/);
  t.equal((await create(app, 'http://ci.example:9000/hook')).statusCode, 201, 'a private address is allowed');
  t.equal((await create(app, 'http://not-started-yet.example/hook')).statusCode, 201, 'a name that does not resolve yet');
  t.same(subscriptions(app).map((s) => s.url).sort(), ['http://ci.example:9000/hook', 'http://not-started-yet.example/hook']);
});

t.test('DNS rebinding: a name that resolved to a private address when subscribed and to loopback when delivered fails with the reason; nothing connects', async (t) => {
  const dns = rebinding(['10.0.0.5']);
  const app = await build(t, { outboundResolver: dns.resolver });
  const rx = await receiver(t);
  const port = new URL(rx.url).port;
  t.equal((await create(app, `http://evil.example:${port}/hook`)).statusCode, 201);
  dns.state.addresses = ['127.0.0.1'];
  t.same(await deliverOne(t, app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], {
    status: 'pending', attempts: 1, last_status_code: null, response_excerpt: null,
    last_error: 'refused by the outbound policy: evil.example resolves to 127.0.0.1: 127.0.0.1 is a loopback address (refused unless WEBHOOK_HOSTS lists the host)',
  }, 'failed with the reason, and retried like any failure');
  t.equal(rx.got.length, 0, 'the loopback receiver got nothing');
});

t.test('a receiver streaming an endless 200: the attempt succeeds at once with a 500-character excerpt', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t, (_req, res) => {
    res.writeHead(200);
    const chunk = 'z'.repeat(16_384);
    const pump = () => { while (!res.destroyed && res.write(chunk)); };
    res.on('drain', pump);
    pump();
  });
  await subscribe(app, rx, EVENTS);
  await ctl(app, 'PUT', '/webhooks/settings', { timeout_ms: 20_000 });
  t.same(await deliverOne(t, app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  const [d] = await deliveries(app);
  t.match(d, { status: 'succeeded', last_status_code: 200, response_excerpt: 'z'.repeat(500) });
  t.ok((d!.latency_ms as number) < 20_000, 'over before its timeout');
});

t.test('a redirect is a failed attempt "redirect not followed" and its Location gets no request; the receiver sees our User-Agent', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const target = await receiver(t);
  const agents: unknown[] = [];
  const rx = await receiver(t, (req, res) => {
    agents.push(req.headers['user-agent']);
    res.writeHead(301, { location: `${target.url}/moved` });
    res.end();
  });
  await subscribe(app, rx, EVENTS);
  t.same(await deliverOne(t, app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], { status: 'pending', last_status_code: 301, last_error: 'HTTP 301: redirect not followed' });
  t.equal(target.got.length, 0);
  t.same(agents, [USER_AGENT]);
  t.match(USER_AGENT, /^crm-bulk-emulator\/\d+\.\d+\.\d+/);
});

t.test("the reviewer's exploit: no subscription to the emulator's own /_mock/reset, and even allow-listed no delivery to its own port", async (t) => {
  const open = await listening(t);
  const res = await create(open.app, `${open.url}/_mock/reset`);
  isFieldError(t, res, 'url');
  t.match(res.json()['field-errors'].url, /own address and port/);

  // WEBHOOK_HOSTS lists loopback and a name; the name does not resolve when subscribed, then resolves to loopback.
  const dns = rebinding(null);
  const { app, url } = await listening(t, { webhookHosts: ['127.0.0.1', 'self.example'], outboundResolver: dns.resolver });
  const port = new URL(url).port;
  const own = await create(app, `${url}/_mock/reset`);
  isFieldError(t, own, 'url');
  t.match(own.json()['field-errors'].url, new RegExp(`127\\.0\\.0\\.1 port ${port} is this emulator's own address and port`));
  t.equal((await create(app, `http://2130706433:${port}/_mock/reset`)).statusCode, 400, 'in any spelling');
  t.equal((await create(app, `http://self.example:${port}/_mock/reset`)).statusCode, 201);
  dns.state.addresses = ['127.0.0.1'];
  const orgsBefore = (await ctl(app, 'GET', '/orgs')).json().data.length as number;
  t.same(await deliverOne(t, app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], { last_error: /refused by the outbound policy: self\.example resolves to 127\.0\.0\.1: .*own address and port/ });
  t.equal((await ctl(app, 'GET', '/orgs')).json().data.length, orgsBefore, 'every organization survives');
  t.equal((await call(app, { path: '/lead/?_limit=1' })).json().data.length, 1, 'with its data');
});
