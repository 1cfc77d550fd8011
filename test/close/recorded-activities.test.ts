import t from 'tap';
import { build, shareApps } from '../helper.js';
import { API, CS, call, closeAuth, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { createAction, createEdit, runActionToEnd, runToEnd } from './bulk-helper.js';
import { leadsQuery } from './seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

type Obj = Record<string, unknown>;
const status = (label: string) => CS.lead_statuses.find((s) => s.label === label)!;
const oppStatus = (label: string) => CS.opportunity_statuses.find((s) => s.label === label)!;
const [admin] = CS.users;
const POTENTIAL = status('Potential');
const QUALIFIED = status('Qualified');
const CUSTOMER = status('Customer');
// Two seeded leads in Qualified, one in Potential.
const [Q1, Q2] = CS.leads.filter((l) => l.status_id === QUALIFIED.id);
const P1 = CS.leads.find((l) => l.status_id === POTENTIAL.id)!;
const OPP_LEAD = CS.leads.find((l) => l.opportunities.some((o) => o.status_id === oppStatus('Active').id))!;
const OPP = OPP_LEAD.opportunities.find((o) => o.status_id === oppStatus('Active').id)!;

// The seed's own recorded activities (seed/generate.mjs) are left out of what these tests compare.
const SEEDED = new Set(CS.leads.flatMap((l) => (l.recorded_activities ?? []).map((x) => x.id)));
const recorded = (app: Parameters<typeof call>[0], where = '1 = 1', ...params: unknown[]) =>
  rows(app, `SELECT * FROM close_recorded_activities WHERE org_id = ? AND ${where} ORDER BY date_created, id`, closeOrg(app), ...params)
    .filter((r) => !SEEDED.has(r.id as string));
const eventsOf = (app: Parameters<typeof call>[0], objectType: string) =>
  rows(app, `SELECT object_id, action, lead_id FROM close_events WHERE org_id = ? AND object_type = ? ORDER BY seq`, closeOrg(app), objectType);
const data = (res: { json(): unknown }) => (res.json() as { data: Obj[] }).data.filter((x) => !SEEDED.has(x.id as string));

t.test('PUT /lead/ changing the status records one LeadStatusChange with old and new ids and labels; the same status again records none', async (t) => {
  const app = await build(t);
  const before = recorded(app).length;
  const res = await call(app, { method: 'PUT', path: `/lead/${Q1!.id}/`, payload: { status_id: CUSTOMER.id } });
  t.equal(res.statusCode, 200);
  const [row, ...more] = recorded(app, `type = 'LeadStatusChange' AND lead_id = ?`, Q1!.id);
  t.equal(more.length, 0, 'exactly one');
  t.same(JSON.parse(row!.fields as string), {
    old_status_id: QUALIFIED.id, old_status_label: 'Qualified', new_status_id: CUSTOMER.id, new_status_label: 'Customer',
  });
  t.equal(row!.user_id, admin!.id, "the key's user");
  const got = await call(app, { path: `/activity/status_change/lead/${row!.id}/` });
  t.same(got.json(), {
    id: row!.id, _type: 'LeadStatusChange', organization_id: closeOrg(app), lead_id: Q1!.id, contact_id: null, user_id: admin!.id, user_name: 'Kenta Sato',
    created_by: admin!.id, created_by_name: 'Kenta Sato', updated_by: admin!.id, updated_by_name: 'Kenta Sato',
    activity_at: row!.date_created, date_created: row!.date_created, date_updated: row!.date_updated,
    old_status_id: QUALIFIED.id, old_status_label: 'Qualified', new_status_id: CUSTOMER.id, new_status_label: 'Customer',
  });
  t.same(eventsOf(app, 'activity.lead_status_change'), [{ object_id: row!.id, action: 'created', lead_id: Q1!.id }]);
  // The same status again, by id or by label, and a change of another field: nothing more.
  await call(app, { method: 'PUT', path: `/lead/${Q1!.id}/`, payload: { status_id: CUSTOMER.id } });
  await call(app, { method: 'PUT', path: `/lead/${Q1!.id}/`, payload: { status: 'Customer', name: 'Renamed' } });
  t.equal(recorded(app).length, before + 1, 'no-op updates record nothing');
  // A status renamed later: the activity keeps the label it had.
  await call(app, { method: 'PUT', path: `/status/lead/${CUSTOMER.id}/`, payload: { label: 'Client' } });
  t.equal((await call(app, { path: `/activity/status_change/lead/${row!.id}/` })).json().new_status_label, 'Customer');
});

t.test('a bulk edit set_lead_status records one change per lead it really changes, by its creator, none for a lead already there', async (t) => {
  const app = await build(t);
  // P1 first becomes Qualified through the API; then the edit moves Q1 and P1 to Customer.
  await call(app, { method: 'PUT', path: `/lead/${P1.id}/`, payload: { status_id: QUALIFIED.id } });
  const query = leadsQuery(Q1!.id, P1.id);
  const edit = await createEdit(app, { type: 'set_lead_status', lead_status_id: CUSTOMER.id, s_query: query }, 'close-resources-key');
  t.equal(edit.statusCode, 200, edit.body);
  await runToEnd(app, edit.json().id, 'close-resources-key');
  const changes = recorded(app, `type = 'LeadStatusChange'`).map((r) => ({ lead: r.lead_id, ...JSON.parse(r.fields as string) as Obj }) as Obj);
  t.same(changes.map((c) => [c.lead, c.old_status_label, c.new_status_label]).sort(), [
    [Q1!.id, 'Qualified', 'Customer'], [P1.id, 'Potential', 'Qualified'], [P1.id, 'Qualified', 'Customer'],
  ].sort());
  // Again: both are Customer already.
  const again = await createEdit(app, { type: 'set_lead_status', lead_status_id: CUSTOMER.id, s_query: query }, 'close-resources-key');
  await runToEnd(app, again.json().id, 'close-resources-key');
  t.equal(recorded(app, `type = 'LeadStatusChange'`).length, 3, 'nothing when the status is already the one set');
  const events = rows(app, `SELECT meta FROM close_events WHERE org_id = ? AND object_type = 'activity.lead_status_change'`, closeOrg(app));
  t.equal(events.filter((e) => JSON.parse(e.meta as string).bulk_action_id === edit.json().id).length, 2, "the edit's events name it");
});

t.test('PUT /opportunity/ changing the status records an OpportunityStatusChange with types and the value; POST /opportunity/ records none', async (t) => {
  const app = await build(t);
  const created = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: OPP_LEAD.id, status_id: oppStatus('Won').id, value: 500 } });
  t.equal(created.statusCode, 200);
  t.equal(recorded(app, `type = 'OpportunityStatusChange'`).length, 0, 'created with a status: no change');
  await call(app, { method: 'PUT', path: `/opportunity/${OPP.id}/`, payload: { status_id: oppStatus('Won').id, value: 12000, confidence: 90 } });
  await call(app, { method: 'PUT', path: `/opportunity/${OPP.id}/`, payload: { note: 'only a note' } });
  const [row, ...more] = recorded(app, `type = 'OpportunityStatusChange'`);
  t.equal(more.length, 0);
  t.equal(row!.opportunity_id, OPP.id);
  const got = (await call(app, { path: `/activity/status_change/opportunity/?opportunity_id=${OPP.id}` })).json() as { data: Obj[] };
  t.match(got.data, [{
    id: row!.id, _type: 'OpportunityStatusChange', lead_id: OPP_LEAD.id, opportunity_id: OPP.id,
    old_status_id: OPP.status_id, old_status_label: 'Active', old_status_type: 'active',
    new_status_id: oppStatus('Won').id, new_status_label: 'Won', new_status_type: 'won',
    opportunity_value: 12000, opportunity_value_period: OPP.value_period, opportunity_value_currency: 'USD', opportunity_confidence: 90,
  }]);
  t.equal(got.data.length, 1);
  t.same(eventsOf(app, 'activity.opportunity_status_change'), [{ object_id: row!.id, action: 'created', lead_id: OPP_LEAD.id }]);
});

