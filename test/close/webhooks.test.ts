import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { buildApp } from '../../src/app.js';
import { resolverOf, seed } from '../helper.js';
import { LOOPBACK_RECEIVERS } from './webhook-helper.js';
import { call, closeOrg, isError, isFieldError, rows } from './helper.js';

shareApps(t);

const EVENTS = [{ object_type: 'lead', action: 'created' }];
type Sub = { id: string; url: string; events: unknown[]; status: string; verify_ssl: boolean; signature_key?: string; [k: string]: unknown };
const create = (app: FastifyInstance, payload: unknown) => call(app, { method: 'POST', path: '/webhook/', payload });
const subsState = (app: FastifyInstance) => JSON.stringify(rows(app, `SELECT * FROM close_webhooks WHERE org_id = ? ORDER BY id`, closeOrg(app)));

t.test('POST /webhook/ answers 201 with a whsub_ id and a 64-hex signature key, stored; GET and the list show it without the key', async (t) => {
  const app = await build(t);
  const res = await create(app, { url: 'https://hooks.example.com/close', events: [{ object_type: 'lead', action: 'updated', extra_filter: { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'name' } } }] });
  t.equal(res.statusCode, 201);
  const sub = res.json() as Sub;
  t.match(sub.id, /^whsub_[0-9A-Za-z]{22}$/);
  t.match(sub.signature_key, /^[0-9a-f]{64}$/);
  t.match(sub, { url: 'https://hooks.example.com/close', status: 'active', verify_ssl: true, organization_id: closeOrg(app) });
  t.same(sub.events, [{ object_type: 'lead', action: 'updated', extra_filter: { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'name' } } }]);
  const [row] = rows(app, `SELECT * FROM close_webhooks WHERE org_id = ? AND id = ?`, closeOrg(app), sub.id);
  t.match(row, { url: sub.url, status: 'active', verify_ssl: 1, signature_key: sub.signature_key, failing_since: null });
  const one = (await call(app, { path: `/webhook/${sub.id}/` })).json() as Sub;
  t.notOk('signature_key' in one, 'GET does not show the key');
  t.same(one, (({ signature_key: _k, ...rest }) => rest)(sub));
  const list = (await call(app, { path: '/webhook/' })).json();
  t.same(list, { data: [one], has_more: false });
});

t.test('PUT /webhook/{id}/ changes only what it sends; pausing drops pending deliveries; DELETE drops them and removes it', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const sub = (await create(app, { url: 'http://127.0.0.1:9/a', events: EVENTS, verify_ssl: false })).json() as Sub;
  t.equal(sub.verify_ssl, false, 'verify_ssl false is kept for an http URL');
  let res = await call(app, { method: 'PUT', path: `/webhook/${sub.id}/`, payload: { url: 'http://127.0.0.1:9/b' } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { url: 'http://127.0.0.1:9/b', events: [{ object_type: 'lead', action: 'created', extra_filter: null }], status: 'active', verify_ssl: false });
  const org = closeOrg(app);
  const ev = (id: string) => ({ id, object_type: 'lead', object_id: 'lead_1', lead_id: 'lead_1', action: 'created', changed_fields: [], previous_data: null,
    data: { id: 'lead_1' }, meta: {}, request_id: null, user_id: null, api_key_id: null, organization_id: org, date_created: 'x', date_updated: 'x' });
  app.tenants.run(org, () => app.orgDbs.routed.transaction(() => app.closeStore.webhooks.enqueueEvent(org, ev('ev_1'), 'created'))());
  res = await call(app, { method: 'PUT', path: `/webhook/${sub.id}/`, payload: { status: 'paused' } });
  t.match(res.json(), { status: 'paused', url: 'http://127.0.0.1:9/b' });
  t.same(rows(app, `SELECT status FROM close_webhook_deliveries WHERE org_id = ?`, org).map((r) => r.status), ['dropped']);
  res = await call(app, { method: 'PUT', path: `/webhook/${sub.id}/`, payload: { status: 'active', events: [{ object_type: 'contact', action: 'deleted' }] } });
  t.match(res.json(), { status: 'active', events: [{ object_type: 'contact', action: 'deleted', extra_filter: null }] });
  app.tenants.run(org, () => app.orgDbs.routed.transaction(() => app.closeStore.webhooks.enqueueEvent(org, { ...ev('ev_2'), object_type: 'contact', action: 'deleted' }, 'created'))());
  t.equal(rows(app, `SELECT * FROM close_webhook_deliveries WHERE org_id = ? AND status = 'pending'`, org).length, 1);
  res = await call(app, { method: 'DELETE', path: `/webhook/${sub.id}/` });
  t.same(res.json(), {});
  t.same(rows(app, `SELECT * FROM close_webhooks WHERE org_id = ?`, org), []);
  t.same(rows(app, `SELECT status FROM close_webhook_deliveries WHERE org_id = ? ORDER BY seq`, org).map((r) => r.status), ['dropped', 'dropped']);
  isError(t, await call(app, { path: `/webhook/${sub.id}/` }), 404);
});

