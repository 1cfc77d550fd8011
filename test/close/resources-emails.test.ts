import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { CS, call, closeOrg, closeState, fieldId, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const TEMPLATES = CS.email_templates!;
const [intro, followUp, archived] = TEMPLATES;
const admin = CS.users[0]!;
const INDUSTRY = fieldId('Industry');
// A lead with an Industry value and a contact whose name has a first and a last part.
const LEAD = CS.leads.find((l) => l.custom[INDUSTRY] !== undefined && l.contacts.some((c) => c.name?.includes(' ') && c.emails.length > 0))!;
const CONTACT = LEAD.contacts.find((c) => c.name?.includes(' ') && c.emails.length > 0)!;
const UNSUBSCRIBED = CS.unsubscribed_emails![0]!.email;
type Obj = Record<string, unknown>;

t.test('GET /email_template/ lists the seeded templates with Close\'s keys and filters on is_archived and is_shared', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: '/email_template/' });
  t.equal(res.statusCode, 200);
  const { data, has_more } = res.json() as { data: Obj[]; has_more: boolean };
  t.equal(has_more, false);
  t.same(data.map((x) => x.id), TEMPLATES.map((x) => x.id));
  t.same(data[0], {
    id: intro!.id, organization_id: closeOrg(app), name: 'Introduction', subject: intro!.subject, body: intro!.body, is_shared: true,
    is_archived: false, attachments: [], created_by: admin.id, updated_by: admin.id, date_created: intro!.date_created, date_updated: intro!.date_updated,
  });
  const names = async (qs: string) => ((await call(app, { path: `/email_template/?${qs}` })).json() as { data: Obj[] }).data.map((x) => x.name);
  t.same(await names('is_archived=true'), ['Old announcement']);
  t.same(await names('is_archived=false&is_shared=true'), ['Introduction', 'Follow-up']);
  t.same(await names('is_shared=0'), ['Old announcement']);
  t.same(await names('_limit=1&_skip=1&_fields=name'), ['Follow-up']);
  isFieldError(t, await call(app, { path: '/email_template/?is_shared=maybe' }), 'is_shared');
});

t.test('email templates are created, read, updated and deleted; the rows follow', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const created = await call(app, { method: 'POST', path: '/email_template/', payload: { name: 'Hello', subject: 'Hi {{ lead.name }}', body: '<p>x</p>' } });
  t.equal(created.statusCode, 200);
  const tmpl = created.json() as Obj;
  t.match(tmpl, { name: 'Hello', subject: 'Hi {{ lead.name }}', is_shared: true, is_archived: false, created_by: admin.id });
  t.match(String(tmpl.id), /^tmpl_[0-9A-Za-z]{43}$/);
  t.same(rows(app, 'SELECT name, subject, body, is_shared, is_archived FROM close_email_templates WHERE org_id = ? AND id = ?', org, tmpl.id),
    [{ name: 'Hello', subject: 'Hi {{ lead.name }}', body: '<p>x</p>', is_shared: 1, is_archived: 0 }]);
  t.same((await call(app, { path: `/email_template/${tmpl.id}/?_fields=name` })).json(), { name: 'Hello' });
  const updated = await call(app, { method: 'PUT', path: `/email_template/${tmpl.id}/`, payload: { is_archived: true, body: 'plain' } });
  t.equal(updated.statusCode, 200);
  t.match(updated.json(), { name: 'Hello', body: 'plain', is_archived: true });
  t.same(rows(app, 'SELECT body, is_archived FROM close_email_templates WHERE org_id = ? AND id = ?', org, tmpl.id), [{ body: 'plain', is_archived: 1 }]);
  t.same((await call(app, { method: 'DELETE', path: `/email_template/${tmpl.id}/` })).json(), {});
  t.same(rows(app, 'SELECT id FROM close_email_templates WHERE org_id = ? AND id = ?', org, tmpl.id), []);
  isError(t, await call(app, { path: `/email_template/${tmpl.id}/` }), 404);
});

