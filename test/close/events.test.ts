import t from 'tap';
import { build, shareApps } from '../helper.js';
import { SEEDED_LEAD, call, closeState, isFieldError } from './helper.js';
import { advance, createLead, events, freeze, type Ev } from './events-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

/** A lead as its events show it: as GET answers it, less its nested contacts and opportunities (they have their own events). */
const asEvent = ({ contacts: _c, opportunities: _o, ...lead }: Record<string, unknown>) => lead;

t.test('creating a lead with a contact records both created events: data as GET answers (less nested children), one request id, meta, user and key', async (t) => {
  const app = await build(t);
  await freeze(app);
  const lead = await createLead(app, { name: 'Acme', contacts: [{ name: 'Ann' }] });
  const { data, cursor_next, cursor_previous } = await events(app, `lead_id=${lead.id}`);
  t.equal(data.length, 2);
  t.same([cursor_next, cursor_previous], [null, null]);
  const [contact, created] = data as [Ev, Ev];
  t.match(created, {
    object_type: 'lead', object_id: lead.id, lead_id: lead.id, action: 'created', changed_fields: [], previous_data: null,
    meta: { request_method: 'POST', request_path: '/api/v1/lead/' }, user_id: lead.created_by,
    date_created: '2026-11-02T20:00:00.000000', date_updated: '2026-11-02T20:00:00.000000',
  });
  t.match(created.id, /^ev_[0-9A-Za-z]{22}$/);
  t.match(created.request_id, /^req_[0-9A-Za-z]{22}$/);
  t.match(created.api_key_id, /^api_[0-9A-Za-z]{22}$/);
  t.same(created.data, asEvent((await call(app, { path: `/lead/${lead.id}/` })).json()), 'data is the lead as GET answers it, without contacts and opportunities');
  t.match(contact, { object_type: 'contact', object_id: lead.contacts[0]!.id, lead_id: lead.id, action: 'created', request_id: created.request_id });
  t.same(contact.data, (await call(app, { path: `/contact/${lead.contacts[0]!.id}/` })).json());
  t.same((await call(app, { path: `/event/${created.id}/` })).json(), created, 'GET /event/{id}/ answers the same event');
  const other = await createLead(app, { name: 'Other' });
  const [second] = (await events(app, `lead_id=${other.id}`)).data;
  t.not(second!.request_id, created.request_id, 'another request, another request id');
  t.equal(second!.api_key_id, created.api_key_id, 'the same key, the same api_key_id');
});

t.test('an update records the changed fields, their old values and the new object; updates within 5 s consolidate, later ones do not', async (t) => {
  const app = await build(t);
  await freeze(app);
  const lead = await createLead(app);
  const before = (await call(app, { path: `/lead/${lead.id}/` })).json();
  await advance(app, '1s');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'Acme 2' } });
  const first = (await events(app, `object_id=${lead.id}&action=updated`)).data;
  t.equal(first.length, 1);
  t.same(first[0]!.changed_fields, ['date_updated', 'display_name', 'name']);
  t.same(first[0]!.previous_data, { date_updated: before.date_updated, display_name: 'Acme', name: 'Acme' });
  t.same(first[0]!.data, asEvent((await call(app, { path: `/lead/${lead.id}/` })).json()));
  t.match(first[0]!.meta, { request_method: 'PUT', request_path: `/api/v1/lead/${lead.id}/` });

  await advance(app, '3s');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { description: 'big' } });
  const merged = (await events(app, `object_id=${lead.id}&action=updated`)).data;
  t.equal(merged.length, 1, 'consolidated into the first');
  t.equal(merged[0]!.id, first[0]!.id);
  t.same(merged[0]!.changed_fields, ['date_updated', 'description', 'display_name', 'name']);
  t.same(merged[0]!.previous_data, { date_updated: before.date_updated, description: null, display_name: 'Acme', name: 'Acme' }, 'the first old values');
  t.equal(merged[0]!.date_created, '2026-11-02T20:00:01.000000');
  t.equal(merged[0]!.date_updated, '2026-11-02T20:00:04.000000');
  t.same(merged[0]!.data, asEvent((await call(app, { path: `/lead/${lead.id}/` })).json()));

  await advance(app, '6s');
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { url: 'https://acme.test' } });
  const later = (await events(app, `object_id=${lead.id}&action=updated`)).data;
  t.equal(later.length, 2, 'past the window: a new event');
  t.same(later[0]!.changed_fields, ['date_updated', 'url']);

  const same = await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: {} });
  t.equal(same.statusCode, 200);
  t.equal((await events(app, `lead_id=${lead.id}`)).data.length, 3, 'an update that changes nothing but date_updated consolidates (no new event)');
});

