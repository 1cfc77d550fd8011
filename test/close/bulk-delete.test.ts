import t from 'tap';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { actionUrl, createAction, getAction, orgRows, runActionToEnd } from './bulk-helper.js';

// Close's bulk delete (POST /bulk_action/delete/) through the engine every bulk kind shares: results
// checked row by row in the organization's database.
shareApps(t);

const leads = seed.close!.leads.slice(0, 4);
const ids = leads.map((l) => l.id);
const others = seed.close!.leads.slice(4).map((l) => l.id);
const ctl = (app: Awaited<ReturnType<typeof build>>, method: 'GET' | 'POST', url: string) => app.inject({ method, url: `/_mock${url}` });
const count = (app: Awaited<ReturnType<typeof build>>, table: string, where = '1 = 1', ...params: unknown[]) =>
  orgRows(app, `SELECT count(*) AS n FROM ${table} WHERE org_id = ? AND ${where}`, 'close-key', ...params)[0]!.n as number;
const inLeads = (list: string[]) => `lead_id IN (SELECT value FROM json_each('${JSON.stringify(list)}'))`;

t.test('a bulk delete of leads removes them and everything under them, and nothing else', async (t) => {
  const app = await build(t, { batchSize: 3 });
  const before = { contacts: count(app, 'close_contacts'), leads: count(app, 'close_leads'), otherContacts: count(app, 'close_contacts', `NOT ${inLeads(ids)}`) };
  const childIds = orgRows(app, `SELECT id FROM close_contacts WHERE org_id = ? AND ${inLeads(ids)} UNION ALL
    SELECT id FROM close_opportunities WHERE org_id = ? AND ${inLeads(ids)} UNION ALL SELECT id FROM close_activities WHERE org_id = ? AND ${inLeads(ids)}`,
  'close-key', orgOf(app, 'close-key'), orgOf(app, 'close-key')).map((r) => r.id as string);
  t.ok(childIds.length > 5, 'the leads have children');

  const res = await createAction(app, 'delete', { s_query: leadsQuery(...ids), bulk_object_type: 'lead' });
  t.equal(res.statusCode, 200);
  const created = res.json();
  t.match(created, { status: 'created', bulk_object_type: 'lead', n_leads: null, n_objects: null, n_leads_processed: 0, send_done_email: true });
  t.match(created.id, /^bulkdelete_/);
  t.equal(count(app, 'close_leads'), before.leads, 'nothing deleted at creation');

  t.same(await runActionToEnd(app, 'delete', created.id), ['loading', 'processing', 'done']);
  t.match(await getAction(app, 'delete', created.id), { status: 'done', n_leads: 4, n_objects: 4, n_leads_processed: 4, n_objects_processed: 4 });
  t.equal(count(app, 'close_leads', `id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)), 0, 'the leads are gone');
  for (const table of ['close_contacts', 'close_opportunities', 'close_activities', 'close_custom_objects', 'close_tasks']) {
    t.equal(count(app, table, inLeads(ids)), 0, `${table} of the leads are gone`);
  }
  t.equal(count(app, 'close_custom_values', `object_id IN (SELECT value FROM json_each(?))`, JSON.stringify([...ids, ...childIds])), 0, 'and their custom values');
  t.equal(count(app, 'close_leads'), before.leads - 4, 'no other lead deleted');
  t.equal(count(app, 'close_contacts', `NOT ${inLeads(ids)}`), before.otherContacts, 'no other contact deleted');
  for (const id of ids) t.equal((await app.inject({ url: `/api/v1/lead/${id}/`, headers: basic() })).statusCode, 404, 'GET answers 404');
  const listed: string[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = (await app.inject({ url: `/api/v1/lead/?_limit=100&_skip=${skip}&_fields=id`, headers: basic() })).json();
    listed.push(...page.data.map((l: { id: string }) => l.id));
    if (!page.has_more) break;
  }
  t.equal(listed.length, before.leads - 4, 'the list counts the rest');
  t.notOk(listed.some((id: string) => ids.includes(id)), 'gone from the lead list');
  t.ok(listed.includes(others[0]), 'others still listed');

  const outbox = (await ctl(app, 'GET', `/outbox?org=close-key`)).json().data;
  t.match(outbox, [{ kind: 'bulk_delete_done', ref_id: created.id, subject: 'Your bulk delete is complete' }], 'the done email');
});

t.test('bulk_object_type contact deletes the matched leads\' contacts and keeps the leads', async (t) => {
  const app = await build(t);
  const contacts = count(app, 'close_contacts', inLeads(ids));
  const { id } = (await createAction(app, 'delete', { s_query: leadsQuery(...ids), bulk_object_type: 'contact', send_done_email: false })).json();
  await runActionToEnd(app, 'delete', id);
  t.match(await getAction(app, 'delete', id), { status: 'done', bulk_object_type: 'contact', n_leads: 4, n_objects: contacts, n_objects_processed: contacts });
  t.equal(count(app, 'close_contacts', inLeads(ids)), 0);
  t.equal(count(app, 'close_leads', `id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)), 4, 'the leads stay');
  t.same((await ctl(app, 'GET', '/outbox?org=close-key')).json().data, [], 'send_done_email false: no email');
});