t.test('bad template writes and unknown templates are 400s / 404s that change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/email_template/', payload: { subject: 'no name' } }), 'name');
  isFieldError(t, await call(app, { method: 'POST', path: '/email_template/', payload: { name: 'x', is_shared: 'yes' } }), 'is_shared');
  isFieldError(t, await call(app, { method: 'PUT', path: `/email_template/${intro!.id}/`, payload: { name: '' } }), 'name');
  isFieldError(t, await call(app, { path: `/email_template/${intro!.id}/?include_embedded=true` }), 'include_embedded');
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    isError(t, await call(app, { method, path: '/email_template/tmpl_nope/', ...(method === 'PUT' ? { payload: { name: 'x' } } : {}) }), 404);
  }
  isError(t, await call(app, { path: `/email_template/tmpl_nope/render/?lead_id=${LEAD.id}` }), 404);
  t.equal(closeState(app), before);
});

t.test('render fills in every lead, contact, user, organization and custom variable, and default()', async (t) => {
  const app = await build(t);
  const [first, ...rest] = CONTACT.name!.split(' ');
  const res = await call(app, { path: `/email_template/${intro!.id}/render/?lead_id=${LEAD.id}&contact_id=${CONTACT.id}` });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    subject: `Hello from ${CS.organization.name}`,
    body: `<p>Hi ${first},</p><p>I am reaching out to ${LEAD.name} (${String(LEAD.custom[INDUSTRY])}).</p><p>${admin.first_name} ${admin.last_name}<br>${admin.email}</p>`,
  });
  const body = '{{lead.name}}|{{ lead.display_name }}|{{ lead.url }}|{{ contact.first_name }}|{{ contact.last_name }}|{{ contact.name }}|' +
    '{{ contact.email }}|{{ user.first_name }}|{{ user.last_name }}|{{ user.full_name }}|{{ user.email }}|{{ organization.name }}|' +
    '{{ lead.custom.Industry }}|{{ lead.custom.No Such Field }}|{{ nope.x }}|{{ contact.title|default("Sir") }}|{{ lead.name|default("unused") }}|{{ unclosed';
  const made = (await call(app, { method: 'POST', path: '/email_template/', payload: { name: 'All', subject: '{{ contact.first_name }}', body } })).json() as Obj;
  const all = (await call(app, { path: `/email_template/${made.id}/render/?lead_id=${LEAD.id}&contact_id=${CONTACT.id}` })).json() as Obj;
  t.equal(all.subject, first);
  t.equal(all.body, [LEAD.name, LEAD.name, `https://app.close.com/lead/${LEAD.id}/`, first, rest.join(' '), CONTACT.name, CONTACT.emails[0]!.email,
    admin.first_name, admin.last_name, `${admin.first_name} ${admin.last_name}`, admin.email, CS.organization.name, String(LEAD.custom[INDUSTRY]),
    '', '', 'Sir', LEAD.name, '{{ unclosed'].join('|'));
  const noContact = (await call(app, { path: `/email_template/${followUp!.id}/render/?lead_id=${LEAD.id}` })).json() as Obj;
  t.same(noContact, { subject: 'Following up, ', body: `<p>Any thoughts on my last email, ?</p><p>${admin.first_name}</p>` }, 'without contact_id, contact variables are empty');
});

t.test('render refuses what it cannot honour and needs a lead of this organization', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const path = `/email_template/${intro!.id}/render/`;
  isFieldError(t, await call(app, { path }), 'lead_id');
  isFieldError(t, await call(app, { path: `${path}?lead_id=lead_nope` }), 'lead_id');
  const other = CS.leads.find((l) => l.id !== LEAD.id && l.contacts.length > 0)!.contacts[0]!;
  isFieldError(t, await call(app, { path: `${path}?lead_id=${LEAD.id}&contact_id=${other.id}` }), 'contact_id');
  for (const name of ['query', 's_query', 'entry', 'mode', 'sender', 'email_account_id', 'sort', 'limit', 'results_limit', 'bulk_object_type', 'contact_preference']) {
    isFieldError(t, await call(app, { path: `${path}?lead_id=${LEAD.id}&${name}=x` }), name);
  }
  t.equal(closeState(app), before);
});

