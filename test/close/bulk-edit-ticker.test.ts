import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, listening, seed } from '../helper.js';
import { ManualTimers } from '../timers.js';
import { basic, CLOSE, leadsQuery } from './seed-ids.js';
import { ctl } from '../control/helper.js';
import type { StepPhase, StepProbe } from '../../src/close/jobs/runner.js';
import { insertLeads } from '../../bench/leads.js';

// How the runner shares its ticks: a bulk edit that throws cannot stall the others, and a tick's
// time budget serves the jobs in turn.

const five = seed.close!.leads.slice(0, 5).map((l) => l.id);

async function startEdit(app: FastifyInstance, key: string) {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic(key),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...five) },
  });
  t.equal(res.statusCode, 200);
  return res.json().id as string;
}

/** A bulk edit's stored status, in whichever organization's database holds it. */
const statusOf = (app: FastifyInstance, id: string) => app.tenants.list()
  .map((o) => app.tenants.db(o.id).prepare(`SELECT status FROM close_bulk_actions WHERE id = ?`).pluck().get(id) as string | undefined)
  .find((status) => status !== undefined) as string;
const edited = (app: FastifyInstance, key: string) => {
  const org = app.tenants.resolve(key).id;
  return app.tenants.db(org).prepare(`SELECT count(*) FROM close_leads WHERE org_id = ? AND status_id = ? AND id IN (SELECT value FROM json_each(?))`)
    .pluck().get(org, CLOSE.status.customer, JSON.stringify(five)) as number;
};

const REASONS: Record<StepPhase, RegExp> = {
  check: /^internal error while checking the bulk edit: disk on fire$/,
  load: /^the query could not be evaluated: disk on fire$/,
  batch: /^internal error while applying a batch: disk on fire$/,
  finish: /^internal error while finishing a step: disk on fire$/,
};

for (const phase of Object.keys(REASONS) as StepPhase[]) {
  t.test(`a bulk edit that throws while in phase ${phase} goes to error with its reason; another organization's finishes in the same ticks`, async (t) => {
    let broken = '';
    const probe: StepProbe = (at, job) => {
      if (job.id === broken && at === phase) throw new Error('disk on fire');
    };
    const app = await build(t, { batchSize: 2, jobProbe: probe });
    const logged: unknown[] = [];
    app.log.error = ((obj: unknown) => void logged.push(obj)) as typeof app.log.error;
    // Created first, so it sorts first in every tick: the one that used to end each tick.
    broken = await startEdit(app, 'broken-org');
    const before = edited(app, 'broken-org');
    const healthy = await startEdit(app, 'healthy-org');

    // Alone, the healthy edit takes 5 steps: loading, processing, batches of 2, 2 and 1 (→ done).
    for (let i = 0; i < 5; i++) app.closeJobs.tick();
    t.equal(statusOf(app, healthy), 'done', 'the other organization\'s edit finished in the ticks it needs alone');
    t.equal(edited(app, 'healthy-org'), 5);

    const listed = (await ctl(app, 'GET', '/jobs?org=broken-org')).json().data;
    t.equal(listed.length, 1);
    t.match(listed[0], { id: broken, status: 'error', error_reason: REASONS[phase] }, 'GET /_mock/jobs shows the error and its reason');
    t.match(app.tenants.db(app.tenants.get('broken-org').id).prepare(`SELECT status, error_reason FROM close_bulk_actions WHERE id = ?`).get(broken), { status: 'error', error_reason: REASONS[phase] });
    t.equal(edited(app, 'broken-org'), before, 'the step that threw was rolled back');
    const vendor = (await app.inject({ url: `/api/v1/bulk_action/edit/${broken}/`, headers: basic('broken-org') })).json();
    t.equal(vendor.status, 'error', 'Close\'s own object says error');
    t.notOk('error_reason' in vendor, 'and keeps the vendor\'s shape: no reason field');
    t.match(logged, [{ bulk_edit: broken, phase, err: { message: 'disk on fire' } }], 'the exception is logged with the job');
  });
}

t.test('POST /_mock/jobs/{id}/run of a bulk edit that throws answers it in error, with its reason', async (t) => {
  let broken = '';
  const app = await build(t, { batchSize: 2, jobProbe: (at, job) => { if (job.id === broken && at === 'batch') throw new Error('no space left'); } });
  broken = await startEdit(app, 'run-broken');
  const res = await ctl(app, 'POST', `/jobs/${broken}/run`);
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: broken, status: 'error', error_reason: 'internal error while applying a batch: no space left', items_done: 0 });
});

