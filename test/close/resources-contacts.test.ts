import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const F = {
  department: fieldId('Department', 'contact'), languages: fieldId('Languages', 'contact'), region: fieldId('Region', 'shared'),
  tags: fieldId('Tags', 'shared'), industry: fieldId('Industry'), primary: fieldId('Primary Contact'),
};
const apiUser = CS.users[0]!.id;

t.test('contact lists report total_results, and _limit=0 answers the count alone', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const n = count(app, 'close_contacts', org);
  t.same((await call(app, { path: '/contact/?_limit=0' })).json(), { data: [], has_more: true, total_results: n });
  const ofLead = count(app, 'close_contacts', org, 'lead_id = ?', SEEDED_LEAD.id);
  const page = (await call(app, { path: `/contact/?lead_id=${SEEDED_LEAD.id}&_limit=1` })).json();
  t.equal(page.total_results, ofLead);
  t.equal(page.data.length, 1);
  t.same((await call(app, { path: `/contact/?lead_id=${SEEDED_LEAD.id}&_limit=0&_skip=${ofLead}` })).json(), { data: [], has_more: false, total_results: ofLead });
  isFieldError(t, await call(app, { path: '/contact/?_limit=-1' }), '_limit');
});

t.test('contacts list newest first, filter by lead_id and trim with _fields', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: '/contact/?_limit=200' });
  t.equal(res.statusCode, 200);
  const page = res.json();
  t.equal(page.data.length, 200);
  t.equal(page.has_more, true);
  const keys = page.data.map((c: { date_created: string; id: string }) => `${c.date_created}|${c.id}`);
  t.same(keys, [...keys].sort().reverse());
  const ofLead = (await call(app, { path: `/contact/?lead_id=${SEEDED_LEAD.id}` })).json();
  t.equal(ofLead.data.length, count(app, 'close_contacts', org, 'lead_id = ?', SEEDED_LEAD.id));
  t.ok(ofLead.data.every((c: { lead_id: string }) => c.lead_id === SEEDED_LEAD.id));
  const trimmed = (await call(app, { path: `/contact/?lead_id=${SEEDED_LEAD.id}&_fields=id,emails` })).json();
  t.ok(trimmed.data.every((c: object) => Object.keys(c).join() === 'id,emails'));
  isFieldError(t, await call(app, { path: '/contact/?_limit=201' }), '_limit');
});

t.test('creating a contact answers 200 with it and stores it and its custom values', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, {
    method: 'POST', path: '/contact/', payload: {
      lead_id: SEEDED_LEAD.id, name: 'Hana Mori', title: 'CFO', emails: [{ email: 'hana@example.com', type: 'direct' }],
      [`custom.${F.languages}`]: ['English', 'Japanese'], [`custom.${F.region}`]: 'Kansai',
    },
  });
  t.equal(res.statusCode, 200);
  const c = res.json();
  t.match(c.id, /^cont_[0-9A-Za-z]{43}$/);
  t.match(c, {
    lead_id: SEEDED_LEAD.id, name: 'Hana Mori', title: 'CFO', emails: [{ email: 'hana@example.com', type: 'direct' }], phones: [],
    organization_id: org, created_by: apiUser, updated_by: apiUser, [`custom.${F.region}`]: 'Kansai',
  });
  t.same(c[`custom.${F.languages}`], ['English', 'Japanese']);
  t.match(rows(app, `SELECT * FROM close_contacts WHERE org_id = ? AND id = ?`, org, c.id)[0], { name: 'Hana Mori', lead_id: SEEDED_LEAD.id, emails: '[{"email":"hana@example.com","type":"direct"}]' });
  t.same(stored(app, c.id, F.languages), ['English', 'Japanese']);
  const lead = (await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json();
  t.equal(lead.contacts[lead.contacts.length - 1].id, c.id, 'the lead shows it, last in creation order');
  t.same((await call(app, { path: `/contact/${c.id}/` })).json(), c);
  t.same(Object.keys((await call(app, { path: `/contact/${c.id}/?_fields=name,title` })).json()), ['name', 'title']);
});