t.test('queue() writes an outbox email activity and an outbox row; it is sent once the organization\'s clock passes 60 s', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  await ctl(app, 'PUT', `/orgs/${org}/clock`, { now: '2026-11-02T10:00:00Z', frozen: true });
  const to = CONTACT.emails[0]!.email;
  const id = app.tenants.run(org, () => app.closeStore.emails.queue(org, admin.id, {
    leadId: LEAD.id, contactId: CONTACT.id, to, templateId: intro!.id, emailAccountId: null, sender: 'kenta@example.com', bulkActionId: 'bulkemail_x',
  }));
  t.match(id, /^acti_[0-9A-Za-z]{43}$/);
  const [row] = rows(app, 'SELECT status, direction, to_addrs, sender, bulk_action_id, template_id, subject FROM close_email_activities WHERE org_id = ? AND id = ?', org, id);
  t.same(row, { status: 'outbox', direction: 'outgoing', to_addrs: JSON.stringify([to]), sender: 'kenta@example.com', bulk_action_id: 'bulkemail_x',
    template_id: intro!.id, subject: `Hello from ${CS.organization.name}` });
  const outbox = rows(app, 'SELECT kind, recipient, subject, ref_id FROM close_outbox WHERE org_id = ? AND ref_id = ?', org, id);
  t.same(outbox, [{ kind: 'email', recipient: to, subject: `Hello from ${CS.organization.name}`, ref_id: id }]);

  const one = (await call(app, { path: `/activity/email/${id}/` })).json() as Obj;
  t.match(one, { id, _type: 'Email', status: 'outbox', date_sent: null, lead_id: LEAD.id, contact_id: CONTACT.id, to: [to], template_id: intro!.id,
    template_name: 'Introduction', bulk_email_action_id: 'bulkemail_x', user_id: admin.id, direction: 'outgoing' });
  t.match(String(one.body_text), /^Hi /, 'the text body has no tags');
  await ctl(app, 'POST', `/orgs/${org}/clock/advance`, { by: '59s' });
  t.equal(((await call(app, { path: `/activity/email/${id}/` })).json() as Obj).status, 'outbox', 'still within the undo-send delay');
  await ctl(app, 'POST', `/orgs/${org}/clock/advance`, { by: '1s' });
  const sent = (await call(app, { path: `/activity/email/${id}/` })).json() as Obj;
  t.equal(sent.status, 'sent');
  t.equal(sent.date_sent, '2026-11-02T10:01:00.000000+00:00');

  t.throws(() => app.tenants.run(org, () => app.closeStore.emails.queue(org, null, {
    leadId: LEAD.id, contactId: null, to, templateId: 'tmpl_nope', emailAccountId: null, sender: null, bulkActionId: null,
  })), { name: 'ApiError', message: 'Email template tmpl_nope not found.', status: 404, code: 'NOT_FOUND' } as unknown as Error, 'an unknown template is notFound');
  t.equal(app.tenants.run(org, () => app.closeStore.emails.templateExists(org, intro!.id)), true);
  t.equal(app.tenants.run(org, () => app.closeStore.emails.templateExists(org, 'tmpl_nope')), false);
  const rendered = app.tenants.run(org, () => app.closeStore.emails.render(org, archived!.id, LEAD.id, null, null));
  t.same(rendered, { subject: `News from ${CS.organization.name}`, body: '<p>Our old announcement.</p>' });
});

