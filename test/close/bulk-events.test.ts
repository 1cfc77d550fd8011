import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from './seed-ids.js';
import { createAction, runActionToEnd } from './bulk-helper.js';
import type { Ev } from './events-helper.js';

// What bulk actions write to Close's event log: each object's event in the batch that changed it, with
// meta.bulk_action_id, the creator as user_id and no request; and the bulk action's own events.
shareApps(t);

const close = seed.close!;
const leads = close.leads.slice(0, 3).map((l) => l.id);
/** Every event of the organization, oldest first (read from its database: the API pages 50 at a time). */
const allEvents = (app: FastifyInstance, key = 'close-key'): Ev[] => {
  const org = orgOf(app, key);
  return (app.tenants.db(org).prepare(`SELECT id FROM close_events WHERE org_id = ? ORDER BY seq`).pluck().all(org) as string[])
    .map((id) => app.tenants.run(org, () => app.closeStore.events.get(org, id)) as unknown as Ev);
};
const api = async (app: FastifyInstance, path: string) => (await app.inject({ url: `/api/v1${path}`, headers: basic() })).json();

t.test('a bulk edit records each lead\'s updated event with meta.bulk_action_id, and its own created / completed', async (t) => {
  const app = await build(t);
  const res = await createAction(app, 'edit', { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...leads), send_done_email: false });
  const id = res.json().id as string;
  await runActionToEnd(app, 'edit', id);
  const events = allEvents(app);
  const own = events.filter((e) => e.object_id === id);
  t.equal(own[0]!.object_type, 'bulk_action.edit');
  t.equal(own[0]!.action, 'created');
  t.match(own[0]!, { request_id: /^req_/, meta: { request_method: 'POST', request_path: '/api/v1/bulk_action/edit/' } }, 'created by the API request');
  t.equal(own.at(-1)!.action, 'completed');
  t.match(own.at(-1)!.data, { id, status: 'done', n_leads_processed: 3 });
  t.equal(own.at(-1)!.meta.bulk_action_id, id);

  const updates = events.filter((e) => e.object_type === 'lead' && e.action === 'updated');
  t.same(updates.map((e) => e.object_id).sort(), [...leads].sort(), 'one updated event per lead');
  for (const e of updates) {
    t.equal(e.meta.bulk_action_id, id);
    t.equal(e.user_id, close.users[0]!.id, 'the creator');
    t.equal(e.request_id, null, 'no request: the background worker');
    t.ok(e.changed_fields.includes('status_id'), 'status_id changed');
    t.equal(e.previous_data!.status_id !== CLOSE.status.customer, true, 'previous_data has the old status');
    const { contacts: _c, opportunities: _o, ...lead } = await api(app, `/lead/${e.object_id}/`);
    t.same(e.data, lead, 'data is GET\'s answer, less the nested contacts and opportunities');
  }
  const listed = await api(app, `/event/?object_type=lead&action=updated`);
  t.same(listed.data.map((e: Ev) => e.meta.bulk_action_id), leads.map(() => id), 'the event log API shows them');
});

t.test('a bulk delete records each lead\'s deleted event and its children\'s, all with meta.bulk_action_id', async (t) => {
  const app = await build(t);
  const contacts = close.leads.slice(0, 3).flatMap((l) => l.contacts.map((c) => c.id));
  const { id } = (await createAction(app, 'delete', { s_query: leadsQuery(...leads) })).json();
  await runActionToEnd(app, 'delete', id);
  const deleted = allEvents(app).filter((e) => e.action === 'deleted');
  t.same(deleted.filter((e) => e.object_type === 'lead').map((e) => e.object_id).sort(), [...leads].sort());
  t.same(deleted.filter((e) => e.object_type === 'contact').map((e) => e.object_id).sort(), [...contacts].sort(), 'and their contacts');
  for (const e of deleted) {
    t.equal(e.meta.bulk_action_id, id, `${e.object_type} ${e.object_id}`);
    t.equal(e.data, null);
    t.ok(e.previous_data && Object.keys(e.previous_data).length > 5, 'previous_data: all fields');
  }
  const byLead = await api(app, `/event/?lead_id=${leads[0]}&object_type=lead`);
  t.match(byLead.data, [{ action: 'deleted', meta: { bulk_action_id: id } }], "Close's script: object_type=lead, action=deleted, meta.bulk_action_id");
});

t.test('a bulk email records each email\'s created event; a bulk sequence subscription each subscription\'s', async (t) => {
  const app = await build(t);
  const template = close.email_templates![1]!.id;
  const mail = (await createAction(app, 'email', { template_id: template, s_query: leadsQuery(leads[0]!), contact_preference: 'contact' })).json();
  await runActionToEnd(app, 'email', mail.id);
  const emails = allEvents(app).filter((e) => e.object_type === 'activity.email');
  const stored = app.tenants.db(orgOf(app, 'close-key')).prepare(`SELECT id FROM close_email_activities WHERE bulk_action_id = ?`).pluck().all(mail.id) as string[];
  t.same(emails.map((e) => e.object_id).sort(), [...stored].sort(), 'one created event per email');
  t.ok(emails.every((e) => e.action === 'created' && e.meta.bulk_action_id === mail.id && e.lead_id === leads[0]));

  const account = close.connected_accounts![0]!;
  const sub = (await createAction(app, 'sequence_subscription', {
    action_type: 'subscribe', sequence_id: close.sequences![1]!.id, sender_account_id: account.id, sender_name: 'K', sender_email: account.email,
    contact_preference: 'contact', s_query: leadsQuery(leads[0]!),
  })).json();
  await runActionToEnd(app, 'sequence_subscription', sub.id);
  const created = allEvents(app).filter((e) => e.object_type === 'sequence_subscription' && e.action === 'created');
  t.equal(created.length, close.leads[0]!.contacts.length);
  t.ok(created.every((e) => e.meta.bulk_action_id === sub.id));

  const pause = (await createAction(app, 'sequence_subscription', { action_type: 'pause', sequence_id: close.sequences![1]!.id, s_query: leadsQuery(leads[0]!) })).json();
  await runActionToEnd(app, 'sequence_subscription', pause.id);
  const paused = allEvents(app).filter((e) => e.object_type === 'sequence_subscription' && e.action === 'updated' && e.meta.bulk_action_id === pause.id);
  t.equal(paused.length, created.length, 'each subscription paused: its updated event');
  t.ok(paused.every((e) => e.changed_fields.includes('status') && e.data!.status === 'paused'));
});

t.test('pausing a bulk action through the API records its paused event', async (t) => {
  const app = await build(t);
  const { id } = (await createAction(app, 'delete', { s_query: leadsQuery(...leads) })).json();
  const put = await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/delete/${id}/`, headers: basic(), payload: { status: 'paused' } });
  t.equal(put.statusCode, 200);
  t.match(allEvents(app).filter((e) => e.object_id === id).map((e) => [e.object_type, e.action]), [['bulk_action.delete', 'created'], ['bulk_action.delete', 'paused']]);
});
