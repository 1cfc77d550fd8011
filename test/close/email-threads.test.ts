import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

type Obj = Record<string, unknown>;
const admin = CS.users[0]!;
const LEAD = CS.leads.find((l) => l.contacts.some((c) => c.emails.length > 0))!;
const CONTACT = LEAD.contacts.find((c) => c.emails.length > 0)!;
const OTHER_LEAD = CS.leads.find((l) => l.id !== LEAD.id)!;
const TEMPLATE = CS.email_templates![0]!;
const NOW = Date.parse('2026-12-01T12:00:00Z');

const emailRow = (app: Parameters<typeof call>[0], id: string) =>
  rows(app, `SELECT * FROM close_email_activities WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];
const post = (app: Parameters<typeof call>[0], payload: Obj) => call(app, { method: 'POST', path: '/activity/email/', payload: { lead_id: LEAD.id, ...payload } });
const eventsOf = (app: Parameters<typeof call>[0], objectType: string) =>
  rows(app, `SELECT object_id, action FROM close_events WHERE org_id = ? AND object_type = ? ORDER BY seq`, closeOrg(app), objectType)
    .map((e) => [e.object_id, e.action]);

t.test('POST /activity/email/ logs a sent email (sender defaulting to the user), a received one, and a draft; each starts its own thread', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const sent = await post(app, { status: 'sent', contact_id: CONTACT.id, to: [CONTACT.emails[0]!.email], subject: 'Hello', body_text: 'Hi there' });
  t.equal(sent.statusCode, 200, sent.body);
  const s = sent.json() as Obj;
  t.match(s, {
    _type: 'Email', lead_id: LEAD.id, contact_id: CONTACT.id, user_id: admin.id, status: 'sent', direction: 'outgoing', sender: admin.email,
    subject: 'Hello', body_text: 'Hi there', body_html: null, date_sent: s.date_created, thread_id: s.id, in_reply_to_id: null,
  });
  t.match(emailRow(app, s.id as string), { status: 'sent', sender: admin.email, thread_id: null, to_addrs: JSON.stringify([CONTACT.emails[0]!.email]) });
  const inbox = (await post(app, { status: 'inbox', sender: '"Ann Lee" <ann@example.com>', to: [admin.email], subject: 'Re: Hello', in_reply_to_id: s.id })).json() as Obj;
  t.match(inbox, { status: 'inbox', direction: 'incoming', thread_id: s.id, in_reply_to_id: s.id });
  const draft = (await post(app, { status: 'draft', template_id: TEMPLATE.id, contact_id: CONTACT.id })).json() as Obj;
  t.match(draft, { status: 'draft', template_id: TEMPLATE.id, thread_id: draft.id, date_sent: null });
  t.ok((draft.body_html as string).length > 0, 'the template rendered, as no body was sent');
  t.notMatch(draft.body_html as string, /\{\{/, 'its variables filled');
  t.same(eventsOf(app, 'activity.email').map((e) => e[1]), ['created', 'created', 'created']);
  t.same(eventsOf(app, 'activity.email_thread'), [[s.id, 'created'], [s.id, 'updated'], [draft.id, 'created']]);
});

t.test('outbox sends after send_in seconds, scheduled at date_scheduled; a draft is edited, sent, and a scheduled one cancelled back to draft', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const out = (await post(app, { status: 'outbox', sender: admin.email, to: ['x@example.com'], subject: 'Now', send_in: 30 })).json() as Obj;
  t.equal(out.status, 'outbox');
  app.clock.advance(30_000);
  t.match((await call(app, { path: `/activity/email/${out.id}/` })).json(), { status: 'sent', date_sent: '2026-12-01T12:00:30.000000+00:00' });
  const draft = (await post(app, { status: 'draft', to: ['y@example.com'], subject: 'Draft' })).json() as Obj;
  const edited = await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { subject: 'Final', body_text: 'Done' } });
  t.match(edited.json(), { status: 'draft', subject: 'Final', body_text: 'Done' });
  // Scheduling needs a sender and a date.
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'scheduled', date_scheduled: '2026-12-02T09:00:00Z' } }), 'sender');
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'scheduled', sender: admin.email } }), 'date_scheduled');
  const scheduled = await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'scheduled', sender: admin.email, date_scheduled: '2026-12-02T09:00:00Z' } });
  t.match(scheduled.json(), { status: 'scheduled', date_scheduled: '2026-12-02T09:00:00.000000+00:00', date_sent: null });
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { subject: 'Too late' } }), 'status');
  const cancelled = await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'draft' } });
  t.match(cancelled.json(), { status: 'draft', date_scheduled: null });
  t.match(emailRow(app, draft.id as string), { status: 'draft', send_at: null, subject: 'Final' });
  // Scheduled again and the clock passes its date: sent.
  await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'scheduled', date_scheduled: '2026-12-01T13:00:00Z' } });
  app.clock.advance(3600_000);
  t.match((await call(app, { path: `/activity/email/${draft.id}/` })).json(), { status: 'sent', date_sent: '2026-12-01T13:00:00.000000+00:00' });
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${out.id}/`, payload: { status: 'draft' } }), 'status');
});