t.test('completing a task records TaskCompleted (PUT and bulk PUT /task/); reopening it deletes that activity', async (t) => {
  const app = await build(t);
  const created = await call(app, { method: 'POST', path: '/task/', payload: { lead_id: Q2!.id, text: 'Send the deck' } });
  const taskId = created.json().id as string;
  t.equal(recorded(app, `type = 'TaskCompleted'`).length, 0);
  await call(app, { method: 'PUT', path: `/task/${taskId}/`, payload: { is_complete: true } });
  await call(app, { method: 'PUT', path: `/task/${taskId}/`, payload: { is_complete: true, text: 'Send the deck' } });
  const [row, ...more] = recorded(app, `type = 'TaskCompleted'`);
  t.equal(more.length, 0, 'completing a completed task records nothing');
  t.match((await call(app, { path: `/activity/task_completed/${row!.id}/` })).json(), {
    _type: 'TaskCompleted', task_id: taskId, task_text: 'Send the deck', task_assigned_to: admin!.id, task_assigned_to_name: 'Kenta Sato', lead_id: Q2!.id,
  });
  await call(app, { method: 'PUT', path: `/task/${taskId}/`, payload: { is_complete: false } });
  t.equal(recorded(app, `type = 'TaskCompleted'`).length, 0, 'reopened: gone');
  t.same(eventsOf(app, 'activity.task_completed').map((e) => e.action), ['created', 'deleted']);
  // The seeded completed tasks each have theirs.
  const seededDone = CS.leads.flatMap((l) => (l.tasks ?? []).filter((x) => x.is_complete).map((x) => x.id)).sort();
  t.same(rows(app, `SELECT task_id FROM close_recorded_activities WHERE org_id = ? AND type = 'TaskCompleted' ORDER BY task_id`, closeOrg(app)).map((r) => r.task_id), seededDone);
  // Bulk: every incomplete task of the lead.
  const bulk = await app.inject({ method: 'PUT', url: `${API}/task/?lead_id=${Q2!.id}`, headers: closeAuth(), payload: { is_complete: true } });
  t.equal(bulk.statusCode, 200);
  const tasks = rows(app, `SELECT id FROM close_tasks WHERE org_id = ? AND lead_id = ? ORDER BY id`, closeOrg(app), Q2!.id).map((r) => r.id);
  t.same(recorded(app, `type = 'TaskCompleted'`).map((r) => r.task_id).sort(), tasks);
});

