import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, seed, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl, digest, isControlError } from './helper.js';
import { ManualTimers } from '../timers.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const five = seed.close!.leads.slice(0, 5).map((l) => l.id);

async function startEdit(app: FastifyInstance, key: string, leadIds = five, extra: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic(key),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...leadIds), ...extra },
  });
  t.equal(res.statusCode, 200);
  return res.json().id as string;
}

const vendorStatus = async (app: FastifyInstance, key: string, id: string) =>
  (await app.inject({ url: `/api/v1/bulk_action/edit/${id}/`, headers: basic(key) })).json();

t.test('a job stepped tick by tick shows every state, in the control API and the vendor API alike', async (t) => {
  const app = await build(t, { batchSize: 2 });
  const id = await startEdit(app, 'stepper');
  const seen: string[] = [];
  let job = (await ctl(app, 'GET', `/jobs/${id}`)).json();
  t.match(job, { id, vendor: 'close', status: 'created', items_total: 0, items_done: 0, action: { id, status: 'created' } });
  seen.push(job.status);
  while (job.status !== 'done') {
    const res = await ctl(app, 'POST', `/jobs/${id}/step`);
    t.equal(res.statusCode, 200);
    job = res.json();
    t.equal((await vendorStatus(app, 'stepper', id)).status, job.status, 'the vendor API agrees');
    seen.push(`${job.status}:${job.n_leads_processed}`);
  }
  t.same(seen, ['created', 'loading:0', 'processing:0', 'processing:2', 'processing:4', 'done:5']);
  t.match(job, { n_leads: 5, n_leads_processed: 5, items_total: 5, items_done: 5 });
  const statuses = app.tenants.db(job.org_id).prepare(`SELECT DISTINCT status_id FROM close_leads WHERE org_id = ? AND id IN (${five.map(() => '?').join(',')})`)
    .pluck().all(job.org_id, ...five);
  t.same(statuses, [CLOSE.status.customer], 'every lead was edited');
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/step`), 409, 'CONFLICT');
});

t.test('step with ticks, run to the end, and the done email in the outbox', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const id = await startEdit(app, 'runner');
  t.match((await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 3 })).json(), { status: 'processing', items_done: 1 });
  const done = await ctl(app, 'POST', `/jobs/${id}/run`);
  t.match(done.json(), { status: 'done', items_done: 5, n_objects_processed: 5 });
  t.match((await ctl(app, 'POST', `/jobs/${id}/run`)).json(), { status: 'done' }, 'running a finished job answers it as it is');
  const outbox = (await ctl(app, 'GET', '/outbox?org=runner')).json().data;
  t.equal(outbox.length, 1);
  t.match(outbox[0], { kind: 'bulk_edit_done', ref_id: id, recipient: /@/, subject: /complete/ });
  t.equal((await ctl(app, 'DELETE', '/outbox?org=runner')).statusCode, 204);
  t.same((await ctl(app, 'GET', '/outbox')).json().data, []);
  t.equal(app.tenants.list().reduce((sum, o) => sum + (app.tenants.db(o.id).prepare(`SELECT count(*) FROM close_outbox`).pluck().get() as number), 0), 0);
});

t.test('run stops at paused; a resumed job runs on to done', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const id = await startEdit(app, 'pauser');
  await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 3 });
  await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/edit/${id}/`, headers: basic('pauser'), payload: { status: 'paused' } });
  t.match((await ctl(app, 'POST', `/jobs/${id}/run`)).json(), { status: 'paused', paused_from: 'processing', items_done: 1 });
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/step`), 409, 'CONFLICT');
  await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/edit/${id}/`, headers: basic('pauser'), payload: { status: 'resuming' } });
  t.match((await ctl(app, 'POST', `/jobs/${id}/run`)).json(), { status: 'done', items_done: 5 });
});