t.test('a tick with a tiny budget steps one job, and the next tick starts with the ones it did not reach, until all finish', async (t) => {
  const app = await build(t, { batchSize: 5 });
  const ids = [await startEdit(app, 'turn-a'), await startEdit(app, 'turn-b'), await startEdit(app, 'turn-c')];
  const statuses = () => ids.map((id) => statusOf(app, id));
  t.equal(app.closeJobs.tick(undefined, 0), 1, 'a budget of 0 still steps one job');
  t.same(statuses(), ['loading', 'created', 'created']);
  t.equal(app.closeJobs.tick(undefined, 0), 1);
  t.same(statuses(), ['loading', 'loading', 'created'], 'the next tick starts where the last one stopped');
  app.closeJobs.tick(undefined, 0);
  t.same(statuses(), ['loading', 'loading', 'loading']);
  app.closeJobs.tick(undefined, 0);
  t.same(statuses(), ['processing', 'loading', 'loading'], 'then round again from the first');
  let ticks = 4;
  while (statuses().some((s) => s !== 'done') && ticks < 100) {
    t.equal(app.closeJobs.tick(undefined, 0), 1);
    ticks++;
  }
  t.same(statuses(), ['done', 'done', 'done']);
  t.equal(ticks, 9, 'each of the three needed its 3 steps, one job per tick');
  t.same([edited(app, 'turn-a'), edited(app, 'turn-b'), edited(app, 'turn-c')], [5, 5, 5]);
});

t.test('the background ticker spends its budget (tickBudgetMs) per tick; the jobs it did not reach wait for the next', async (t) => {
  const timers = new ManualTimers();
  const app = await build(t, { tickMs: 10, tickBudgetMs: 0, batchSize: 5, timers });
  t.same(timers.pending.filter((p) => p.repeat), [{ ms: 10, repeat: true }], 'the ticker is scheduled');
  const ids = [await startEdit(app, 'bg-a'), await startEdit(app, 'bg-b')];
  timers.fire();
  t.same(ids.map((id) => statusOf(app, id)), ['loading', 'created']);
  timers.fire();
  t.same(ids.map((id) => statusOf(app, id)), ['loading', 'loading']);
});

t.test('POST /_mock/jobs/{id}/run of a large bulk edit yields between steps: a GET meanwhile is answered far sooner than the run takes', async (t) => {
  // Over real HTTP: requests arrive as I/O between the run's steps, as a client's would.
  const { app, url } = await listening(t, { batchSize: 20 });
  const org = app.tenants.resolve('big-org').id;
  insertLeads(app.tenants.db(org), org, 4000);
  app.tenants.resolve('bystander');
  const res = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('big-org'),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: { type: 'object_type', object_type: 'lead' } },
  });
  const id = res.json().id as string;
  // Loading (one step over every lead) done first: what is measured is the run through its batches.
  t.match((await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 2 })).json(), { status: 'processing' });
  const total = app.tenants.db(org).prepare(`SELECT n_leads FROM close_bulk_actions WHERE id = ?`).pluck().get(id) as number;
  t.ok(total > 4000);

  const began = performance.now();
  let ranFor = 0;
  const running = fetch(`${url}/_mock/jobs/${id}/run`, { method: 'POST' }).then(async (r) => {
    ranFor = performance.now() - began;
    return { status: r.status, body: await r.json() };
  });
  const latencies: number[] = [];
  while (ranFor === 0) {
    const sent = performance.now();
    const get = await fetch(`${url}/api/v1/lead/?_limit=1`, { headers: basic('bystander') });
    t.equal(get.status, 200);
    await get.arrayBuffer();
    if (ranFor === 0) latencies.push(performance.now() - sent);
  }
  const done = await running;
  t.equal(done.status, 200);
  t.match(done.body, { id, status: 'done', n_leads_processed: total, items_done: total }, 'the run answers as before: the job, done');
  t.equal(app.tenants.db(org).prepare(`SELECT count(*) FROM close_leads WHERE org_id = ? AND status_id != ?`).pluck().get(org, CLOSE.status.customer), 0);
  const worst = Math.max(...latencies);
  t.ok(latencies.length >= 3, `${latencies.length} GETs answered during the run`);
  // Generous against CI noise: a run that held the event loop would make the first GET wait for all of it.
  t.ok(worst < ranFor / 4, `slowest GET ${worst.toFixed(1)} ms, run ${ranFor.toFixed(1)} ms (${Math.ceil(total / 20)} batches)`);
});