t.test('POST /lead/ records a Created activity (source api); it is listed, found by _type, and cannot be deleted', async (t) => {
  const app = await build(t);
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Fresh Co', status_id: POTENTIAL.id } })).json() as Obj;
  const [row, ...more] = recorded(app, `lead_id = ?`, lead.id);
  t.equal(more.length, 0, 'a Created, and no status change');
  t.equal(row!.type, 'Created');
  t.match(data(await call(app, { path: `/activity/created/?lead_id=${lead.id}` })), [{ id: row!.id, _type: 'Created', source: 'api', user_id: admin!.id }]);
  t.same(data(await call(app, { path: `/activity/?lead_id=${lead.id}&_type=Created&_fields=id,_type` })), [{ id: row!.id, _type: 'Created' }]);
  t.same(eventsOf(app, 'activity.created'), [], 'Close lists no event for Created activities');
  isFieldError(t, await call(app, { method: 'DELETE', path: `/activity/${row!.id}/` }), 'id');
  t.equal((await call(app, { method: 'DELETE', path: `/activity/created/${row!.id}/` })).statusCode, 404, 'no DELETE route (Close has none)');
});

t.test('POST /activity/status_change/{lead,opportunity}/ imports a historical change without changing the status; bad references are 400s naming them', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/activity/status_change/lead/', payload: {
    lead_id: Q1!.id, old_status_id: POTENTIAL.id, new_status_id: QUALIFIED.id, date_created: '2024-03-01T10:00:00Z',
  } });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { _type: 'LeadStatusChange', old_status_label: 'Potential', new_status_label: 'Qualified', date_created: '2024-03-01T10:00:00.000000+00:00' });
  t.equal(rows(app, `SELECT status_id FROM close_leads WHERE org_id = ? AND id = ?`, closeOrg(app), Q1!.id)[0]!.status_id, QUALIFIED.id, 'unchanged');
  const opp = await call(app, { method: 'POST', path: '/activity/status_change/opportunity/', payload: { opportunity_id: OPP.id, new_status_id: oppStatus('Lost').id } });
  t.equal(opp.statusCode, 200, opp.body);
  t.match(opp.json(), { opportunity_id: OPP.id, lead_id: OPP_LEAD.id, old_status_id: null, new_status_label: 'Lost', new_status_type: 'lost' });
  t.same(eventsOf(app, 'activity.opportunity_status_change').map((e) => e.action), ['created']);
  const state = closeState(app);
  const bad: Array<[string, Obj, string]> = [
    ['lead', { lead_id: 'lead_nope', new_status_id: QUALIFIED.id }, 'lead_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: 'stat_nope' }, 'new_status_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: QUALIFIED.id, old_status_id: 'stat_nope' }, 'old_status_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: QUALIFIED.id, old_status_id: QUALIFIED.id }, 'old_status_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: oppStatus('Won').id }, 'new_status_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: QUALIFIED.id, user_id: 'user_nope' }, 'user_id'],
    ['lead', { lead_id: Q1!.id, new_status_id: QUALIFIED.id, date_created: 'yesterday' }, 'date_created'],
    ['lead', { new_status_id: QUALIFIED.id }, 'lead_id'],
    ['opportunity', { opportunity_id: 'oppo_nope', new_status_id: oppStatus('Won').id }, 'opportunity_id'],
    ['opportunity', { opportunity_id: OPP.id, new_status_id: QUALIFIED.id }, 'new_status_id'],
    ['opportunity', { opportunity_id: OPP.id, lead_id: Q2!.id, new_status_id: oppStatus('Won').id }, 'lead_id'],
  ];
  for (const [kind, payload, field] of bad) isFieldError(t, await call(app, { method: 'POST', path: `/activity/status_change/${kind}/`, payload }), field);
  t.equal(closeState(app), state, 'nothing written');
});

