import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl, isControlError } from '../control/helper.js';
import { KEY, call, closeOrg } from './helper.js';
import { receiver, subscribe, LOOPBACK_RECEIVERS } from './webhook-helper.js';
import type { WebhookEvent } from '../../src/close/store/webhooks.js';

shareApps(t);

let n = 0;
function event(app: FastifyInstance, over: Partial<WebhookEvent> = {}): WebhookEvent {
  const org = closeOrg(app);
  return {
    id: `ev_${++n}`, object_type: 'lead', object_id: 'lead_1', lead_id: 'lead_1', action: 'created', changed_fields: [], previous_data: null,
    data: { id: 'lead_1', name: 'Acme' }, meta: { request_method: 'POST' }, request_id: 'req_1', user_id: 'user_1', api_key_id: 'api_1',
    organization_id: org, date_created: '2026-11-02T20:00:00.000000', date_updated: '2026-11-02T20:00:00.000000', ...over,
  };
}
/** What a writer does: the event reaches the webhooks inside its transaction. */
function emit(app: FastifyInstance, ev: WebhookEvent, how: 'created' | 'consolidated' = 'created') {
  const org = closeOrg(app);
  app.tenants.run(org, () => app.orgDbs.routed.transaction(() => app.closeStore.webhooks.enqueueEvent(org, ev, how))());
}
const flush = async (app: FastifyInstance) => (await ctl(app, 'POST', '/webhooks/flush', {})).json();
const deliveries = async (app: FastifyInstance, qs = '') => (await ctl(app, 'GET', `/webhooks/deliveries${qs}`)).json().data as Record<string, unknown>[];
const advance = (app: FastifyInstance, by: string) => ctl(app, 'POST', `/orgs/${closeOrg(app)}/clock/advance`, { by });

t.test('a matching event is POSTed once, signed over timestamp + raw body, with the payload {subscription_id, event}', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  const ev = event(app);
  emit(app, ev);
  emit(app, event(app, { object_type: 'contact' }));
  const [pending] = await deliveries(app);
  t.match(pending, { org: closeOrg(app), subscription_id: sub, event_id: ev.id, status: 'pending', attempts: 0, last_status_code: null, next_attempt_at: String });
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.equal(rx.got.length, 1, 'only the matching event');
  const [got] = rx.got;
  t.ok(got!.signatureOk, 'the signature checks out');
  t.same(got!.body, { subscription_id: sub, event: ev });
  const orgSeconds = Math.floor(Date.parse((await ctl(app, 'GET', `/orgs/${closeOrg(app)}/clock`)).json().now) / 1000);
  t.ok(Math.abs(Number(got!.timestamp) - orgSeconds) <= 2, "the timestamp is the organization's clock, in seconds");
  t.match((await deliveries(app))[0], { status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null, latency_ms: Number, next_attempt_at: null, response_excerpt: 'ok' });
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'nothing is sent twice');
  // The list's filters: the organization by credential or id, the subscription, the status.
  const all = await deliveries(app);
  t.same(await deliveries(app, `?org=${KEY}`), all);
  t.same(await deliveries(app, `?org=${closeOrg(app)}&subscription=${sub}&status=succeeded`), all);
  t.same(await deliveries(app, '?status=pending'), []);
  t.same(await deliveries(app, '?subscription=whsub_other'), []);
});

t.test('extra_filter picks the events; updated waits 30 s of the organization clock and sends the consolidated event', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'updated', extra_filter: {
    type: 'and', filters: [
      { type: 'field_accessor', field: 'changed_fields', filter: { type: 'contains', value: 'name' } },
      { type: 'field_accessor', field: 'data', filter: { type: 'field_accessor', field: 'custom.cf_tier', filter: { type: 'equals', value: 'gold' } } },
    ] } }]);
  const hit = event(app, { action: 'updated', changed_fields: ['name'], data: { name: 'B', 'custom.cf_tier': 'gold' } });
  emit(app, hit);
  emit(app, event(app, { action: 'updated', changed_fields: ['status_id'], data: { 'custom.cf_tier': 'gold' } }));
  emit(app, event(app, { action: 'updated', changed_fields: ['name'], data: { 'custom.cf_tier': 'silver' } }));
  t.equal((await deliveries(app)).length, 1, 'one event of three matches');
  emit(app, { ...hit, changed_fields: ['name', 'description'], data: { name: 'C', 'custom.cf_tier': 'gold' } }, 'consolidated');
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'not before the consolidation delay');
  await advance(app, '30s');
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.same(rx.got[0]!.body.event.changed_fields, ['name', 'description'], 'the consolidated event is the one sent');
  t.ok(rx.got[0]!.signatureOk);
});

