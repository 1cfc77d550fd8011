import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClient } from '../src/index.js';
import { closeEmulators, rejects, start } from './client-helper.js';
import { LOOPBACK_RECEIVERS, receiver } from './close/webhook-helper.js';

// The client's fault, journal, OpenAPI and webhook methods against a real listening emulator: each
// test checks what the call did (the rule stored and firing, the journal's entries, the served
// document, the deliveries sent), so a renamed route or a wrong method breaks it.
closeEmulators(t);

/** One emulator for the file (a reset between tests): a control token, and loopback webhook receivers allowed. */
const OPTIONS = { controlToken: 'tok', ...LOOPBACK_RECEIVERS };
const control = { authorization: 'Bearer tok' };
const closeAuth = (key: string) => ({ authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64') });

t.test('fault rules are added, listed, fire on the calls they name, and are removed and cleared', async (t) => {
  const { client, url, app } = await start(t, OPTIONS);
  await rejects(t, new EmulatorClient(url).faults.list(), 401, 'UNAUTHORIZED');
  t.same(await client.faults.list(), { data: [] }, 'the client sends its control token');
  await client.orgs.create({ credential: 'k' });
  const rule = await client.faults.add({ vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/**', org: 'k', status: 503, latency_ms: [10, 20], times: 2, seed: 7 });
  t.match(rule, { id: /^fault_/, vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/**', status: 503, latency_ms: [10, 20], times: 2, remaining: 2, hits: 0, seed: 7 });
  const stored = app.db.prepare('SELECT id, hits FROM control_faults').all();
  t.same(stored, [{ id: rule.id, hits: 0 }], 'the rule is stored');

  const edit = (key: string) => fetch(`${url}/api/v1/bulk_action/edit/`, {
    method: 'POST', headers: { ...closeAuth(key), 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'clear_custom_field', s_query: { type: 'object_type', object_type: 'lead' }, custom_field_name: 'Source Detail' }),
  });
  const fired = await edit('k');
  t.equal(fired.status, 503);
  t.same(await fired.json(), { error: `Injected fault (rule ${rule.id})` });
  t.equal((await fetch(`${url}/api/v1/me/`, { headers: closeAuth('k') })).status, 200, 'another method and path pass');
  t.equal((await edit('other')).status, 200, 'another organization passes');
  t.match((await client.faults.list()).data, [{ id: rule.id, hits: 1, remaining: 1 }]);

  await rejects(t, client.faults.remove('fault/1'), 404, 'NOT_FOUND');
  t.equal(await client.faults.remove(rule.id), undefined);
  t.equal((await edit('k')).status, 200, 'a removed rule no longer fires');
  await client.faults.add({ status: 500 });
  await client.faults.add({ status: 502 });
  t.equal(await client.faults.clear(), undefined);
  t.same(await client.faults.list(), { data: [] });
  t.equal(app.db.prepare('SELECT count(*) FROM control_faults').pluck().get(), 0, 'nothing stored');
  t.equal((await fetch(`${url}/api/v1/me/`, { headers: closeAuth('k') })).status, 200);
});

t.test('the request journal is listed, counted and cleared by its filters', async (t) => {
  const { client, url } = await start(t, OPTIONS);
  const since = new Date(Date.now() - 1000).toISOString();
  // "a b": a credential that must be encoded in the query string (Close's Basic auth carries it).
  t.equal((await fetch(`${url}/api/v1/me/`, { headers: closeAuth('a b') })).status, 200);
  t.equal((await fetch(`${url}/api/v1/nowhere/`, { headers: closeAuth('a b') })).status, 404);
  t.equal((await fetch(`${url}/api/v1/nowhere/`, { headers: closeAuth('other') })).status, 404);
  t.equal((await fetch(`${url}/api/v1/crm/nowhere`, { headers: { authorization: 'Bearer other' } })).status, 404);

  const filter = { vendor: 'close', method: 'GET', path: '/api/v1/**', status: '4xx', org: 'a b', since } as const;
  const listed = await client.requests.list({ ...filter, limit: 5 });
  t.match(listed, { data: [{ vendor: 'close', method: 'GET', path: '/api/v1/nowhere/', status: 404 }], total: 1 });
  t.equal(listed.data.length, 1, 'only the Close 404 of organization "a b"');
  t.same(listed, await (await fetch(`${url}/_mock/requests?${new URLSearchParams({ ...filter, limit: '5' })}`, { headers: control })).json(), 'as GET /_mock/requests answers');
  t.equal(await client.requests.count({ status: 404 }), 3);
  t.equal(await client.requests.count({ org: 'a b' }), 2);
  t.equal(await client.requests.count({ vendor: 'blueai' }), 1);

  t.equal(await client.requests.clear(filter), undefined);
  t.equal(await client.requests.count({ status: 404 }), 2, 'the other organization\'s 404s stay');
  t.same((await client.requests.list({ org: 'a b' })).data.map((e) => `${e.method} ${e.path} ${e.status}`), ['GET /api/v1/me/ 200']);
});

t.test('openapi fetches each surface\'s served document; a non-JSON error answer still throws EmulatorError', async (t) => {
  const { client, url } = await start(t, OPTIONS);
  for (const surface of ['close', 'blueai', 'control'] as const) {
    const doc = await client.openapi(surface);
    t.same(doc, await (await fetch(`${url}/_mock/openapi/${surface}.json`, { headers: control })).json(), `${surface}: the served document`);
    t.equal(doc.openapi, '3.1.0');
  }
  const paths = async (surface: 'close' | 'blueai' | 'control') => Object.keys((await client.openapi(surface)).paths as object);
  t.ok((await paths('close')).includes('/api/v1/bulk_action/edit/'), 'Close\'s document has its bulk edit route');
  t.ok((await paths('blueai')).includes('/api/v1/crm/deals'), 'BlueAI\'s has its deals');
  t.ok((await paths('control')).includes('/_mock/faults'), 'the control API\'s has its fault rules');

  // A proxy in front of the emulator answering plain text.
  const proxy = createServer((_req, res) => { res.statusCode = 502; res.setHeader('content-type', 'text/plain'); res.end('Bad Gateway'); });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const broken = new EmulatorClient(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
  const err = await rejects(t, broken.openapi('control'), 502, 'HTTP_502');
  t.equal(err.body, 'Bad Gateway');
  t.equal(err.field, undefined);
});

t.test('webhook deliveries are listed, held, flushed and redelivered, and reach a real receiver', async (t) => {
  const { client, url } = await start(t, OPTIONS);
  const rx = await receiver(t);
  const headers = { ...closeAuth('k'), 'content-type': 'application/json' };
  const sub = await (await fetch(`${url}/api/v1/webhook/`, {
    method: 'POST', headers, body: JSON.stringify({ url: `${rx.url}/hook`, events: [{ object_type: 'lead', action: 'created' }] }),
  })).json() as { id: string; signature_key: string };
  rx.keys.set(sub.id, sub.signature_key);
  t.same(await client.webhooks.settings.set({ held: true, timeout_ms: 500 }), { held: true, timeout_ms: 500 });
  t.same(await client.webhooks.settings.get(), { held: true, timeout_ms: 500 });
  const lead = await (await fetch(`${url}/api/v1/lead/`, { method: 'POST', headers, body: JSON.stringify({ name: 'Hooked Inc.' }) })).json() as { id: string };

  const pending = await client.webhooks.deliveries({ org: 'k', status: 'pending', limit: 5 });
  t.match(pending, { data: [{ subscription_id: sub.id, status: 'pending', attempts: 0 }] });
  t.equal(pending.data.length, 1);
  t.same(await client.webhooks.deliveries({ org: 'k', status: 'succeeded' }), { data: [] });
  t.same(await client.webhooks.flush(), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'held: a flush sends nothing');
  await rejects(t, client.webhooks.redeliver(pending.data[0]!.id, { org: 'k' }), 409, 'CONFLICT');
  t.equal(rx.got.length, 0, 'held: nothing sent');

  t.same(await client.webhooks.settings.set({ held: false }), { held: false, timeout_ms: 500 });
  t.same(await client.webhooks.flush({ org: 'k' }), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.equal(rx.got.length, 1);
  t.ok(rx.got[0]!.signatureOk, 'signed with the subscription\'s key');
  t.match(rx.got[0]!.body, { subscription_id: sub.id, event: { object_type: 'lead', action: 'created', object_id: lead.id } });
  t.same(await client.webhooks.flush(), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'nothing is sent twice');

  const again = await client.webhooks.redeliver(pending.data[0]!.id, { org: 'k' });
  t.match(again, { id: pending.data[0]!.id, subscription_id: sub.id, status: 'succeeded', attempts: 2, last_status_code: 200 });
  t.equal(rx.got.length, 2, 'the redelivery reached the receiver before the call answered');
  t.equal(rx.got[1]!.body.event.id, rx.got[0]!.body.event.id, 'the same event');
  await rejects(t, client.webhooks.redeliver('whdel/none', { org: 'k' }), 404, 'NOT_FOUND');
});
