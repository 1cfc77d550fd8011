import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// POST /lead/merge/ through HTTP: what moves (row counts per lead-owned table in SQLite), the custom
// value rule, the events and the LeadMerge activity; bad requests change nothing.
shareApps(t);

const source = CS.leads[17]!;
const destination = CS.leads[79]!;
const apiUser = CS.users[0]!.id;

/** Every table of the organization with a lead_id column but the history ones, as the merge finds them. */
const leadTables = (app: FastifyInstance, org: string) => (app.tenants.db(org).prepare(`SELECT m.name FROM sqlite_master m
  JOIN pragma_table_info(m.name) p ON p.name = 'lead_id' WHERE m.type = 'table' AND m.name LIKE 'close%' ORDER BY m.name`).pluck().all() as string[])
  .filter((n) => n !== 'close_events' && n !== 'close_bulk_action_items');
const countsOf = (app: FastifyInstance, org: string, leadId: string) => Object.fromEntries(leadTables(app, org).map((table) =>
  [table, app.tenants.db(org).prepare(`SELECT COUNT(*) FROM ${table} WHERE org_id = ? AND lead_id = ?`).pluck().get(org, leadId) as number]));
const customOf = (app: FastifyInstance, org: string, id: string) => Object.fromEntries(
  rows(app, 'SELECT field_id, value FROM close_custom_values WHERE org_id = ? AND object_id = ? ORDER BY field_id', org, id).map((r) => [r.field_id, r.value]));

t.test('a merge moves every kind of the source lead\'s objects to the destination and deletes the source', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const db = app.tenants.db(org);
  // Give the source one of each kind the seed lacks it: a task, comments (on the lead and on an opportunity), an email,
  // and a row of a lead-owned table the merge code never names (as a kind another change adds would be).
  t.equal((await call(app, { method: 'POST', path: '/task/', payload: { lead_id: source.id, text: 'Call back' } })).statusCode, 200);
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'on the lead', object_id: source.id } });
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'on its deal', object_id: source.opportunities[0]!.id } });
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'on the destination', object_id: destination.id } });
  db.prepare(`INSERT INTO close_email_activities (org_id, id, lead_id, status, subject, to_addrs, cc, bcc, date_created, date_updated)
    VALUES (?, 'acti_email0', ?, 'draft', 'Hi', '[]', '[]', '[]', '2024-01-01T00:00:00.000000+00:00', '2024-01-01T00:00:00.000000+00:00')`).run(org, source.id);
  db.exec('CREATE TABLE close_later_kind (org_id TEXT NOT NULL, id TEXT NOT NULL, lead_id TEXT NOT NULL, PRIMARY KEY (org_id, id))');
  db.prepare(`INSERT INTO close_later_kind VALUES (?, 'later_1', ?)`).run(org, source.id);

  const from = countsOf(app, org, source.id);
  const to = countsOf(app, org, destination.id);
  for (const table of ['close_contacts', 'close_opportunities', 'close_activities', 'close_custom_objects', 'close_tasks', 'close_sequence_subscriptions',
    'close_email_activities', 'close_comment_threads', 'close_comments', 'close_later_kind']) t.ok(from[table]! > 0, `the source has ${table}`);
  const sourceCustom = customOf(app, org, source.id);
  const destinationCustom = customOf(app, org, destination.id);

  const res = await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: destination.id } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {});
  const after = countsOf(app, org, destination.id);
  for (const table of Object.keys(from)) {
    // The lead's own thread joins the destination's (one thread per object); every other row moves.
    const expected = table === 'close_comment_threads' ? to[table]! + from[table]! - 1 : table === 'close_lead_merges' ? to[table]! + from[table]! + 1 : to[table]! + from[table]!;
    t.equal(after[table], expected, `${table}: the destination holds its own and the source's`);
  }
  t.same(Object.values(countsOf(app, org, source.id)).filter((n) => n > 0), [], 'nothing is left on the source');
  t.same(rows(app, 'SELECT id FROM close_leads WHERE org_id = ? AND id = ?', org, source.id), [], 'the source is deleted');
  t.same(customOf(app, org, source.id), {}, "the source's custom values are gone");
  t.same(customOf(app, org, destination.id), { ...sourceCustom, ...destinationCustom }, "the destination keeps its values and takes the source's where it had none");
  const thread = rows(app, 'SELECT id FROM close_comment_threads WHERE org_id = ? AND object_id = ?', org, destination.id);
  t.equal(thread.length, 1);
  t.same(rows(app, 'SELECT body FROM close_comments WHERE org_id = ? AND thread_id = ? ORDER BY date_created', org, thread[0]!.id),
    [{ body: 'on the lead' }, { body: 'on the destination' }], "the lead's comments share the destination's thread");
  const lead = (await call(app, { path: `/lead/${destination.id}/` })).json();
  t.equal(lead.contacts.length, destination.contacts.length + source.contacts.length);
  t.equal(lead.updated_by, apiUser);
  isError(t, await call(app, { path: `/lead/${source.id}/` }), 404);
});