t.test('fail forces error with a reason; a finished job cannot fail', async (t) => {
  const app = await build(t);
  const id = await startEdit(app, 'failer');
  await ctl(app, 'POST', `/jobs/${id}/step`);
  const failed = await ctl(app, 'POST', `/jobs/${id}/fail`, { reason: 'upstream timeout' });
  t.equal(failed.statusCode, 200);
  t.match(failed.json(), { status: 'error', error_reason: 'upstream timeout' });
  t.equal((await vendorStatus(app, 'failer', id)).status, 'error');
  t.equal(app.tenants.db(app.tenants.get('failer').id).prepare(`SELECT error_reason FROM close_bulk_actions WHERE id = ?`).pluck().get(id), 'upstream timeout');
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/fail`, {}), 409, 'CONFLICT');
  const other = await startEdit(app, 'failer');
  t.match((await ctl(app, 'POST', `/jobs/${other}/fail`)).json(), { status: 'error', error_reason: 'failed by the control API' }, 'the reason is optional');
});

t.test('GET /_mock/jobs lists jobs across organizations, filtered by org and status', async (t) => {
  const app = await build(t);
  const a = await startEdit(app, 'org-a');
  const b = await startEdit(app, 'org-b');
  await ctl(app, 'POST', `/jobs/${b}/run`);
  const all = (await ctl(app, 'GET', '/jobs')).json().data;
  t.same(all.map((j: { id: string }) => j.id).sort(), [a, b].sort());
  t.same((await ctl(app, 'GET', '/jobs?org=org-a')).json().data.map((j: { id: string }) => j.id), [a]);
  t.same((await ctl(app, 'GET', '/jobs?status=done')).json().data.map((j: { id: string }) => j.id), [b]);
  t.same((await ctl(app, 'GET', '/jobs?org=org-a&status=done')).json().data, []);
  isControlError(t, await ctl(app, 'GET', '/jobs?status=finished'), 400, 'VALIDATION_ERROR', 'status');
  isControlError(t, await ctl(app, 'GET', '/jobs?org=nobody'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'GET', '/jobs?colour=red'), 400, 'VALIDATION_ERROR');
});

t.test('job routes refuse bad input with 400/404 and change nothing', async (t) => {
  const app = await build(t);
  const id = await startEdit(app, 'strict');
  const before = digest(app);
  isControlError(t, await ctl(app, 'GET', '/jobs/bulkedit_nope'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', '/jobs/bulkedit_nope/step'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', '/jobs/bulkedit_nope/run'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', '/jobs/bulkedit_nope/fail'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'GET', '/jobs/bulkedit_nope/wait?timeout_ms=0'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'GET', `/jobs/${id}?org=other-org-that-does-not-exist`), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 0 }), 400, 'VALIDATION_ERROR', 'ticks');
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 'two' }), 400, 'VALIDATION_ERROR', 'ticks');
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/fail`, { reason: 42 }), 400, 'VALIDATION_ERROR', 'reason');
  isControlError(t, await ctl(app, 'GET', `/jobs/${id}/wait?status=finished`), 400, 'VALIDATION_ERROR', 'status');
  isControlError(t, await ctl(app, 'GET', `/jobs/${id}/wait?timeout_ms=-1`), 400, 'VALIDATION_ERROR', 'timeout_ms');
  isControlError(t, await ctl(app, 'GET', `/jobs/${id}/wait?timeout_ms=999999999`), 400, 'VALIDATION_ERROR', 'timeout_ms');
  t.equal(digest(app), before);
});