t.test('bad url, bad events, bad extra_filter, event_filter and https without verify_ssl are 400s naming the field and change nothing', async (t) => {
  const app = await build(t);
  const before = subsState(app);
  isFieldError(t, await create(app, { url: 'ftp://example.com/x', events: EVENTS }), 'url');
  isFieldError(t, await create(app, { url: 'not a url', events: EVENTS }), 'url');
  isFieldError(t, await create(app, { url: 'javascript:alert(1)', events: EVENTS }), 'url');
  isFieldError(t, await create(app, { events: EVENTS }), 'url');
  isFieldError(t, await create(app, { url: 'https://a.example/', events: [] }), 'events');
  isFieldError(t, await create(app, { url: 'https://a.example/' }), 'events');
  isFieldError(t, await create(app, { url: 'https://a.example/', events: [{ action: 'created' }] }), 'events.0.object_type');
  isFieldError(t, await create(app, { url: 'https://a.example/', events: [{ object_type: 'lead', action: 'created', extra_filter: 'abc' }] }), 'events.0.extra_filter');
  const badFilters = [
    { type: 'equals' }, { type: 'bogus' }, { type: 'and', filters: [] }, { type: 'not', filter: 3 }, { type: 'field_accessor', filter: { type: 'is_null' } },
    { type: 'any_array_value', filter: { type: 'or', filters: [{ type: 'nope' }] } }, { type: '__proto__' }, { type: 'constructor' },
  ];
  for (const extra_filter of badFilters) {
    isFieldError(t, await create(app, { url: 'https://a.example/', events: [{ object_type: 'lead', action: 'created', extra_filter }] }), 'events');
  }
  isFieldError(t, await create(app, { url: 'https://a.example/', events: EVENTS, event_filter: { type: 'equals', value: 1 } }), 'event_filter');
  isFieldError(t, await create(app, { url: 'https://a.example/', events: EVENTS, verify_ssl: false }), 'verify_ssl');
  t.equal(subsState(app), before);
  // event_filter null is accepted (nothing to honour).
  t.equal((await create(app, { url: 'https://a.example/', events: EVENTS, event_filter: null })).statusCode, 201);
  const id = (JSON.parse(subsState(app)) as Sub[])[0]!.id;
  const mid = subsState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/webhook/${id}/`, payload: { url: 'mailto:x@example.com' } }), 'url');
  isFieldError(t, await call(app, { method: 'PUT', path: `/webhook/${id}/`, payload: { events: [] } }), 'events');
  isFieldError(t, await call(app, { method: 'PUT', path: `/webhook/${id}/`, payload: { verify_ssl: false } }), 'verify_ssl');
  t.equal((await call(app, { method: 'PUT', path: `/webhook/${id}/`, payload: { status: 'deleted' } })).statusCode, 400);
  t.equal(subsState(app), mid);
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    isError(t, await call(app, { method, path: '/webhook/whsub_unknown/', ...(method === 'PUT' ? { payload: { status: 'paused' } } : {}) }), 404);
  }
});

t.test('the 41st subscription of an organization is refused with a 400 and stored nothing', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 40; i++) t.equal((await create(app, { url: `https://a.example/${i}`, events: EVENTS })).statusCode, 201);
  const res = await create(app, { url: 'https://a.example/41', events: EVENTS });
  t.match(isError(t, res, 400), /at most 40/);
  t.equal(rows(app, `SELECT count(*) AS n FROM close_webhooks WHERE org_id = ?`, closeOrg(app))[0]!.n, 40);
  // Another organization has its own 40.
  t.equal((await call(app, { method: 'POST', path: '/webhook/', key: 'another-org-key', payload: { url: 'https://a.example/x', events: EVENTS } })).statusCode, 201);
});

t.test('WEBHOOK_HOSTS restricts the hosts a url may name', async (t) => {
  const app = await buildApp({ seed, logger: false, tickMs: 0, webhookHosts: ['hooks.example.com', 'LOCALHOST'], outboundResolver: resolverOf() });
  t.teardown(() => app.close());
  t.equal((await create(app, { url: 'https://hooks.example.com/x', events: EVENTS })).statusCode, 201);
  t.equal((await create(app, { url: 'http://localhost:8080/x', events: EVENTS })).statusCode, 201);
  const res = await create(app, { url: 'https://evil.example.net/x', events: EVENTS });
  isFieldError(t, res, 'url');
  t.match(res.json()['field-errors'].url, /WEBHOOK_HOSTS/);
});