t.test('a merge records the LeadMerge activity and its events, each carrying the merge meta', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  t.equal((await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: destination.id } })).statusCode, 200);
  const list = (await call(app, { path: `/activity/lead_merge/?lead_id=${destination.id}` })).json();
  t.equal(list.data.length, 1);
  const activity = list.data[0];
  t.match(activity, {
    _type: 'LeadMerge', lead_id: destination.id, source_lead_id: source.id, destination_lead_id: destination.id,
    source_display_name: source.name, destination_display_name: destination.name, merge_status: 'completed', error_message: null,
    user_id: apiUser, created_by: apiUser, contact_id: null, users: [], organization_id: org,
  });
  t.match(activity.id, /^acti_[0-9A-Za-z]{43}$/);
  t.same((await call(app, { path: `/activity/lead_merge/${activity.id}/` })).json(), activity);
  t.same((await call(app, { path: `/activity/lead_merge/?_type=Note` })).json().data, []);
  t.same((await call(app, { path: `/activity/lead_merge/?lead_id=${source.id}` })).json().data, []);
  t.same(rows(app, 'SELECT id, lead_id FROM close_lead_merges WHERE org_id = ? AND source_lead_id = ?', org, source.id), [{ id: activity.id, lead_id: destination.id }]);

  const events = rows(app, 'SELECT object_type, object_id, action, meta, request_id FROM close_events WHERE org_id = ? ORDER BY seq', org);
  t.equal(new Set(events.map((e) => e.request_id)).size, 1, 'one request');
  for (const e of events) t.same(JSON.parse(e.meta as string), { merge_source_lead_id: source.id, merge_destination_lead_id: destination.id, request_method: 'POST', request_path: '/api/v1/lead/merge/' }, `${e.object_type} ${e.action} carries the meta`);
  const names = events.map((e) => `${e.object_type} ${e.action} ${e.object_id}`);
  t.same(names.slice(-4), [`activity.lead_merge created ${activity.id}`, `lead deleted ${source.id}`, `lead updated ${destination.id}`, `lead merged ${destination.id}`]);
  for (const c of source.contacts) t.ok(names.includes(`contact updated ${c.id}`), 'each moved contact is updated');
  for (const o of source.opportunities) t.ok(names.includes(`opportunity updated ${o.id}`), 'each moved opportunity is updated');
  t.notOk(names.some((n) => n.startsWith('contact deleted') || n.startsWith('opportunity deleted')), 'moved objects are not deleted');
});

t.test('bad merges are 400s naming the field and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: source.id } }), 'destination');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id } }), 'destination');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { destination: source.id } }), 'source');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: 'lead_unknown', destination: destination.id } }), 'source');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: 'lead_unknown' } }), 'destination');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: 5, destination: destination.id } }), 'source');
  isError(t, await call(app, { path: '/activity/lead_merge/acti_missing/' }), 404);
  isFieldError(t, await call(app, { path: '/activity/lead_merge/?activity_at__gte=2024-01-01' }), 'activity_at__gte');
  t.equal(closeState(app), before);
});

t.test("another organization's lead is unknown to a merge", async (t) => {
  const app = await build(t);
  // Another key is another organization (with the same seed ids, so the lead is one only it has).
  const key = 'close-merge-other-org';
  const theirs = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Theirs' }, key })).json().id as string;
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: theirs, destination: destination.id } }), 'source');
  t.equal(closeState(app), before);
  t.equal((await call(app, { path: `/lead/${theirs}/`, key })).statusCode, 200, 'their lead is untouched');
  t.not(closeOrg(app, key), closeOrg(app));
});