t.test('500, 500, then 200: retried 10 s and 20 s later on the organization clock, succeeded with 3 attempts, without sleeping', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t, (_q, res, count) => { res.statusCode = count <= 2 ? 500 : 200; res.end(count <= 2 ? 'boom' : 'fine'); });
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  emit(app, event(app));
  t.same(await flush(app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], { status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500', response_excerpt: 'boom' });
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'not due yet');
  await advance(app, '10s');
  t.same(await flush(app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  await advance(app, '10s');
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 }, 'the second retry waits 20 s');
  await advance(app, '10s');
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.match((await deliveries(app))[0], { status: 'succeeded', attempts: 3, last_status_code: 200, response_excerpt: 'fine' });
  t.equal(rx.got.length, 3);
  t.ok(rx.got.every((g) => g.signatureOk), 'every attempt is signed');
});

t.test('a receiver failing for 3 days of the organization clock pauses the subscription and drops its deliveries', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t, (_q, res) => { res.statusCode = 503; res.end(); });
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  emit(app, event(app));
  t.same(await flush(app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  for (const by of ['20m', '1d', '1d']) {
    await advance(app, by);
    t.match(await flush(app), { attempted: 1, failed: 1 });
  }
  emit(app, event(app));
  await advance(app, '1d');
  t.same(await flush(app), { attempted: 2, succeeded: 0, failed: 0, dropped: 2 });
  t.equal((await call(app, { path: `/webhook/${sub}/` })).json().status, 'paused');
  t.same((await deliveries(app)).map((d) => d.status), ['dropped', 'dropped']);
  emit(app, event(app));
  t.equal((await deliveries(app)).length, 2, 'a paused subscription gets no new deliveries');
  // PUT status=active starts it again.
  await call(app, { method: 'PUT', path: `/webhook/${sub}/`, payload: { status: 'active' } });
  emit(app, event(app));
  t.equal((await deliveries(app, '?status=pending')).length, 1);
});

t.test('held: nothing is sent until released; redeliver sends one again now; unknown ids are 404', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  t.same((await ctl(app, 'PUT', '/webhooks/settings', { held: true })).json(), { held: true, timeout_ms: 10000 });
  emit(app, event(app));
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 });
  t.equal(rx.got.length, 0);
  const [d] = await deliveries(app);
  isControlError(t, await ctl(app, 'POST', `/webhooks/deliveries/${d!.id}/redeliver`, {}), 409, 'CONFLICT');
  t.same((await ctl(app, 'PUT', '/webhooks/settings', { held: false })).json(), { held: false, timeout_ms: 10000 });
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  const again = await ctl(app, 'POST', `/webhooks/deliveries/${d!.id}/redeliver`, {});
  t.equal(again.statusCode, 200);
  t.match(again.json(), { id: d!.id, status: 'succeeded', attempts: 2 });
  t.equal(rx.got.length, 2);
  t.same(rx.got[1]!.body, rx.got[0]!.body);
  isControlError(t, await ctl(app, 'POST', '/webhooks/deliveries/whdel_nope/redeliver', {}), 404, 'NOT_FOUND');
  await call(app, { method: 'DELETE', path: `/webhook/${d!.subscription_id}/` });
  isControlError(t, await ctl(app, 'POST', `/webhooks/deliveries/${d!.id}/redeliver`, {}), 409, 'CONFLICT');
  t.match((await deliveries(app))[0], { id: d!.id, status: 'succeeded', attempts: 2 }, 'a refused redelivery changes nothing');
  isControlError(t, await ctl(app, 'GET', '/webhooks/deliveries?org=nobody-here-xyz'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'PUT', '/webhooks/settings', { timeout_ms: 0 }), 400, 'VALIDATION_ERROR', 'timeout_ms');
  isControlError(t, await ctl(app, 'GET', '/webhooks/deliveries?status=failed'), 400, 'VALIDATION_ERROR', 'status');
  // A reset puts the settings back.
  await ctl(app, 'PUT', '/webhooks/settings', { held: true, timeout_ms: 5 });
  await ctl(app, 'POST', '/reset');
  t.same((await ctl(app, 'GET', '/webhooks/settings')).json(), { held: false, timeout_ms: 10000 });
});

t.test('a hanging receiver only hits the timeout: the API answers meanwhile, and the attempt fails as timed out', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t, () => { /* never answers */ });
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  await ctl(app, 'PUT', '/webhooks/settings', { timeout_ms: 1500 });
  emit(app, event(app));
  let flushed = false;
  const flushing = flush(app).then((counts) => { flushed = true; return counts; });
  for (let i = 0; i < 100 && rx.got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(rx.got.length, 1, 'the receiver has the request and holds it');
  const res = await call(app, { path: '/lead/?_limit=1' });
  t.equal(res.statusCode, 200);
  t.equal((await deliveries(app)).length, 1, 'the control API answers too');
  t.notOk(flushed, 'both answered while the delivery hung');
  t.same(await flushing, { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], { status: 'pending', attempts: 1, last_status_code: null, last_error: /timed out after 1500 ms/ });
});