t.test('wait answers when the job reaches the status, 408 with its state on timeout, 409 when it can never get there', async (t) => {
  const app = await build(t);
  const id = await startEdit(app, 'waiter');
  const timedOut = await ctl(app, 'GET', `/jobs/${id}/wait?status=done&timeout_ms=50`);
  const e = isControlError(t, timedOut, 408, 'TIMEOUT');
  t.match(e.state, { id, status: 'created' }, 'the 408 carries the current state');
  let answered = false;
  const waiting = ctl(app, 'GET', `/jobs/${id}/wait?status=done&timeout_ms=5000`).then((r) => {
    answered = true;
    return r;
  });
  // A whole request through the same routes: the wait, sent first, has seen the job created by now.
  t.equal((await ctl(app, 'GET', `/jobs/${id}`)).json().status, 'created');
  t.notOk(answered, 'the wait is still waiting while the job is created');
  await ctl(app, 'POST', `/jobs/${id}/run`);
  const res = await waiting;
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id, status: 'done' });
  t.equal((await ctl(app, 'GET', `/jobs/${id}/wait`)).statusCode, 200, 'status defaults to done');
  const never = isControlError(t, await ctl(app, 'GET', `/jobs/${id}/wait?status=paused&timeout_ms=5000`), 409, 'CONFLICT');
  t.match(never.state, { status: 'done' });
});

t.test('the ticker can be started while serving and finishes a job on its own', async (t) => {
  const app = await build(t, { tickMs: 0, batchSize: 3 });
  t.same((await ctl(app, 'GET', '/ticker')).json(), { running: false, tick_ms: 0, batch_size: 3 });
  const id = await startEdit(app, 'ticked');
  const on = await ctl(app, 'PUT', '/ticker', { running: true, tick_ms: 5, batch_size: 1 });
  t.same(on.json(), { running: true, tick_ms: 5, batch_size: 1 });
  const done = await ctl(app, 'GET', `/jobs/${id}/wait?status=done&timeout_ms=10000`);
  t.match(done.json(), { status: 'done', items_done: 5 }, 'the background ticker finished the job');
});

t.test('the ticker can be stopped, restarted and retuned while serving; stopped, it has nothing scheduled and advances nothing', async (t) => {
  const timers = new ManualTimers();
  const app = await build(t, { tickMs: 0, batchSize: 3, timers });
  const ticks = () => timers.pending.filter((p) => p.repeat);
  t.same(ticks(), [], 'tickMs 0: no ticker');
  const id = await startEdit(app, 'ticked');
  t.same((await ctl(app, 'PUT', '/ticker', { running: true, tick_ms: 5, batch_size: 1 })).json(), { running: true, tick_ms: 5, batch_size: 1 });
  t.same(ticks(), [{ ms: 5, repeat: true }]);
  for (let i = 0; i < 20 && (await ctl(app, 'GET', `/jobs/${id}`)).json().status !== 'done'; i++) timers.fire();
  t.match((await ctl(app, 'GET', `/jobs/${id}`)).json(), { status: 'done', items_done: 5 }, 'each firing is one tick of batch 1');
  t.same((await ctl(app, 'PUT', '/ticker', { running: false })).json(), { running: false, tick_ms: 5, batch_size: 1 });
  t.same(ticks(), [], 'stopped: nothing left scheduled');
  const idle = await startEdit(app, 'ticked');
  t.equal(timers.fire(), 0);
  t.equal((await ctl(app, 'GET', `/jobs/${idle}`)).json().status, 'created', 'a stopped ticker advances nothing');
  t.same((await ctl(app, 'PUT', '/ticker', { tick_ms: 20 })).json(), { running: false, tick_ms: 20, batch_size: 1 }, 'retuning keeps it stopped');
  t.same(ticks(), []);
  for (const body of [{}, { tick_ms: 0 }, { batch_size: 0 }, { running: 'yes' }, { speed: 1 }]) {
    isControlError(t, await ctl(app, 'PUT', '/ticker', body), 400, 'VALIDATION_ERROR');
  }
  t.same((await ctl(app, 'GET', '/ticker')).json(), { running: false, tick_ms: 20, batch_size: 1 }, 'rejected changes changed nothing');
  t.same((await ctl(app, 'PUT', '/ticker', { running: true })).json(), { running: true, tick_ms: 20, batch_size: 1 });
  t.same(ticks(), [{ ms: 20, repeat: true }], 'restarted with the retuned interval');
  timers.fire();
  t.equal((await ctl(app, 'GET', `/jobs/${idle}`)).json().status, 'loading');
});