t.test('POST and PUT /activity/email/ refuse bad input by name and write nothing', async (t) => {
  const app = await build(t);
  const draft = (await post(app, { status: 'draft' })).json() as Obj;
  const state = closeState(app);
  const bad: Array<[Obj, string]> = [
    [{ lead_id: 'lead_nope', status: 'sent' }, 'lead_id'],
    [{ status: 'delivered' }, 'status'],
    [{ status: 'inbox' }, 'sender'],
    [{ status: 'outbox', sender: admin.email, send_in: 60 }, 'send_in'],
    [{ status: 'sent', send_in: 5 }, 'send_in'],
    [{ status: 'sent', contact_id: OTHER_LEAD.contacts[0]?.id ?? 'cont_nope' }, 'contact_id'],
    [{ status: 'sent', user_id: 'user_nope' }, 'user_id'],
    [{ status: 'sent', template_id: 'tmpl_nope' }, 'template_id'],
    [{ status: 'sent', to: ['not an address'] }, 'to'],
    [{ status: 'sent', cc: ['a@b@c'] }, 'cc'],
    [{ status: 'sent', in_reply_to_id: 'acti_nope' }, 'in_reply_to_id'],
    [{ status: 'sent', attachments: [{ url: 'x' }] }, 'attachments'],
    [{ status: 'sent', date_created: 'soon' }, 'date_created'],
  ];
  for (const [payload, field] of bad) isFieldError(t, await post(app, payload), field);
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload: { status: 'inbox' } }), 'status');
  for (const [payload, field] of [[{ template_id: 'tmpl_nope' }, 'template_id'], [{ to: ['nobody'] }, 'to'], [{ in_reply_to_id: 'acti_nope' }, 'in_reply_to_id'],
    [{ status: 'outbox' }, 'sender'], [{ opens: [{}] }, 'opens']] as const) {
    isFieldError(t, await call(app, { method: 'PUT', path: `/activity/email/${draft.id}/`, payload }), field);
  }
  isError(t, await call(app, { method: 'PUT', path: '/activity/email/acti_nope/', payload: { subject: 'x' } }), 404);
  t.equal(closeState(app), state, 'nothing written');
});

