import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from './seed-ids.js';
import { createEdit, EDIT_URL, getEdit, leadStatus, runToEnd } from './bulk-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const DAY = 24 * 60 * 60 * 1000;
const someLeads = seed.close!.leads.slice(0, 6).map((l) => l.id);
const statusEdit = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...someLeads), send_done_email: false };
const put = (app: Awaited<ReturnType<typeof build>>, id: string, status: string) =>
  app.inject({ method: 'PUT', url: `${EDIT_URL}${id}/`, headers: basic(), payload: { status } });

t.test('pausing a processing job stops progress; resuming continues from where it was', async (t) => {
  const app = await build(t, { batchSize: 2 });
  const { id } = (await createEdit(app, statusEdit)).json();
  app.closeJobs.tick(); app.closeJobs.tick(); app.closeJobs.tick(); // loading, processing (frozen), first batch
  t.match(await getEdit(app, id), { status: 'processing', n_objects_processed: 2 });
  const paused = await put(app, id, 'paused');
  t.equal(paused.statusCode, 200);
  t.equal(paused.json().status, 'paused');
  for (let i = 0; i < 5; i++) app.closeJobs.tick();
  t.match(await getEdit(app, id), { status: 'paused', n_objects_processed: 2 }, 'no progress while paused');
  const resumed = await put(app, id, 'resuming');
  t.equal(resumed.json().status, 'resuming');
  app.closeJobs.tick();
  t.equal((await getEdit(app, id)).status, 'processing', 'resuming → processing on the next tick');
  t.same(await runToEnd(app, id), ['processing', 'done']);
  t.match(await getEdit(app, id), { n_objects_processed: 6, n_leads_processed: 6 });
  for (const lead of someLeads) t.equal(leadStatus(app, lead), CLOSE.status.customer);
});

t.test('a job paused before loading goes back to created, not processing, and still loads', async (t) => {
  const app = await build(t);
  const { id } = (await createEdit(app, statusEdit)).json();
  await put(app, id, 'paused');
  await put(app, id, 'resuming');
  app.closeJobs.tick();
  t.match(await getEdit(app, id), { status: 'created', n_leads: null });
  t.same(await runToEnd(app, id), ['loading', 'processing', 'done']);
});

t.test('invalid transitions are a 400 field error on status and change nothing', async (t) => {
  const app = await build(t);
  const { id } = (await createEdit(app, statusEdit)).json();
  const notPaused = await put(app, id, 'resuming');
  t.equal(notPaused.statusCode, 400);
  t.match(notPaused.json(), { errors: [], 'field-errors': { status: /paused/ } });
  const bogus = await put(app, id, 'done');
  t.equal(bogus.statusCode, 400);
  t.ok(bogus.json()['field-errors'].status);
  await runToEnd(app, id);
  const pauseDone = await put(app, id, 'paused');
  t.equal(pauseDone.statusCode, 400);
  t.match(pauseDone.json()['field-errors'].status, /done cannot be paused/);
  t.equal((await getEdit(app, id)).status, 'done');
});

t.test('a job paused for more than 7 days (on the emulator clock) cannot be resumed', async (t) => {
  const app = await build(t);
  app.clock.set(new Date('2026-11-01T00:00:00Z'), true);
  const { id } = (await createEdit(app, statusEdit)).json();
  await put(app, id, 'paused');
  app.clock.advance(7 * DAY);
  const withinWindow = await put(app, id, 'resuming');
  t.equal(withinWindow.statusCode, 200, 'exactly 7 days is still allowed');
  await put(app, id, 'paused');
  app.clock.advance(1000);
  const late = await put(app, id, 'resuming');
  t.equal(late.statusCode, 400);
  t.match(late.json()['field-errors'].status, /more than 7 days/);
  t.equal((await getEdit(app, id)).status, 'paused');
});

