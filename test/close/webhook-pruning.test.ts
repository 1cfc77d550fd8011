import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { call, closeOrg, rows } from './helper.js';
import { LOOPBACK_RECEIVERS, receiver, subscribe } from './webhook-helper.js';
import { KEEP_FINISHED } from '../../src/close/store/webhook-deliveries.js';
import type { WebhookEvent } from '../../src/close/store/webhooks.js';

shareApps(t);

// Issue 24: each delivery cost time proportional to every stored delivery (max(seq) scanned them, and
// none was ever pruned). The cost is now flat: proven here by the query plans and the bound on what is
// kept; the timing is in `npm run bench` (stage webhooks).

let n = 0;
function emit(app: FastifyInstance, over: Partial<WebhookEvent> = {}): void {
  const org = closeOrg(app);
  const ev: WebhookEvent = {
    id: `ev_prune_${++n}`, object_type: 'lead', object_id: 'lead_1', lead_id: 'lead_1', action: 'created', changed_fields: [], previous_data: null,
    data: { id: 'lead_1', name: 'Acme', n }, meta: {}, request_id: null, user_id: null, api_key_id: null, organization_id: org,
    date_created: '2026-11-02T20:00:00.000000', date_updated: '2026-11-02T20:00:00.000000', ...over,
  };
  app.tenants.run(org, () => app.orgDbs.routed.transaction(() => app.closeStore.webhooks.enqueueEvent(org, ev, 'created'))());
}
const plan = (app: FastifyInstance, sql: string) =>
  (app.tenants.db(closeOrg(app)).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sql.split('?').slice(1).map(() => 'x')) as { detail: string }[]).map((r) => r.detail);

t.test("the next delivery's seq is one index seek and pruning walks the subscription's index: no plan scans the table", async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const seq = plan(app, `SELECT seq FROM close_webhook_deliveries WHERE org_id = ? ORDER BY seq DESC LIMIT 1`);
  t.match(seq.join('\n'), /USING (COVERING )?INDEX close_webhook_deliveries_seq/);
  t.notMatch(seq.join('\n'), /^SCAN|TEMP B-TREE/m);
  const prune = plan(app, `SELECT seq FROM close_webhook_deliveries WHERE org_id = ? AND subscription_id = ? AND status <> 'pending' ORDER BY seq DESC LIMIT 1 OFFSET 100`);
  t.match(prune.join('\n'), /USING INDEX close_webhook_deliveries_sub_seq/);
  t.notMatch(prune.join('\n'), /^SCAN|TEMP B-TREE/m);
});

t.test(`finished deliveries are pruned to the newest ${KEEP_FINISHED} per subscription; pending ones are never pruned; seq keeps growing`, async (t) => {
  t.setTimeout(120_000);
  const app = await build(t, LOOPBACK_RECEIVERS);
  const org = closeOrg(app);
  const rx = await receiver(t);
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  const total = KEEP_FINISHED + 30;
  for (let i = 0; i < total; i++) emit(app);
  t.same((await ctl(app, 'POST', '/webhooks/flush', {})).json(), { attempted: total, succeeded: total, failed: 0, dropped: 0 });
  const kept = rows(app, `SELECT seq, status FROM close_webhook_deliveries WHERE org_id = ? AND subscription_id = ? ORDER BY seq`, org, sub);
  t.equal(kept.length, KEEP_FINISHED);
  t.same(kept.map((r) => r.seq), Array.from({ length: KEEP_FINISHED }, (_, i) => total - KEEP_FINISHED + 1 + i), 'the newest are kept');
  emit(app);
  const [pending] = rows(app, `SELECT seq, status FROM close_webhook_deliveries WHERE org_id = ? AND status = 'pending'`, org);
  t.same(pending, { seq: total + 1, status: 'pending' }, 'seq goes on after the last, pruned or not');
});

t.test("a subscription's events are matched with its current filter after each write of it (the parsed filters are cached)", async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const org = closeOrg(app);
  const rx = await receiver(t);
  const sub = await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  const pending = () => rows(app, `SELECT event_id FROM close_webhook_deliveries WHERE org_id = ? AND status = 'pending'`, org).length;
  emit(app);
  t.equal(pending(), 1);
  t.equal((await call(app, { method: 'PUT', path: `/webhook/${sub}/`, payload: { events: [{ object_type: 'contact', action: 'created' }] } })).statusCode, 200);
  emit(app);
  t.equal(pending(), 1, 'the new filter applies at once');
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 2);
  t.equal((await call(app, { method: 'PUT', path: `/webhook/${sub}/`, payload: { status: 'paused' } })).statusCode, 200);
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 0, 'paused: its pending deliveries dropped, no new one');
  t.equal((await call(app, { method: 'PUT', path: `/webhook/${sub}/`, payload: { status: 'active' } })).statusCode, 200);
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 1, 'active again');
  t.equal((await call(app, { method: 'DELETE', path: `/webhook/${sub}/` })).statusCode, 200);
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 0, 'deleted: nothing queued');
  await subscribe(app, rx, [{ object_type: 'contact', action: 'created' }]);
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 1, 'a new subscription matches');
  t.equal((await ctl(app, 'POST', `/orgs/${org}/reset`)).statusCode, 200);
  emit(app, { object_type: 'contact' });
  t.equal(pending(), 0, 'after a reset: nothing queued for what the reset removed');
});