t.test('the lists filter by every documented parameter; get and delete answer 404 for another type or an unknown id', async (t) => {
  const app = await build(t, { freezeAt: Date.parse('2026-12-01T12:00:00Z') });
  await call(app, { method: 'PUT', path: `/lead/${Q1!.id}/`, payload: { status_id: CUSTOMER.id } });
  app.clock.advance(3600_000);
  await call(app, { method: 'PUT', path: `/lead/${Q2!.id}/`, payload: { status_id: POTENTIAL.id } });
  const [a, b] = recorded(app, `type = 'LeadStatusChange'`).map((r) => r.id as string);
  const ids = async (qs: string) => data(await call(app, { path: `/activity/status_change/lead/?${qs}` })).map((x) => x.id);
  t.same(await ids(''), [b, a], 'newest first');
  t.same(await ids(`lead_id=${Q1!.id}`), [a]);
  t.same(await ids(`id__in=${a},${b}`), [b, a]);
  t.same(await ids(`user_id=${admin!.id}`), [b, a]);
  t.same(await ids(`user_id=user_nope`), []);
  t.same(await ids(`contact_id=cont_nope`), []);
  t.same(await ids(`organization_id=${closeOrg(app)}`), [b, a]);
  t.same(await ids('_type=LeadStatusChange'), [b, a]);
  t.same(await ids('date_created__gt=2026-12-01T12:30:00Z'), [b]);
  t.same(await ids('date_created__lt=2026-12-01T12:30:00Z'), [a]);
  t.same(await ids('activity_at__gte=2026-12-01T12:30:00Z'), [b]);
  t.same(await ids('_limit=1&_skip=1'), [a]);
  t.same(data(await call(app, { path: `/activity/status_change/lead/?_fields=id,new_status_label&lead_id=${Q2!.id}` })), [{ id: b, new_status_label: 'Potential' }]);
  t.same(data(await call(app, { path: `/activity/?_type=LeadStatusChange&_fields=id` })).map((x) => x.id), [b, a], 'in /activity/ by _type');
  isFieldError(t, await call(app, { path: '/activity/status_change/lead/?_type=Note' }), '_type');
  isFieldError(t, await call(app, { path: '/activity/status_change/lead/?date_created__gt=soon' }), 'date_created__gt');
  isFieldError(t, await call(app, { path: '/activity/status_change/lead/?_limit=201' }), '_limit');
  isError(t, await call(app, { path: `/activity/status_change/opportunity/${a}/` }), 404);
  isError(t, await call(app, { path: `/activity/task_completed/${a}/` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/activity/status_change/opportunity/${a}/` }), 404);
  isError(t, await call(app, { path: '/activity/created/acti_nope/' }), 404);
  t.same((await call(app, { path: `/activity/${a}/?_fields=_type` })).json(), { _type: 'LeadStatusChange' });
  // Deleting one leaves the status as it is, with its own event.
  t.equal((await call(app, { method: 'DELETE', path: `/activity/status_change/lead/${a}/` })).statusCode, 200);
  t.same(recorded(app, `id = ?`, a), []);
  t.equal(rows(app, `SELECT status_id FROM close_leads WHERE org_id = ? AND id = ?`, closeOrg(app), Q1!.id)[0]!.status_id, CUSTOMER.id);
  t.same(eventsOf(app, 'activity.lead_status_change').map((e) => [e.object_id, e.action]), [[a, 'created'], [b, 'created'], [a, 'deleted']]);
});

t.test('a lead delete takes its recorded activities along, each with its deleted event (Created ones none)', async (t) => {
  const app = await build(t);
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Short-lived', status_id: POTENTIAL.id } })).json() as Obj;
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { status_id: CUSTOMER.id } });
  t.equal(recorded(app, `lead_id = ?`, lead.id).length, 2);
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` })).statusCode, 200);
  t.same(recorded(app, `lead_id = ?`, lead.id), []);
  t.same(eventsOf(app, 'activity.lead_status_change').map((e) => e.action), ['created', 'deleted']);
});