t.test('GET /activity/emailthread/ groups a conversation, filters by the documented parameters; deleting a thread deletes its emails', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const first = (await post(app, { status: 'sent', contact_id: CONTACT.id, to: ['"Ann Lee" <Ann@Example.com>'], subject: 'Pricing' })).json() as Obj;
  app.clock.advance(60_000);
  const reply = (await post(app, { status: 'inbox', sender: 'ann@example.com', to: [admin.email], cc: ['bob@example.com'], subject: 'RE: Fwd: Pricing', in_reply_to_id: first.id })).json() as Obj;
  app.clock.advance(60_000);
  const other = (await call(app, { method: 'POST', path: '/activity/email/', payload: { lead_id: OTHER_LEAD.id, status: 'draft', subject: 'Elsewhere' } })).json() as Obj;
  const thread = (await call(app, { path: `/activity/emailthread/${first.id}/` })).json() as Obj;
  t.match(thread, {
    id: first.id, _type: 'EmailThread', lead_id: LEAD.id, contact_id: CONTACT.id, user_id: admin.id, n_emails: 2, latest_normalized_subject: 'Pricing',
    latest_email_id: reply.id, date_created: first.date_created, activity_at: reply.date_created,
    participants: [{ email: admin.email, name: '' }, { email: 'ann@example.com', name: 'Ann Lee' }, { email: 'bob@example.com', name: '' }],
  });
  t.same((thread.emails as Obj[]).map((e) => e.id), [reply.id, first.id], 'newest first');
  const ids = async (qs: string) => ((await call(app, { path: `/activity/emailthread/?${qs}` })).json() as { data: Obj[] }).data.map((x) => x.id);
  const seeded = rows(app, `SELECT COALESCE(thread_id, id) AS id FROM close_email_activities WHERE org_id = ? GROUP BY 1`, closeOrg(app)).length;
  t.equal((await ids('_limit=200')).length, seeded, 'one per conversation');
  t.same(await ids(`lead_id=${LEAD.id}&date_created__gte=2026-12-01T00:00:00Z`), [first.id]);
  t.same(await ids(`id__in=${first.id},${other.id}`), [other.id, first.id]);
  t.same(await ids(`contact_id=${CONTACT.id}&date_created__gte=2026-12-01T00:00:00Z`), [first.id]);
  t.same(await ids(`user_id=${admin.id}&activity_at__gt=2026-12-01T12:01:00Z`), [other.id]);
  t.same(await ids(`_type=EmailThread&id__in=${other.id}`), [other.id]);
  t.same(((await call(app, { path: `/activity/emailthread/?id__in=${first.id}&_fields=id,n_emails` })).json() as { data: Obj[] }).data, [{ id: first.id, n_emails: 2 }]);
  isFieldError(t, await call(app, { path: '/activity/emailthread/?_type=Email' }), '_type');
  isFieldError(t, await call(app, { path: '/activity/emailthread/?date_created__lt=later' }), 'date_created__lt');
  isError(t, await call(app, { path: '/activity/emailthread/acti_nope/' }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/activity/emailthread/acti_nope/' }), 404);
  // Deleting the first email keeps the thread (its id stays); deleting the thread takes the rest.
  t.equal((await call(app, { method: 'DELETE', path: `/activity/email/${first.id}/` })).statusCode, 200);
  t.match((await call(app, { path: `/activity/emailthread/${first.id}/` })).json(), { n_emails: 1, latest_email_id: reply.id });
  t.equal((await call(app, { method: 'DELETE', path: `/activity/emailthread/${first.id}/` })).statusCode, 200);
  t.same(rows(app, `SELECT id FROM close_email_activities WHERE org_id = ? AND id IN (?, ?)`, closeOrg(app), first.id, reply.id), []);
  t.equal(emailRow(app, other.id as string)!.id, other.id, 'other threads stay');
  t.same(eventsOf(app, 'activity.email_thread').slice(-2), [[first.id, 'updated'], [first.id, 'deleted']]);
  t.same(eventsOf(app, 'activity.email').slice(-2), [[first.id, 'deleted'], [reply.id, 'deleted']]);
});

t.test('a snapshot keeps threads, replies and recorded activities: restored, the answers and the export are the same bytes', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const first = (await post(app, { status: 'sent', to: ['ann@example.com'], subject: 'Kept' })).json() as Obj;
  await post(app, { status: 'inbox', sender: 'ann@example.com', subject: 'Re: Kept', in_reply_to_id: first.id });
  await call(app, { method: 'PUT', path: `/lead/${LEAD.id}/`, payload: { status_id: CS.lead_statuses.find((s) => s.id !== LEAD.status_id)!.id } });
  const reads = ['/activity/emailthread/?_limit=200', '/activity/email/?_limit=200', '/activity/status_change/lead/', '/activity/created/',
    '/activity/task_completed/', '/activity/status_change/opportunity/', `/activity/?lead_id=${LEAD.id}`];
  const answers = async () => Promise.all(reads.map(async (path) => (await call(app, { path })).body));
  const before = await answers();
  const org = closeOrg(app);
  const snap = await app.inject({ url: `/_mock/orgs/${org}/snapshot` });
  t.equal(snap.statusCode, 200);
  await call(app, { method: 'DELETE', path: `/activity/emailthread/${first.id}/` });
  await call(app, { method: 'DELETE', path: `/lead/${LEAD.id}/` });
  t.not((await answers()).join(), before.join());
  t.equal((await app.inject({ method: 'PUT', url: `/_mock/orgs/${org}/snapshot`, payload: snap.json() })).statusCode, 200);
  t.same(await answers(), before, 'the same bytes');
  t.equal((await app.inject({ url: `/_mock/orgs/${org}/snapshot` })).body, snap.body, 'the export too');
});

t.test('a dataset naming a recorded activity of an unknown type or an opportunity of another lead is refused by path', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const snap = (await app.inject({ url: `/_mock/orgs/${org}/snapshot` })).json() as { close: { leads: Array<Obj & { recorded_activities?: Obj[] }> } };
  const i = snap.close.leads.findIndex((l) => (l.recorded_activities ?? []).length > 0);
  const lead = snap.close.leads[i]!;
  const put = (body: unknown) => app.inject({ method: 'PUT', url: `/_mock/orgs/${org}/snapshot`, payload: body as object });
  lead.recorded_activities![0]!.type = 'Meeting';
  const bad = await put(snap);
  t.equal(bad.statusCode, 400);
  t.match(bad.json(), { error: { field: `close.leads.${i}.recorded_activities.0.type` } });
  lead.recorded_activities![0]!.type = 'OpportunityStatusChange';
  lead.recorded_activities![0]!.opportunity_id = 'oppo_nope';
  const wrong = await put(snap);
  t.equal(wrong.statusCode, 400);
  t.match(wrong.body, `/close/leads/${i}/recorded_activities/0/opportunity_id`);
});