t.test('GET /activity/email/ and /activity/ list emails newest first with their filters; DELETE removes one; deleting the lead removes its emails', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const other = CS.leads.find((l) => l.id !== LEAD.id && l.contacts.some((c) => c.emails.length > 0))!;
  const queue = (leadId: string, contactId: string | null, to: string) => app.tenants.run(org, () => app.closeStore.emails.queue(org, admin.id, {
    leadId, contactId, to, templateId: followUp!.id, emailAccountId: null, sender: null, bulkActionId: null,
  }));
  const a = queue(LEAD.id, CONTACT.id, 'a@example.com');
  const b = queue(other.id, null, 'b@example.com');
  // The seed's own emails (one lead's thread, seed/generate.mjs) are left out of what this test compares.
  const seeded = new Set(CS.leads.flatMap((l) => (l.emails ?? []).map((e) => e.id)));
  const mine = (xs: Obj[]) => xs.filter((x) => !seeded.has(x.id as string));
  const ids = async (qs: string) => mine(((await call(app, { path: `/activity/email/?${qs}` })).json() as { data: Obj[] }).data).map((x) => x.id);
  t.same(await ids(''), [b, a]);
  t.same(await ids(`lead_id=${LEAD.id}`), [a]);
  t.same(await ids(`contact_id=${CONTACT.id}`), [a]);
  t.same(await ids(`user_id=${admin.id}`), [b, a]);
  t.same(await ids(`id__in=${a}`), [a]);
  t.same(await ids('_type=Email&_limit=1'), [b]);
  t.same(await ids('date_created__lt=2000-01-01'), []);
  t.same(await ids('activity_at__gte=2000-01-01'), [b, a]);
  t.same(await ids(`organization_id=${org}`), [b, a]);
  isFieldError(t, await call(app, { path: '/activity/email/?_type=Call' }), '_type');
  isFieldError(t, await call(app, { path: '/activity/email/?date_created__gt=soon' }), 'date_created__gt');
  // /activity/ lists emails with notes and custom activities; /activity/{id}/ reads and deletes them too.
  const acts = async (qs: string) => mine(((await call(app, { path: `/activity/?${qs}` })).json() as { data: Obj[] }).data);
  t.same((await acts('_type=Email')).map((x) => x.id), [b, a]);
  t.same((await acts(`_type__in=Email,Note&contact_id=${CONTACT.id}`)).map((x) => x.id), [a], 'only emails name a contact');
  t.same((await acts(`lead_id=${LEAD.id}`)).filter((x) => x._type === 'Email').map((x) => x.id), [a]);
  t.ok((await acts('_limit=200')).some((x) => x.id === a && x.subject === 'Following up, ' + CONTACT.name!.split(' ')[0]), 'with the email\'s own keys');
  t.same((await acts('_type=Note&_limit=200')).filter((x) => x._type === 'Email'), []);
  t.same((await call(app, { path: `/activity/${a}/` })).json(), (await call(app, { path: `/activity/email/${a}/` })).json());
  isFieldError(t, await call(app, { path: '/activity/?thread_emails=only' }), 'thread_emails');
  isError(t, await call(app, { path: `/activity/custom/${a}/` }), 404);
  isError(t, await call(app, { path: '/activity/email/acti_nope/' }), 404);
  t.same((await call(app, { method: 'DELETE', path: `/activity/email/${b}/` })).json(), {});
  t.same(mine(rows(app, 'SELECT id FROM close_email_activities WHERE org_id = ?', org)).map((r) => r.id), [a]);
  const c = queue(other.id, null, 'c@example.com');
  t.same((await call(app, { method: 'DELETE', path: `/activity/${c}/` })).json(), {}, 'DELETE /activity/{id}/ deletes an email too');
  t.same(mine(rows(app, 'SELECT id FROM close_email_activities WHERE org_id = ?', org)).map((r) => r.id), [a]);
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${LEAD.id}/` })).statusCode, 200);
  t.same(mine(rows(app, 'SELECT id FROM close_email_activities WHERE org_id = ?', org)), [], 'the lead\'s emails went with it');
});

t.test('unsubscribed addresses: list, add (201, lowercased), match case-insensitively, delete by percent-encoded address', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const emails = app.closeStore.emails;
  t.ok(CS.leads.some((l) => l.contacts.some((c) => c.emails.some((e) => e.email.toLowerCase() === UNSUBSCRIBED))), 'the seeded address is a contact\'s');
  t.same((await call(app, { path: '/unsubscribe/email/' })).json(), { data: [{ email: UNSUBSCRIBED, organization_id: org, date_created: CS.unsubscribed_emails![0]!.date_created }], has_more: false });
  t.equal(app.tenants.run(org, () => emails.isUnsubscribed(org, UNSUBSCRIBED.toUpperCase())), true);
  const res = await call(app, { method: 'POST', path: '/unsubscribe/email/', payload: { email: 'Someone+Tag@Example.COM' } });
  t.equal(res.statusCode, 201);
  t.match(res.json(), { email: 'someone+tag@example.com', organization_id: org });
  t.same(rows(app, 'SELECT email FROM close_unsubscribed_emails WHERE org_id = ? ORDER BY email', org).map((r) => r.email).sort(), [UNSUBSCRIBED, 'someone+tag@example.com'].sort());
  t.equal(app.tenants.run(org, () => emails.isUnsubscribed(org, 'someone+TAG@example.com')), true);
  t.equal(app.tenants.run(org, () => emails.isUnsubscribed(org, 'nobody@example.com')), false);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/unsubscribe/email/', payload: { email: 'not-an-address' } }), 'email');
  isFieldError(t, await call(app, { method: 'POST', path: '/unsubscribe/email/', payload: {} }), 'email');
  isError(t, await call(app, { method: 'DELETE', path: '/unsubscribe/email/nobody%40example.com/' }), 404);
  t.equal(closeState(app), before, 'refused calls change nothing');
  t.same((await call(app, { method: 'DELETE', path: `/unsubscribe/email/${encodeURIComponent('SOMEONE+tag@example.com')}/` })).json(), {});
  t.equal(app.tenants.run(org, () => emails.isUnsubscribed(org, 'someone+tag@example.com')), false);
});

t.test('a snapshot carries templates, emails and unsubscribes, and restoring it gives the same answers', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  await ctl(app, 'PUT', `/orgs/${org}/clock`, { now: '2026-11-02T10:00:00Z', frozen: true });
  const id = app.tenants.run(org, () => app.closeStore.emails.queue(org, admin.id, {
    leadId: LEAD.id, contactId: CONTACT.id, to: 'x@example.com', templateId: intro!.id, emailAccountId: null, sender: null, bulkActionId: null,
  }));
  const answers = async () => Promise.all(['/email_template/', '/activity/email/', `/activity/email/${id}/`, '/unsubscribe/email/']
    .map(async (path) => (await call(app, { path })).body));
  const before = await answers();
  const snap = (await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json();
  t.equal(snap.close.email_templates.length, TEMPLATES.length);
  t.same(snap.close.unsubscribed_emails, CS.unsubscribed_emails);
  t.match(snap.close.leads.find((l: { id: string }) => l.id === LEAD.id).emails, [{ id, status: 'outbox', to: ['x@example.com'], template_id: intro!.id }]);
  await call(app, { method: 'DELETE', path: `/email_template/${followUp!.id}/` });
  await call(app, { method: 'DELETE', path: `/activity/email/${id}/` });
  await call(app, { method: 'POST', path: '/unsubscribe/email/', payload: { email: 'new@example.com' } });
  t.not((await answers()).join(), before.join());
  t.equal((await ctl(app, 'PUT', `/orgs/${org}/snapshot`, snap)).statusCode, 200);
  t.same(await answers(), before, 'the same bytes after the restore');
  const bad = { ...snap, close: { ...snap.close, email_templates: [{ ...snap.close.email_templates[0], id: 'tmpl_short' }] } };
  t.equal((await ctl(app, 'PUT', `/orgs/${org}/snapshot`, bad)).statusCode, 400, 'a template id that is not Close\'s is refused');
});