t.test('deleting a lead records deleted events for it and its contacts, opportunities, activities and tasks, in one request', async (t) => {
  const app = await build(t);
  const lead = (await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json();
  const tasks = (await call(app, { path: `/task/?lead_id=${lead.id}` })).json().data;
  const activities = (await call(app, { path: `/activity/?lead_id=${lead.id}` })).json().data;
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` })).statusCode, 200);
  const { data } = await events(app, `lead_id=${lead.id}`);
  t.equal(data.length, 1 + lead.contacts.length + lead.opportunities.length + tasks.length + activities.length);
  t.ok(data.every((e) => e.action === 'deleted' && e.data === null && e.lead_id === lead.id && e.request_id === data[0]!.request_id));
  t.same(data[0]!.previous_data, asEvent(lead), 'the lead, newest: every field before but its nested contacts and opportunities');
  t.equal(data[0]!.object_type, 'lead');
  const byId = new Map(data.map((e) => [e.object_id, e]));
  for (const c of lead.contacts) t.same(byId.get(c.id)?.previous_data, c, `contact ${c.id}`);
  for (const o of lead.opportunities) t.same(byId.get(o.id)?.previous_data, o, `opportunity ${o.id}`);
  for (const x of tasks) t.match(byId.get(x.id), { object_type: 'task.lead', previous_data: x });
  for (const a of activities) t.ok(byId.get(a.id)?.object_type.startsWith('activity.'), `activity ${a.id}`);
});

t.test('other resources record their events: contact, opportunity, task, custom activity, status, pipeline, custom field, template, unsubscribe', async (t) => {
  const app = await build(t);
  const contact = (await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: SEEDED_LEAD.id, name: 'Bo' } })).json();
  await call(app, { method: 'PUT', path: `/contact/${contact.id}/`, payload: { title: 'CEO' } });
  await call(app, { method: 'DELETE', path: `/contact/${contact.id}/` });
  t.same((await events(app, `object_type=contact&object_id=${contact.id}`)).data.map((e) => e.action), ['deleted', 'updated', 'created']);
  const task = (await call(app, { method: 'POST', path: '/task/', payload: { lead_id: SEEDED_LEAD.id, text: 'Call' } })).json();
  await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { is_complete: true } });
  const tev = (await events(app, `object_type=task.lead&object_id=${task.id}`)).data;
  t.same(tev.map((e) => e.action), ['updated', 'created']);
  t.ok(tev[0]!.changed_fields.includes('is_complete'));
  const status = await call(app, { method: 'POST', path: '/status/lead/', payload: { label: 'Warm' } });
  t.equal((await events(app, `object_type=status.lead&object_id=${status.json().id}`)).data[0]?.action, 'created');
  const field = await call(app, { method: 'POST', path: '/custom_field/contact/', payload: { name: 'Shoe', type: 'text' } });
  t.equal((await events(app, `object_type=custom_fields.contact&object_id=${field.json().id}`)).data[0]?.action, 'created');
  await call(app, { method: 'POST', path: '/unsubscribe/email/', payload: { email: 'Gone@Example.com' } });
  await call(app, { method: 'DELETE', path: '/unsubscribe/email/gone@example.com/' });
  t.same((await events(app, 'object_type=unsubscribed_email&object_id=gone@example.com')).data.map((e) => e.action), ['deleted', 'created']);
  const template = (await call(app, { method: 'POST', path: '/email_template/', payload: { name: 'Hi', subject: 's', body: 'b' } })).json();
  t.equal((await events(app, `object_type=email_template&object_id=${template.id}`)).data.length, 1);
});

t.test('a rejected write records no event', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { status_id: 'stat_nope' } }), 'status_id');
  t.equal(closeState(app), before, 'nothing changed, close_events included');
  t.same((await events(app)).data, []);
});

t.test('listeners see each event inside the write; withContext adds meta', async (t) => {
  const app = await build(t);
  const seen: [string, string][] = [];
  app.closeStore.events.listeners.push((_org, e, how) => seen.push([e.object_type, how]));
  t.teardown(() => void app.closeStore.events.listeners.pop());
  await freeze(app);
  const lead = await createLead(app);
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'x' } });
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'y' } });
  t.same(seen, [['lead', 'created'], ['lead', 'created'], ['lead', 'consolidated']]);
  const org = app.tenants.resolve('close-resources-key').id;
  const ev = app.tenants.run(org, () => app.closeStore.events.withContext({ meta: { bulk_action_id: 'bulk_1' } }, () =>
    app.closeStore.db.transaction(() => app.closeStore.events.record(org, {
      object_type: 'lead', object_id: lead.id, lead_id: lead.id, action: 'deleted', previous_data: { id: lead.id }, data: null,
    }))()));
  t.match(ev, { meta: { bulk_action_id: 'bulk_1' }, request_id: null, user_id: null, action: 'deleted', data: null });
});

t.test('a failure between a write and its events rolls the write back with them', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  app.closeStore.events.crashPoint = () => {
    throw new Error('boom');
  };
  t.teardown(() => {
    app.closeStore.events.crashPoint = () => app.emulator.crash.reach('close-event-before-record');
  });
  const res = await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { name: 'Lost' } });
  t.equal(res.statusCode, 500);
  t.equal(closeState(app), before, 'no change and no event');
});

t.test('EVENT_WINDOW_MS=0 never consolidates', async (t) => {
  const app = await build(t, { eventWindowMs: 0 });
  await freeze(app);
  const lead = await createLead(app);
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'x' } });
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'y' } });
  t.same((await events(app, `object_id=${lead.id}&action=updated`)).data.map((e) => e.data!['name']), ['y', 'x']);
});

t.test('adding or removing a contact also records the lead updated (contact_ids); editing one does not', async (t) => {
  const app = await build(t, { eventWindowMs: 0 });
  const lead = await createLead(app);
  const contact = (await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: lead.id, name: 'Bo' } })).json();
  const added = (await events(app, `lead_id=${lead.id}`)).data;
  t.same(added.map((e) => [e.object_type, e.action]), [['lead', 'updated'], ['contact', 'created'], ['lead', 'created']]);
  t.ok(added[0]!.changed_fields.includes('contact_ids'));
  t.same(added[0]!.previous_data!['contact_ids'], []);
  t.same(added[0]!.data!['contact_ids'], [contact.id]);
  t.equal(added[0]!.request_id, added[1]!.request_id, 'one request');
  await call(app, { method: 'PUT', path: `/contact/${contact.id}/`, payload: { title: 'CTO' } });
  t.same((await events(app, `lead_id=${lead.id}&object_type=lead`)).data.length, 2, 'no lead event for a contact edit');
  await call(app, { method: 'DELETE', path: `/contact/${contact.id}/` });
  const removed = (await events(app, `lead_id=${lead.id}`)).data;
  t.same(removed.slice(0, 2).map((e) => [e.object_type, e.action]), [['lead', 'updated'], ['contact', 'deleted']]);
  t.same(removed[0]!.data!['contact_ids'], []);
});

t.test('PUT /task/ records one updated event per task it changes, all with its request id', async (t) => {
  const app = await build(t);
  const tasks = (await call(app, { path: `/task/?lead_id=${SEEDED_LEAD.id}` })).json().data as { id: string; is_complete: boolean }[];
  const open = tasks.filter((x) => !x.is_complete);
  t.ok(open.length > 0);
  t.equal((await call(app, { method: 'PUT', path: `/task/?lead_id=${SEEDED_LEAD.id}&is_complete=false`, payload: { is_complete: true } })).statusCode, 200);
  const { data } = await events(app, `lead_id=${SEEDED_LEAD.id}&object_type=task.lead&action=updated`);
  t.same(data.map((e) => e.object_id).sort(), open.map((x) => x.id).sort());
  t.ok(data.every((e) => e.request_id === data[0]!.request_id && e.changed_fields.includes('is_complete') && e.previous_data!['is_complete'] === false));
});

t.test('custom activities, opportunities, pipelines and opportunity statuses record created, updated and deleted', async (t) => {
  const app = await build(t);
  const types = (await call(app, { path: '/custom_activity/' })).json().data as { id: string }[];
  const act = await call(app, { method: 'POST', path: '/activity/custom/', payload: { lead_id: SEEDED_LEAD.id, custom_activity_type_id: types[0]!.id } });
  t.equal(act.statusCode, 200, act.body);
  await call(app, { method: 'DELETE', path: `/activity/${act.json().id}/` });
  t.same((await events(app, `object_type=activity.custom_activity&object_id=${act.json().id}`)).data.map((e) => e.action), ['deleted', 'created']);
  const opp = (await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, value: 100 } })).json();
  await call(app, { method: 'PUT', path: `/opportunity/${opp.id}/`, payload: { confidence: 50 } });
  const oev = (await events(app, `lead_id=${SEEDED_LEAD.id}&object_type=opportunity`)).data;
  t.same(oev.map((e) => e.action), ['updated', 'created']);
  t.same(oev[0]!.data, (await call(app, { path: `/opportunity/${opp.id}/` })).json());
  const pipe = (await call(app, { method: 'POST', path: '/pipeline/', payload: { name: 'P' } })).json();
  await call(app, { method: 'PUT', path: `/pipeline/${pipe.id}/`, payload: { name: 'Q' } });
  await call(app, { method: 'DELETE', path: `/pipeline/${pipe.id}/` });
  const pev = (await events(app, `object_type=pipeline&object_id=${pipe.id}`)).data;
  t.same(pev.map((e) => e.action), ['deleted', 'updated', 'created']);
  t.same(pev[1]!.previous_data, { name: 'P' });
});

t.test("a non-admin key loses data and previous_data on events over 1 hour old; an admin key keeps them", async (t) => {
  const app = await build(t);
  await freeze(app);
  const lead = await createLead(app);
  const [ev] = (await events(app, `lead_id=${lead.id}`)).data;
  await advance(app, '61m');
  t.ok('data' in (await events(app, `lead_id=${lead.id}`)).data[0]!, 'the admin still sees data');
  const org = app.tenants.resolve('close-resources-key').id;
  app.tenants.db(org).prepare(`UPDATE close_users SET role_id = 'user' WHERE org_id = ? AND id = ?`).run(org, ev!.user_id);
  const hidden = (await events(app, `lead_id=${lead.id}`)).data[0]!;
  t.notOk('data' in hidden || 'previous_data' in hidden, 'no data, no previous_data');
  t.equal(hidden.id, ev!.id);
  t.notOk('data' in (await call(app, { path: `/event/${ev!.id}/` })).json());
  const fresh = await createLead(app, { name: 'Fresh' });
  t.ok('data' in (await events(app, `lead_id=${fresh.id}`)).data[0]!, 'a recent event keeps them');
});