t.test('bad contact input is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x' }, 'lead_id'],
    [{ lead_id: 'lead_missing', name: 'x' }, 'lead_id'],
    [{ lead_id: SEEDED_LEAD.id, emails: 'a@b.c' }, 'emails'],
    [{ lead_id: SEEDED_LEAD.id, phones: [{ type: 'office' }] }, 'phones.0.phone'],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.industry}`]: 'Retail' }, `custom.${F.industry}`],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.tags}`]: ['Partner'] }, `custom.${F.tags}`],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.languages}`]: ['Klingon'] }, `custom.${F.languages}`],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/contact/', payload }), field);
  t.same((await badJson(app, 'POST', '/contact/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT updates only what is sent and custom values round-trip; DELETE answers {}', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const seeded = SEEDED_LEAD.contacts[1]!;
  const res = await call(app, { method: 'PUT', path: `/contact/${seeded.id}/`, payload: { title: 'COO', [`custom.${F.department}`]: 'Ops', [`custom.${F.languages}`]: null } });
  t.equal(res.statusCode, 200);
  const c = res.json();
  t.equal(c.title, 'COO');
  t.equal(c.name, seeded.name);
  t.same(c.emails, seeded.emails.map((e) => ({ ...e, is_unsubscribed: false })));
  t.equal(c[`custom.${F.department}`], 'Ops');
  t.notOk(`custom.${F.languages}` in c);
  t.same((await call(app, { path: `/contact/${seeded.id}/` })).json(), c);
  t.equal(stored(app, seeded.id, F.languages), undefined);

  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/contact/${seeded.id}/`, payload: { title: 'x', [`custom.${F.languages}`]: 'Nope' } }), `custom.${F.languages}`);
  t.same((await badJson(app, 'PUT', `/contact/${seeded.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  isError(t, await call(app, { method: 'PUT', path: '/contact/cont_missing/', payload: { title: 'x' } }), 404);
  t.equal(closeState(app), before);

  // A lead's contact field pointing at the contact is cleared with it.
  await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { [`custom.${F.primary}`]: seeded.id } });
  const del = await call(app, { method: 'DELETE', path: `/contact/${seeded.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_contacts', org, 'id = ?', seeded.id), 0);
  t.equal(count(app, 'close_custom_values', org, 'object_id = ?', seeded.id), 0);
  t.equal(stored(app, SEEDED_LEAD.id, F.primary), undefined);
  isError(t, await call(app, { path: `/contact/${seeded.id}/` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/contact/${seeded.id}/` }), 404);
});

t.test("a contact's display_name is its name, else its first email, else its first phone, else empty", async (t) => {
  const app = await build(t);
  const make = async (payload: Record<string, unknown>) => (await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: SEEDED_LEAD.id, ...payload } })).json();
  t.equal((await make({ name: 'Hana Mori', emails: [{ email: 'hana@example.com' }] })).display_name, 'Hana Mori');
  const byEmail = await make({ emails: [{ email: 'first@example.com' }, { email: 'second@example.com' }], phones: [{ phone: '+81300000000' }] });
  t.equal(byEmail.display_name, 'first@example.com');
  t.equal((await make({ name: '', phones: [{ phone: '+81300000000' }] })).display_name, '+81300000000');
  t.equal((await make({})).display_name, '');
  const renamed = (await call(app, { method: 'PUT', path: `/contact/${byEmail.id}/`, payload: { name: 'Now Named' } })).json();
  t.equal(renamed.display_name, 'Now Named', 'it follows the name');
  t.equal((await call(app, { path: `/contact/${byEmail.id}/` })).json().display_name, 'Now Named');
});

t.test('emails are subscribed unless stored otherwise, and a write of emails keeps the flag of addresses the contact had', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const c = (await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: SEEDED_LEAD.id, emails: [{ email: 'a@example.com' }, { email: 'b@example.com' }] } })).json();
  t.same(c.emails.map((e: { is_unsubscribed: boolean }) => e.is_unsubscribed), [false, false]);
  // Only a seed or snapshot marks an address unsubscribed (Close does it when its owner unsubscribes).
  app.tenants.db(org).prepare(`UPDATE close_contacts SET emails = ? WHERE org_id = ? AND id = ?`)
    .run(JSON.stringify([{ email: 'a@example.com', type: 'office', is_unsubscribed: true }, { email: 'b@example.com', type: 'office' }]), org, c.id);
  t.same((await call(app, { path: `/contact/${c.id}/` })).json().emails.map((e: { is_unsubscribed: boolean }) => e.is_unsubscribed), [true, false]);
  const put = (await call(app, { method: 'PUT', path: `/contact/${c.id}/`, payload: { emails: [{ email: 'new@example.com' }, { email: 'A@example.com', type: 'home' }] } })).json();
  t.same(put.emails, [{ email: 'new@example.com', type: 'office', is_unsubscribed: false }, { email: 'A@example.com', type: 'home', is_unsubscribed: true }]);
  const snap = (await app.inject(`/_mock/orgs/${org}/snapshot`)).json();
  const inSnapshot = snap.close.leads.find((l: { id: string }) => l.id === SEEDED_LEAD.id).contacts.find((x: { id: string }) => x.id === c.id);
  t.equal(inSnapshot.emails[1].is_unsubscribed, true, 'a snapshot carries it');
});