t.test('the background worker delivers on its own when the app ticks', async (t) => {
  const app = await build(t, { tickMs: 20, ...LOOPBACK_RECEIVERS });
  await app.ready();
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  emit(app, event(app));
  for (let i = 0; i < 100 && rx.got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal(rx.got.length, 1);
  for (let i = 0; i < 50 && (await deliveries(app))[0]!.status !== 'succeeded'; i++) await new Promise((r) => setTimeout(r, 20));
  t.equal((await deliveries(app))[0]!.status, 'succeeded');
});

t.test('fault rules with target "webhook" fail, drop or duplicate deliveries; other rules leave deliveries alone', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  // A rule on every Close request does not touch deliveries, and a webhook rule does not touch requests.
  t.equal((await ctl(app, 'POST', '/faults', { vendor: 'close', path: '/api/v1/nothing-here/', status: 503 })).statusCode, 201);
  const fail = (await ctl(app, 'POST', '/faults', { target: 'webhook', path: '/hook', status: 502, times: 1 })).json();
  t.match(fail, { target: 'webhook', duplicate: false, status: 502, remaining: 1 });
  t.equal((await call(app, { path: '/lead/?_limit=1' })).statusCode, 200, 'API calls are not faulted by a webhook rule');
  emit(app, event(app));
  t.same(await flush(app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.equal(rx.got.length, 0, 'a failed-by-rule delivery never reaches the receiver');
  t.match((await deliveries(app))[0], { status: 'pending', attempts: 1, last_status_code: 502, last_error: /fault rule/ });
  await ctl(app, 'POST', '/faults', { target: 'webhook', drop: true, times: 1 });
  await advance(app, '10s');
  t.same(await flush(app), { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
  t.match((await deliveries(app))[0], { attempts: 2, last_status_code: null, last_error: 'dropped by a fault rule' });
  await ctl(app, 'POST', '/faults', { target: 'webhook', duplicate: true, times: 1 });
  await advance(app, '20s');
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.equal(rx.got.length, 2, 'a duplicated delivery arrives twice');
  t.same(rx.got[0]!.raw, rx.got[1]!.raw);
  t.ok(rx.got.every((g) => g.signatureOk));
  isControlError(t, await ctl(app, 'POST', '/faults', { duplicate: true }), 400, 'VALIDATION_ERROR', 'duplicate');
  isControlError(t, await ctl(app, 'POST', '/faults', { target: 'webhook', vendor: 'blueai', status: 500 }), 400, 'VALIDATION_ERROR', 'vendor');
  isControlError(t, await ctl(app, 'POST', '/faults', { target: 'webhook' }), 400, 'VALIDATION_ERROR', 'status');
});

t.test('a webhook rule with reorder holds a delivery back until the others sent with it are over', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  const evs = [event(app), event(app), event(app)];
  for (const ev of evs) emit(app, ev);
  const rule = (await ctl(app, 'POST', '/faults', { target: 'webhook', reorder: true, times: 1 })).json();
  t.match(rule, { target: 'webhook', reorder: true, duplicate: false, remaining: 1 });
  t.same(await flush(app), { attempted: 3, succeeded: 3, failed: 0, dropped: 0 });
  const order = rx.got.map((g) => g.body.event.id);
  t.same([...order].sort(), evs.map((e) => e.id).sort(), 'each arrives once');
  t.equal(order.at(-1), evs[0]!.id, 'the first one due, held back, arrives last');
  t.ok(rx.got.every((g) => g.signatureOk));
  t.match((await ctl(app, 'GET', '/faults')).json().data, [{ id: rule.id, hits: 1, remaining: 0 }]);
  isControlError(t, await ctl(app, 'POST', '/faults', { reorder: true }), 400, 'VALIDATION_ERROR', 'reorder');
});

t.test('closing the app cancels an attempt that hangs, rather than waiting for its timeout', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS, false);
  const rx = await receiver(t, () => { /* never answers */ });
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  emit(app, event(app));
  const flushing = flush(app);
  for (let i = 0; i < 100 && rx.got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const started = Date.now();
  const [counts] = await Promise.all([flushing, app.close()]);
  t.ok(Date.now() - started < 5000, 'closed well before the 10 s timeout');
  t.same(counts, { attempted: 1, succeeded: 0, failed: 1, dropped: 0 });
});
