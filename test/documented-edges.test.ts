import t from 'tap';
import { build, bearer, count, orgOf, seed, SEED_IDS, shareApps } from './helper.js';
import { ctl } from './control/helper.js';
import { call, closeOrg } from './close/helper.js';
import { ACME_QUERY, CLOSE } from './close/seed-ids.js';

shareApps(t);

// Issue 28: the documented edges an outside audit moved by one and found no test noticing. Each is pinned
// at the exact value the docs (docs/close.md, docs/configuration.md, …) state, through HTTP (and the control API), with the stored rows.

const KEY = 'close-resources-key';
const freeze = (app: Awaited<ReturnType<typeof build>>, now: string) => ctl(app, 'PUT', '/clock', { now, frozen: true });
const advance = (app: Awaited<ReturnType<typeof build>>, by: string) => ctl(app, 'POST', '/clock/advance', { by });
const updatedEvents = async (app: Awaited<ReturnType<typeof build>>, id: string) =>
  (await call(app, { path: `/event/?object_id=${id}&action=updated` })).json().data as { id: string; changed_fields: string[]; date_created: string; date_updated: string }[];

t.test('event consolidation: the window is 5 s from the first event\'s date_created — 5.000 s later consolidates, 5.001 s does not, and it does not slide', async (t) => {
  const app = await build(t);
  await freeze(app, '2026-11-02T20:00:00Z');
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Edge' } })).json() as { id: string };
  await advance(app, '1s');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'Edge 1' } });
  await advance(app, '5000ms');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { description: 'at exactly 5.000 s' } });
  let events = await updatedEvents(app, lead.id);
  t.equal(events.length, 1, '5.000 s after the first: still consolidated');
  t.equal(events[0]!.date_created, '2026-11-02T20:00:01.000000');
  t.equal(events[0]!.date_updated, '2026-11-02T20:00:06.000000');
  // The window is measured from the first event's date_created (20:00:01), not from its last update (20:00:06).
  await advance(app, '1ms');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { url: 'https://edge.test' } });
  events = await updatedEvents(app, lead.id);
  t.equal(events.length, 2, '5.001 s after the first event: a new one, although only 1 ms after the last change');
  t.same(events[0]!.changed_fields, ['date_updated', 'url']);
  t.equal(count(app, 'close_events', closeOrg(app, KEY), `object_id = ? AND action = 'updated'`, lead.id), 2, 'two rows stored');
});

t.test('EVENT_WINDOW_MS defaults to 5000: a second update 5.001 s after the first is its own event with the default window', async (t) => {
  const app = await build(t);
  t.equal(app.emulator.options.eventWindowMs, 5000);
  await freeze(app, '2026-11-02T20:00:00Z');
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Default window' } })).json() as { id: string };
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'A' } });
  await advance(app, '4999ms');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'B' } });
  t.equal((await updatedEvents(app, lead.id)).length, 1, '4.999 s: consolidated');
  await advance(app, '2ms');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'C' } });
  t.equal((await updatedEvents(app, lead.id)).length, 2, '5.001 s: not (an 8 s default would still consolidate)');
});

t.test('BlueAI bulk update and delete take exactly 100 ids (processed: 100); 101 is the 400', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const ids = seed.blueai!.deals.slice(0, 101).map((d) => d.id);
  const hundred = ids.slice(0, 100);
  const updated = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: bearer(), payload: { ids: hundred, assigned_member_id: SEED_IDS.member } });
  t.equal(updated.statusCode, 200);
  t.same(updated.json(), { processed: 100, errors: [] });
  t.equal(count(app, 'blueai_deals', org, `assigned_member_id = ? AND id IN (SELECT value FROM json_each(?))`, SEED_IDS.member, JSON.stringify(hundred)), 100);
  const over = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer(), payload: { ids } });
  t.equal(over.statusCode, 400, '101 ids');
  t.equal(count(app, 'blueai_deals', org), seed.blueai!.deals.length, 'nothing deleted by the refused request');
  const deleted = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer(), payload: { ids: hundred } });
  t.same(deleted.json(), { processed: 100, errors: [] });
  t.equal(count(app, 'blueai_deals', org), seed.blueai!.deals.length - 100);
});