t.test('a job id that two organizations share (one snapshot restored twice) needs ?org=', async (t) => {
  const app = await build(t);
  const id = await startEdit(app, 'twin-a');
  await ctl(app, 'POST', '/orgs', { credential: 'twin-b', dataset: 'empty' });
  await ctl(app, 'PUT', '/orgs/twin-b/snapshot', (await ctl(app, 'GET', '/orgs/twin-a/snapshot')).json());
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/run`), 409, 'CONFLICT', 'org');
  t.match((await ctl(app, 'POST', `/jobs/${id}/run?org=twin-b`)).json(), { status: 'done' });
  t.equal((await ctl(app, 'GET', `/jobs/${id}?org=twin-a`)).json().status, 'created', 'the twin did not move');
});

t.test('pause and resume through the control API move the job as Close PUT would, and refuse what Close refuses', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const id = await startEdit(app, 'ctl-pause');
  t.match((await ctl(app, 'POST', `/jobs/${id}/step`, { ticks: 3 })).json(), { status: 'processing', items_done: 1 });

  const paused = await ctl(app, 'POST', `/jobs/${id}/pause`);
  t.equal(paused.statusCode, 200);
  t.match(paused.json(), { id, status: 'paused', paused_from: 'processing', date_paused: /^\d{4}-/ });
  t.match(await vendorStatus(app, 'ctl-pause', id), { status: 'paused' }, 'the vendor API sees it paused');
  const stored = app.tenants.db(app.tenants.get('ctl-pause').id).prepare(`SELECT status, paused_from FROM close_bulk_actions WHERE id = ?`).get(id);
  t.same(stored, { status: 'paused', paused_from: 'processing' });
  const before = digest(app);
  const again = isControlError(t, await ctl(app, 'POST', `/jobs/${id}/pause`), 409, 'CONFLICT');
  t.match(again.message, /already paused/);
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/step`), 409, 'CONFLICT');
  t.equal(digest(app), before, 'a refused pause changes nothing');

  const resumed = await ctl(app, 'POST', `/jobs/${id}/resume`);
  t.equal(resumed.statusCode, 200);
  t.match(resumed.json(), { status: 'resuming', paused_from: 'processing' });
  t.match((await ctl(app, 'POST', `/jobs/${id}/step`)).json(), { status: 'processing', items_done: 1 }, 'resuming → where it was');
  t.match((await ctl(app, 'POST', `/jobs/${id}/run`)).json(), { status: 'done', items_done: 5 });

  const refused = isControlError(t, await ctl(app, 'POST', `/jobs/${id}/resume`), 409, 'CONFLICT');
  t.match(refused.message, /Only a paused bulk edit can be resumed/);
  isControlError(t, await ctl(app, 'POST', `/jobs/${id}/pause`), 409, 'CONFLICT');
  isControlError(t, await ctl(app, 'POST', '/jobs/bulkedit_nope/pause'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', '/jobs/bulkedit_nope/resume'), 404, 'NOT_FOUND');
});

t.test('a job paused for more than 7 days of its clock cannot be resumed from the control API either', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const id = await startEdit(app, 'ctl-stale');
  t.equal((await ctl(app, 'POST', `/jobs/${id}/pause`)).statusCode, 200);
  t.equal((await ctl(app, 'POST', '/orgs/ctl-stale/clock/advance', { by: '8d' })).statusCode, 200);
  const before = digest(app);
  const err = isControlError(t, await ctl(app, 'POST', `/jobs/${id}/resume`), 409, 'CONFLICT');
  t.match(err.message, /more than 7 days/);
  t.equal(digest(app), before);
  t.match((await ctl(app, 'GET', `/jobs/${id}`)).json(), { status: 'paused', paused_from: 'created' });
});