t.test('a bulk delete of leads takes their recorded activities along, with their deleted events', async (t) => {
  const app = await build(t);
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Bulk-deleted', status_id: POTENTIAL.id } })).json() as Obj;
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { status_id: QUALIFIED.id } });
  const task = (await call(app, { method: 'POST', path: '/task/', payload: { lead_id: lead.id, text: 'Done already', is_complete: true } })).json() as Obj;
  t.same(recorded(app, `lead_id = ?`, lead.id).map((r) => r.type).sort(), ['Created', 'LeadStatusChange', 'TaskCompleted']);
  t.equal(recorded(app, `task_id = ?`, task.id).length, 1, 'a task created complete records its completion');
  const del = await createAction(app, 'delete', { bulk_object_type: 'lead', s_query: leadsQuery(lead.id as string) }, 'close-resources-key');
  t.equal(del.statusCode, 200, del.body);
  await runActionToEnd(app, 'delete', del.json().id, 'close-resources-key');
  t.same(recorded(app, `lead_id = ?`, lead.id), []);
  t.same(eventsOf(app, 'activity.task_completed').map((e) => e.action), ['created', 'deleted']);
  t.same(eventsOf(app, 'activity.lead_status_change').map((e) => e.action), ['created', 'deleted']);
});

t.test("a lead merge moves the source's recorded activities to the destination", async (t) => {
  const app = await build(t);
  const source = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Merged away', status_id: POTENTIAL.id } })).json() as Obj;
  await call(app, { method: 'PUT', path: `/lead/${source.id}/`, payload: { status_id: CUSTOMER.id } });
  const ids = recorded(app, `lead_id = ?`, source.id).map((r) => r.id);
  t.equal(ids.length, 2);
  const res = await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: Q2!.id } });
  t.equal(res.statusCode, 200, res.body);
  t.same(recorded(app, `lead_id = ?`, Q2!.id).map((r) => r.id).sort(), [...ids].sort());
  const [change] = recorded(app, `lead_id = ? AND type = 'LeadStatusChange'`, Q2!.id);
  t.same(data(await call(app, { path: `/activity/status_change/lead/?lead_id=${Q2!.id}&_fields=id` })), [{ id: change!.id }], 'listed under the destination');
});