t.test('the 7-day resume window counts from the pause: paused 3 days after creation, resumed 5 days later works; 7 days + 1 s after the pause does not', async (t) => {
  const app = await build(t, { tickMs: 0 });
  await freeze(app, '2026-11-01T00:00:00Z');
  const body = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: ACME_QUERY, send_done_email: false };
  const create = async () => (await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: body })).json().id as string;
  const put = (id: string, status: string) => call(app, { method: 'PUT', path: `/bulk_action/edit/${id}/`, payload: { status } });
  const early = await create();
  const late = await create();
  await advance(app, '3d');
  t.equal((await put(early, 'paused')).statusCode, 200);
  t.equal((await put(late, 'paused')).statusCode, 200);
  await advance(app, '5d');
  const resumed = await put(early, 'resuming');
  t.equal(resumed.statusCode, 200, '8 days after creation, 5 after the pause: allowed (a window from creation would refuse it)');
  t.equal(resumed.json().status, 'resuming');
  await advance(app, '2d1s');
  const refused = await put(late, 'resuming');
  t.equal(refused.statusCode, 400, '7 days and 1 s after its pause');
  t.match(refused.json()['field-errors'].status, /more than 7 days/);
  const db = app.tenants.db(closeOrg(app, KEY));
  t.equal(db.prepare('SELECT status FROM close_bulk_actions WHERE id = ?').pluck().get(late), 'paused', 'stored: still paused');
  t.equal(db.prepare('SELECT status FROM close_bulk_actions WHERE id = ?').pluck().get(early), 'resuming');
});

t.test('a negated object_type child under "and" does not select that type: the search returns leads, excluding nothing by it', async (t) => {
  const app = await build(t);
  const query = {
    type: 'and', queries: [
      { type: 'object_type', object_type: 'contact', negate: true },
      { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'full_words', value: 'ACME Inc.' } },
    ],
  };
  const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query, _limit: 50 } });
  t.equal(res.statusCode, 200, res.body);
  const data = res.json().data as { __object_type: string; id: string }[];
  t.same(data.map((d) => d.__object_type), ['lead', 'lead'], 'leads, not contacts');
  t.same(data.map((d) => d.id).sort(), [CLOSE.acmeInc, CLOSE.incAcmeHoldings].sort(), 'the two leads whose name has the words ACME and Inc');
  const positive = await call(app, { method: 'POST', path: '/data/search/', payload: { query: { ...query, queries: [{ type: 'object_type', object_type: 'contact' }] }, _limit: 5 } });
  t.ok((positive.json().data as { __object_type: string }[]).every((d) => d.__object_type === 'contact'), 'the same child not negated selects contacts');
});

t.test('a paused job can be forced into error through the control API (POST /_mock/jobs/{id}/fail)', async (t) => {
  const app = await build(t, { tickMs: 0 });
  const body = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: ACME_QUERY, send_done_email: false };
  const id = (await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: body })).json().id as string;
  t.equal((await call(app, { method: 'PUT', path: `/bulk_action/edit/${id}/`, payload: { status: 'paused' } })).json().status, 'paused');
  const failed = await ctl(app, 'POST', `/jobs/${id}/fail`, { reason: 'stopped by the test' });
  t.equal(failed.statusCode, 200);
  t.match(failed.json(), { id, status: 'error', error_reason: 'stopped by the test' });
  t.equal((await call(app, { path: `/bulk_action/edit/${id}/` })).json().status, 'error', 'the vendor API shows it');
  const db = app.tenants.db(closeOrg(app, KEY));
  t.equal(db.prepare('SELECT status FROM close_bulk_actions WHERE id = ?').pluck().get(id), 'error');
  t.equal((await ctl(app, 'POST', `/jobs/${id}/fail`, {})).statusCode, 409, 'a job already in error cannot fail again');
});
