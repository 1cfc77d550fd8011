import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build, orgOf, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { call, closeOrg, mainRows } from './helper.js';
import { LOOPBACK_RECEIVERS, receiver, subscribe } from './webhook-helper.js';
import { ACME_QUERY, CLOSE } from './seed-ids.js';
import { createEdit, runToEnd } from './bulk-helper.js';
import { BULK_LANE, DELIVERY_LANE } from '../../src/close/schedule.js';

shareApps(t);

// Issue 24: background work visits only organizations with work due (src/core/scheduler.ts), not every
// organization that ever had a bulk action or a webhook subscription.

const visits = (app: FastifyInstance, lane: string) => app.scheduler.visits.get(lane) ?? 0;
const stored = (app: FastifyInstance, org: string) => mainRows(app, `SELECT lane, due_ms FROM control_pending_work WHERE org_id = ? ORDER BY lane`, org);
const flush = async (app: FastifyInstance, org?: string) => (await ctl(app, 'POST', '/webhooks/flush', org ? { org } : {})).json();
const EDIT = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: ACME_QUERY, send_done_email: false };

t.test('a delivery due later on the organization clock is not visited until due; a clock advance makes it due and it is sent', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const org = closeOrg(app);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'updated' }]);
  t.equal((await call(app, { method: 'PUT', path: `/lead/${CLOSE.acmeInc}/`, payload: { description: 'changed' } })).statusCode, 200);
  const due = app.scheduler.pending(DELIVERY_LANE).get(org)!;
  t.ok(due > app.clock.nowMs(org) + 25_000, 'due after the 30 s consolidation window');
  t.same(stored(app, org), [{ lane: DELIVERY_LANE, due_ms: due }], 'the process-wide database knows it too');
  const before = visits(app, DELIVERY_LANE);
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 });
  t.equal(visits(app, DELIVERY_LANE), before, 'not due: its organization is not visited');
  t.equal((await ctl(app, 'POST', `/orgs/${org}/clock/advance`, { by: '31s' })).statusCode, 200);
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.equal(visits(app, DELIVERY_LANE), before + 1, 'visited once it was due');
  t.equal(rx.got.length, 1);
  t.notOk(app.scheduler.pending(DELIVERY_LANE).has(org), 'nothing pending: it leaves the lane');
  t.same(stored(app, org), [], 'and its row goes');
});

t.test('an organization with a subscription and nothing pending is never visited', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const org = closeOrg(app);
  const rx = await receiver(t);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'created' }]);
  const before = [visits(app, DELIVERY_LANE), visits(app, BULK_LANE)];
  for (let i = 0; i < 5; i++) {
    await flush(app);
    app.closeJobs.tick();
  }
  t.same([visits(app, DELIVERY_LANE), visits(app, BULK_LANE)], before);
  t.same(stored(app, org), []);
});

t.test('a bulk action keeps its organization in the lane while it runs; done, it leaves; a paused one is not stepped until resumed', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const org = orgOf(app, 'close-key');
  const first = (await createEdit(app, EDIT)).json() as { id: string };
  t.same(stored(app, org), [{ lane: BULK_LANE, due_ms: 0 }], 'runnable at once');
  await runToEnd(app, first.id);
  app.closeJobs.tick();
  t.notOk(app.scheduler.pending(BULK_LANE).has(org), 'nothing active: the organization leaves the lane');
  t.same(stored(app, org), []);
  const before = visits(app, BULK_LANE);
  app.closeJobs.tick();
  t.equal(visits(app, BULK_LANE), before, 'and is not visited again');

  const second = (await createEdit(app, EDIT)).json() as { id: string };
  t.equal((await ctl(app, 'POST', `/jobs/${second.id}/pause`, {})).statusCode, 200);
  app.closeJobs.tick();
  t.notOk(app.scheduler.pending(BULK_LANE).has(org), 'only a paused one: not in the lane');
  t.equal((await ctl(app, 'POST', `/jobs/${second.id}/resume`, {})).statusCode, 200);
  t.ok(app.scheduler.pending(BULK_LANE).has(org), 'resumed: back in the lane');
  const seen = await runToEnd(app, second.id);
  t.equal(seen[seen.length - 1], 'done', 'and it runs to the end');
});

t.test('a reset of an organization whose dataset holds only finished bulk actions leaves it lazy; one holding an active one runs it', async (t) => {
  const app = await build(t, LOOPBACK_RECEIVERS);
  const source = orgOf(app, 'close-key');
  const done = (await createEdit(app, EDIT)).json() as { id: string };
  await runToEnd(app, done.id);
  const finished = (await ctl(app, 'GET', `/orgs/${source}/snapshot`)).json();
  let res = await ctl(app, 'POST', '/orgs', { credential: 'lazy-after-reset', dataset: { ...finished, credentials: [] } });
  t.equal(res.statusCode, 201);
  const lazy = (res.json() as { id: string }).id;
  t.equal((await ctl(app, 'POST', `/orgs/${lazy}/reset`)).statusCode, 200);
  for (let i = 0; i < 3; i++) {
    app.closeJobs.tick();
    await flush(app);
  }
  t.notOk(app.orgDbs.materialized(lazy), 'its data is not made by the ticker or the deliverer');
  t.same(stored(app, lazy), []);

  const active = (await createEdit(app, EDIT)).json() as { id: string };
  const running = (await ctl(app, 'GET', `/orgs/${source}/snapshot`)).json();
  res = await ctl(app, 'POST', '/orgs', { credential: 'active-after-reset', dataset: { ...running, credentials: [] } });
  const busy = (res.json() as { id: string }).id;
  t.same(stored(app, busy), [{ lane: BULK_LANE, due_ms: 0 }], 'its dataset holds an active bulk action: scheduled at creation');
  t.equal((await ctl(app, 'POST', `/orgs/${busy}/reset`)).statusCode, 200);
  t.same(stored(app, busy), [{ lane: BULK_LANE, due_ms: 0 }], 'and again after a reset');
  for (let i = 0; i < 20; i++) app.closeJobs.tick();
  const status = app.tenants.db(busy).prepare(`SELECT status FROM close_bulk_actions WHERE org_id = ? AND id = ?`).pluck().get(busy, active.id);
  t.equal(status, 'done', 'the ticker ran it');
});

t.test('with a file database the schedule is rebuilt at start from the main database alone, and a clock advance makes the delivery due', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'schedule-')), 'emulator.db');
  const rx = await receiver(t);
  let app = await build(t, { db, ...LOOPBACK_RECEIVERS }, false);
  const org = closeOrg(app);
  await subscribe(app, rx, [{ object_type: 'lead', action: 'updated' }]);
  t.equal((await call(app, { method: 'PUT', path: `/lead/${CLOSE.acmeInc}/`, payload: { description: 'changed' } })).statusCode, 200);
  const due = app.scheduler.pending(DELIVERY_LANE).get(org);
  await app.close();
  app = await build(t, { db, ...LOOPBACK_RECEIVERS }, false);
  t.same(app.scheduler.pending(DELIVERY_LANE), new Map([[org, due]]), 'the pending delivery is known again');
  t.equal(app.orgDbs.peek(org), undefined, "without opening the organization's database");
  t.same(await flush(app), { attempted: 0, succeeded: 0, failed: 0, dropped: 0 });
  t.equal(app.orgDbs.peek(org), undefined, 'not due: still not opened');
  await ctl(app, 'POST', `/orgs/${org}/clock/advance`, { by: '1m' });
  t.same(await flush(app), { attempted: 1, succeeded: 1, failed: 0, dropped: 0 });
  t.equal(rx.got.length, 1);
});