t.test('deleting the lead status after creation puts the job in error and stops it', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const org = orgOf(app, 'close-key');
  const { id } = (await createEdit(app, { ...statusEdit, lead_status_id: CLOSE.status.qualified })).json();
  app.closeJobs.tick(); app.closeJobs.tick(); app.closeJobs.tick();
  t.match(await getEdit(app, id), { status: 'processing', n_objects_processed: 1 });
  app.tenants.db(org).prepare(`UPDATE close_leads SET status_id = ? WHERE org_id = ? AND status_id = ?`).run(CLOSE.status.potential, org, CLOSE.status.qualified);
  app.tenants.db(org).prepare(`DELETE FROM close_lead_statuses WHERE org_id = ? AND id = ?`).run(org, CLOSE.status.qualified);
  app.closeJobs.tick();
  const failed = await getEdit(app, id);
  t.match(failed, { status: 'error', n_objects_processed: 1 });
  t.match(app.tenants.db(org).prepare(`SELECT error_reason FROM close_bulk_actions WHERE id = ?`).pluck().get(id), /lead status .* was deleted/);
  app.closeJobs.tick();
  t.equal((await getEdit(app, id)).n_objects_processed, 1, 'no further progress');
});

t.test('changing a choices field so the value no longer fits puts the job in error', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-key');
  const { id } = (await createEdit(app, { type: 'set_custom_field', custom_field_id: CLOSE.field.industry, custom_field_value: seed.close!.custom_fields.find((f) => f.id === CLOSE.field.industry)!.choices![0], s_query: leadsQuery(...someLeads) })).json();
  app.tenants.db(org).prepare(`UPDATE close_custom_fields SET choices = '["Other"]' WHERE org_id = ? AND id = ?`).run(org, CLOSE.field.industry);
  t.same(await runToEnd(app, id), ['loading', 'error']);
  t.match(app.tenants.db(org).prepare(`SELECT error_reason FROM close_bulk_actions WHERE id = ?`).pluck().get(id), /no longer fits/);
});

t.test('with a file database a restart resumes the job without applying any item twice', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'bulk-')), 'emulator.db');
  const leads = seed.close!.leads.slice(0, 10).map((l) => l.id);
  const payload = { type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: 'restart', s_query: leadsQuery(...leads), send_done_email: true };

  const first = await build(t, { db, batchSize: 4 });
  first.clock.set(new Date('2026-11-01T00:00:00Z'), true);
  const { id } = (await createEdit(first, payload)).json();
  first.closeJobs.tick(); first.closeJobs.tick(); first.closeJobs.tick(); // loading, processing, one batch of 4
  t.match(await getEdit(first, id), { status: 'processing', n_objects_processed: 4 });
  await first.close();

  const second = await build(t, { db, batchSize: 4 });
  second.clock.set(new Date('2026-11-02T00:00:00Z'), true);
  t.same(await runToEnd(second, id), ['processing', 'done']);
  t.match(await getEdit(second, id), { n_objects: 10, n_objects_processed: 10, n_leads_processed: 10 });
  const org = orgOf(second, 'close-key');
  const dates = second.tenants.db(org).prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(org, JSON.stringify(leads)) as { id: string; date_updated: string }[];
  const beforeRestart = dates.filter((d) => d.date_updated.startsWith('2026-11-01')).length;
  t.equal(beforeRestart, 4, 'the 4 leads edited before the restart were not edited again after it');
  t.equal(dates.filter((d) => d.date_updated.startsWith('2026-11-02')).length, 6);
  t.equal(second.tenants.db(org).prepare(`SELECT count(*) FROM close_bulk_action_items WHERE bulk_action_id = ? AND done = 1`).pluck().get(id), 10);
  t.equal(second.tenants.db(org).prepare(`SELECT count(*) FROM close_outbox WHERE ref_id = ?`).pluck().get(id), 1, 'one done email');
});

t.test('a lead deleted while the edit runs is skipped: the job finishes and stores no orphan value', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-key');
  const { id } = (await createEdit(app, { type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: 'gone?', s_query: leadsQuery(...someLeads) })).json();
  app.closeJobs.tick(); app.closeJobs.tick(); // loading, processing: the set is frozen
  const del = await app.inject({ method: 'DELETE', url: `/api/v1/lead/${someLeads[0]}/`, headers: basic() });
  t.equal(del.statusCode, 200);
  t.same(await runToEnd(app, id), ['done']);
  t.match(await getEdit(app, id), { n_objects: 6, n_objects_processed: 6 });
  t.equal(app.tenants.db(org).prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND object_id = ?`).pluck().get(org, someLeads[0]), 0);
  t.equal(app.tenants.db(org).prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = '"gone?"'`).pluck().get(org, CLOSE.field.sourceDetail), 5);
});