t.test('bulk_object_type custom_activity deletes custom activities only', async (t) => {
  const app = await build(t);
  const custom = count(app, 'close_activities', `${inLeads(ids)} AND custom_activity_type_id IS NOT NULL`);
  const notes = count(app, 'close_activities', `${inLeads(ids)} AND custom_activity_type_id IS NULL`);
  t.ok(custom > 0 && notes > 0, 'the seed has both');
  const { id } = (await createAction(app, 'delete', { s_query: leadsQuery(...ids), bulk_object_type: 'custom_activity' })).json();
  await runActionToEnd(app, 'delete', id);
  t.match(await getAction(app, 'delete', id), { status: 'done', n_objects: custom, n_objects_processed: custom });
  t.equal(count(app, 'close_activities', `${inLeads(ids)} AND custom_activity_type_id IS NOT NULL`), 0);
  t.equal(count(app, 'close_activities', `${inLeads(ids)} AND custom_activity_type_id IS NULL`), notes, 'notes stay');
});

t.test('an object deleted while the bulk delete runs is skipped and not counted', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const { id } = (await createAction(app, 'delete', { s_query: leadsQuery(...ids) })).json();
  app.closeJobs.tick(); app.closeJobs.tick(); // loading, then the frozen set
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/lead/${ids[3]}/`, headers: basic() })).statusCode, 200);
  await runActionToEnd(app, 'delete', id);
  t.match(await getAction(app, 'delete', id), { status: 'done', bulk_object_type: 'lead', n_objects: 4, n_objects_processed: 3, n_leads_processed: 4 });
});

t.test('bad bulk deletes are refused with a 400 naming the field, and store nothing', async (t) => {
  const app = await build(t);
  const cases: [Record<string, unknown>, string][] = [
    [{ s_query: leadsQuery(ids[0]!), bulk_object_type: 'call' }, 'bulk_object_type'],
    [{ s_query: leadsQuery(ids[0]!), bulk_object_type: 'form_submission' }, 'bulk_object_type'],
    [{ bulk_object_type: 'lead' }, 's_query'],
  ];
  for (const [payload, field] of cases) {
    const res = await createAction(app, 'delete', payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.type(res.json()['field-errors'][field], 'string', `names ${field}`);
  }
  const bad = await createAction(app, 'delete', { s_query: leadsQuery(ids[0]!), bulk_object_type: 'planet' });
  t.equal(bad.statusCode, 400);
  t.match(JSON.stringify(bad.json()), /bulk_object_type/);
  t.equal(count(app, 'close_bulk_actions'), 0, 'nothing stored');
});

t.test('each kind lists and finds only its own; pause and resume work as for edits', async (t) => {
  const app = await build(t);
  const del = (await createAction(app, 'delete', { s_query: leadsQuery(...ids) })).json();
  const edit = (await createAction(app, 'edit', { type: 'clear_custom_field', custom_field_name: 'Industry', s_query: leadsQuery(...ids) })).json();
  const listOf = async (kind: string) => (await app.inject({ url: actionUrl(kind), headers: basic() })).json();
  t.same((await listOf('delete')).data.map((a: { id: string }) => a.id), [del.id]);
  t.same((await listOf('edit')).data.map((a: { id: string }) => a.id), [edit.id]);
  t.same((await listOf('email')).data, []);
  const wrong = await app.inject({ url: `${actionUrl('edit')}${del.id}/`, headers: basic() });
  t.equal(wrong.statusCode, 404, 'a delete is not an edit');
  t.match(wrong.json(), { error: /Bulk edit .* not found/ });

  const paused = await app.inject({ method: 'PUT', url: `${actionUrl('delete')}${del.id}/`, headers: basic(), payload: { status: 'paused' } });
  t.equal(paused.statusCode, 200);
  t.equal(paused.json().status, 'paused');
  const again = await app.inject({ method: 'PUT', url: `${actionUrl('delete')}${del.id}/`, headers: basic(), payload: { status: 'paused' } });
  t.equal(again.statusCode, 400);
  t.match(again.json()['field-errors'], { status: 'This bulk delete is already paused.' });
  for (let i = 0; i < 4; i++) app.closeJobs.tick();
  t.equal(count(app, 'close_leads', `id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)), 4, 'nothing deleted while paused');
  await app.inject({ method: 'PUT', url: `${actionUrl('delete')}${del.id}/`, headers: basic(), payload: { status: 'resuming' } });
  await runActionToEnd(app, 'delete', del.id);
  t.equal(count(app, 'close_leads', `id IN (SELECT value FROM json_each(?))`, JSON.stringify(ids)), 0);

  const jobs = (await ctl(app, 'GET', '/jobs?kind=delete')).json().data;
  t.match(jobs, [{ id: del.id, kind: 'delete', type: 'lead', status: 'done', action: { id: del.id, bulk_object_type: 'lead' } }]);
  t.same((await ctl(app, 'GET', '/jobs?kind=edit')).json().data.map((j: { id: string }) => j.id), [edit.id]);
  t.equal((await ctl(app, 'GET', '/jobs?kind=planet')).statusCode, 400, 'an unknown kind is refused');
});
