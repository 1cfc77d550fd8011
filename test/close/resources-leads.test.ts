import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { API, CS, SEEDED_LEAD, badJson, call, closeAuth, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const F = {
  source: fieldId('Source Detail'), employees: fieldId('Employees'), industry: fieldId('Industry'), products: fieldId('Products'),
  owner: fieldId('Account Owner'), primary: fieldId('Primary Contact'), renewal: fieldId('Contract Renewal'),
  department: fieldId('Department', 'contact'), languages: fieldId('Languages', 'contact'), region: fieldId('Region', 'shared'),
  tags: fieldId('Tags', 'shared'),
};
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const firstStatus = CS.lead_statuses[0]!;
const apiUser = CS.users[0]!.id;

t.test('_limit=0 answers no leads with has_more and total_results, as Close\'s scripts count them', async (t) => {
  const app = await build(t);
  const n = count(app, 'close_leads', closeOrg(app));
  const res = await call(app, { path: '/lead/?_limit=0' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: [], has_more: true, total_results: n });
  t.same((await call(app, { path: `/lead/?_limit=0&_skip=${n}` })).json(), { data: [], has_more: false, total_results: n });
});

t.test('listing leads pages newest first with has_more, and _limit above 200 is a field error', async (t) => {
  const app = await build(t);
  const first = await call(app, { path: '/lead/?_limit=5' });
  t.equal(first.statusCode, 200);
  const body = first.json();
  t.same(Object.keys(body), ['data', 'has_more', 'total_results']);
  t.equal(body.total_results, count(app, 'close_leads', closeOrg(app)));
  t.equal(body.data.length, 5);
  t.equal(body.has_more, true);
  const all = (await call(app, { path: '/lead/?_limit=200' })).json().data.concat((await call(app, { path: '/lead/?_skip=200&_limit=200' })).json().data);
  t.equal(all.length, count(app, 'close_leads', closeOrg(app)));
  const keys = all.map((l: { date_created: string; id: string }) => `${l.date_created}|${l.id}`);
  t.same(keys, [...keys].sort().reverse(), 'newest first, then id');
  t.same(body.data, all.slice(0, 5));
  const next = (await call(app, { path: '/lead/?_skip=5&_limit=5' })).json();
  t.same(next.data, all.slice(5, 10));
  const last = (await call(app, { path: `/lead/?_skip=${all.length - 2}&_limit=5` })).json();
  t.equal(last.data.length, 2);
  t.equal(last.has_more, false);
  t.equal((await call(app, { path: '/lead/' })).json().data.length, 100, '_limit defaults to 100');

  for (const q of ['_limit=201', '_limit=-1', '_skip=-1', '_limit=ten']) {
    const res = await call(app, { path: `/lead/?${q}` });
    isFieldError(t, res, q.split('=')[0]!);
  }
});

t.test('a seeded lead comes back with its contacts, opportunities and custom keys', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: `/lead/${SEEDED_LEAD.id}/` });
  t.equal(res.statusCode, 200);
  const lead = res.json();
  t.equal(lead.id, SEEDED_LEAD.id);
  t.equal(lead.name, SEEDED_LEAD.name);
  t.equal(lead.display_name, SEEDED_LEAD.name);
  t.equal(lead.status_id, SEEDED_LEAD.status_id);
  t.equal(lead.status_label, CS.lead_statuses.find((s) => s.id === SEEDED_LEAD.status_id)!.label);
  t.equal(lead.organization_id, closeOrg(app));
  t.same(lead.contacts.map((c: { id: string }) => c.id).sort(), SEEDED_LEAD.contacts.map((c) => c.id).sort());
  t.same(lead.opportunities.map((o: { id: string }) => o.id).sort(), SEEDED_LEAD.opportunities.map((o) => o.id).sort());
  for (const [id, value] of Object.entries(SEEDED_LEAD.custom)) t.same(lead[`custom.${id}`], value, `custom.${id}`);
  t.same(Object.keys(lead).filter((k) => k.startsWith('custom.')).length, Object.keys(SEEDED_LEAD.custom).length, 'only set values appear');
  t.same(lead[`custom.${F.products}`], ['CRM', 'Analytics', 'Marketing Automation'], 'multi-value fields are arrays');
  const contact = lead.contacts.find((c: { id: string }) => c.id === SEEDED_LEAD.contacts[1]!.id);
  t.same(contact[`custom.${F.languages}`], ['Japanese', 'Spanish'], 'contacts carry their custom keys');
});

t.test('_fields trims list items and single leads to exactly the named keys', async (t) => {
  const app = await build(t);
  const list = (await call(app, { path: `/lead/?_limit=3&_fields=id,name,custom.${F.source},nope` })).json();
  t.equal(list.data.length, 3);
  for (const l of list.data) t.ok(Object.keys(l).every((k) => ['id', 'name', `custom.${F.source}`].includes(k)), Object.keys(l).join());
  t.ok(list.data.every((l: object) => 'id' in l && 'name' in l));
  const one = await call(app, { path: `/lead/${SEEDED_LEAD.id}/?_fields=status_label,contacts,custom.${F.source}` });
  t.equal(one.statusCode, 200);
  t.same(Object.keys(one.json()).sort(), ['contacts', `custom.${F.source}`, 'status_label'].sort());
  t.equal(one.json()[`custom.${F.source}`], SEEDED_LEAD.custom[F.source]);
});

t.test('creating a lead with nested contacts and custom values answers 200 and stores all of it', async (t) => {
  const app = await build(t);
  app.clock.set(new Date('2027-01-02T03:04:05.678Z'), true);
  const org = closeOrg(app);
  const leadsBefore = count(app, 'close_leads', org);
  const res = await call(app, {
    method: 'POST', path: '/lead/', payload: {
      name: 'Kitsune Robotics', description: 'From the trade fair', url: 'https://kitsune.example.com',
      [`custom.${F.employees}`]: '250', [`custom.${F.products}`]: ['CRM', 'Telephony', 'CRM'], [`custom.${F.region}`]: 'Kanto',
      [`custom.${F.owner}`]: CS.users[1]!.id, [`custom.${F.source}`]: null, unknown_key: 'ignored',
      contacts: [
        { name: 'Aoi Tanaka', title: 'CTO', emails: [{ email: 'aoi@kitsune.example.com' }], phones: [{ phone: '+81312345678', type: 'mobile' }], [`custom.${F.languages}`]: ['Japanese'] },
        { name: 'Ren Ito', [`custom.${F.department}`]: 'R&D' },
      ],
    },
  });
  t.equal(res.statusCode, 200);
  const lead = res.json();
  t.match(lead.id, /^lead_[0-9A-Za-z]{43}$/);
  t.match(lead, {
    name: 'Kitsune Robotics', display_name: 'Kitsune Robotics', description: 'From the trade fair', url: 'https://kitsune.example.com',
    status_id: firstStatus.id, status_label: firstStatus.label, organization_id: org, created_by: apiUser, updated_by: apiUser,
    date_created: '2027-01-02T03:04:05.678000+00:00', opportunities: [],
  });
  t.match(lead.date_updated, ISO);
  t.equal(lead[`custom.${F.employees}`], 250, 'numbers are normalised');
  t.same(lead[`custom.${F.products}`], ['CRM', 'Telephony'], 'repeated choices count once');
  t.equal(lead[`custom.${F.region}`], 'Kanto', 'shared fields associated with leads apply');
  t.notOk(`custom.${F.source}` in lead, 'null sets nothing');
  t.notOk('unknown_key' in lead);
  t.equal(lead.contacts.length, 2);
  t.match(lead.contacts[0], {
    name: 'Aoi Tanaka', title: 'CTO', lead_id: lead.id, emails: [{ email: 'aoi@kitsune.example.com', type: 'office' }],
    phones: [{ phone: '+81312345678', type: 'mobile' }], organization_id: org, created_by: apiUser,
  });
  t.match(lead.contacts[0].id, /^cont_[0-9A-Za-z]{43}$/);
  t.same(lead.contacts[0][`custom.${F.languages}`], ['Japanese']);
  t.match(lead.contacts[1], { name: 'Ren Ito', title: null, emails: [], phones: [], [`custom.${F.department}`]: 'R&D' });

  t.equal(count(app, 'close_leads', org), leadsBefore + 1);
  t.match(rows(app, `SELECT * FROM close_leads WHERE org_id = ? AND id = ?`, org, lead.id)[0], { name: 'Kitsune Robotics', status_id: firstStatus.id, created_by: apiUser });
  t.equal(count(app, 'close_contacts', org, 'lead_id = ?', lead.id), 2);
  t.equal(stored(app, lead.id, F.employees), 250);
  t.same(stored(app, lead.id, F.products), ['CRM', 'Telephony']);
  t.equal(stored(app, lead.contacts[1].id, F.department), 'R&D');
  t.same((await call(app, { path: `/lead/${lead.id}/` })).json(), lead, 'GET returns what POST returned');
  t.equal((await call(app, { path: '/lead/?_limit=1' })).json().data[0].id, lead.id, 'the new lead lists first');
});

t.test('a lead may name its status by id or by label', async (t) => {
  const app = await build(t);
  const target = CS.lead_statuses[2]!;
  const byId = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'a', status_id: target.id } })).json();
  t.equal(byId.status_id, target.id);
  t.equal(byId.status_label, target.label);
  const byLabel = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'b', status: target.label.toUpperCase() } })).json();
  t.equal(byLabel.status_id, target.id);
});

t.test('creating a lead with bad input is a 400 naming the field, and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x', status_id: 'stat_nope' }, 'status_id'],
    [{ name: 'x', status: 'No Such Status' }, 'status'],
    [{ name: 42 }, 'name'],
    [{ name: 'x', contacts: {} }, 'contacts'],
    [{ name: 'x', [`custom.${F.industry}`]: 'Mining' }, `custom.${F.industry}`],
    [{ name: 'x', [`custom.${F.employees}`]: 'many' }, `custom.${F.employees}`],
    [{ name: 'x', [`custom.${F.industry}`]: ['Software', 'Retail'] }, `custom.${F.industry}`],
    [{ name: 'x', [`custom.${F.renewal}`]: '2026/01/01' }, `custom.${F.renewal}`],
    [{ name: 'x', [`custom.${F.owner}`]: 'user_nobody' }, `custom.${F.owner}`],
    [{ name: 'x', [`custom.${F.primary}`]: 'cont_nobody' }, `custom.${F.primary}`],
    [{ name: 'x', [`custom.${F.department}`]: 'Sales' }, `custom.${F.department}`],
    [{ name: 'x', 'custom.cf_doesNotExist': 'x' }, 'custom.cf_doesNotExist'],
    // By name (deprecated, accepted): a value the field does not take, and a name no field has.
    [{ name: 'x', 'custom.Industry': 'Space' }, 'custom.Industry'],
    [{ name: 'x', custom: { Nope: 'Software' } }, 'custom.Nope'],
    [{ name: 'x', contacts: [{ name: 'ok' }, { name: 'bad', [`custom.${F.products}`]: ['CRM'] }] }, `contacts.1.custom.${F.products}`],
    [{ name: 'x', contacts: [{ emails: [{ type: 'office' }] }] }, 'contacts.0.emails.0.email'],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload }), field);
  const res = await badJson(app, 'POST', '/lead/');
  t.equal(res.statusCode, 400);
  t.same(res.json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before, 'nothing changed');
});

t.test('PUT is a partial update; custom keys round-trip and null clears', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const id = SEEDED_LEAD.id;
  const before = (await call(app, { path: `/lead/${id}/` })).json();
  app.clock.set(new Date('2027-03-01T00:00:00Z'), true);
  const res = await call(app, {
    method: 'PUT', path: `/lead/${id}/`, payload: {
      description: 'Renewal talks', [`custom.${F.products}`]: ['Support Desk'], [`custom.${F.industry}`]: 'Retail',
      [`custom.${F.employees}`]: 12, [`custom.${F.source}`]: null, [`custom.${F.primary}`]: SEEDED_LEAD.contacts[0]!.id,
    },
  });
  t.equal(res.statusCode, 200);
  const lead = res.json();
  t.equal(lead.description, 'Renewal talks');
  t.equal(lead.name, before.name, 'keys not sent are unchanged');
  t.equal(lead.url, before.url);
  t.equal(lead.status_id, before.status_id);
  t.equal(lead.date_created, before.date_created);
  t.equal(lead.date_updated, '2027-03-01T00:00:00.000000+00:00');
  t.equal(lead.updated_by, apiUser);
  t.same(lead[`custom.${F.products}`], ['Support Desk']);
  t.equal(lead[`custom.${F.industry}`], 'Retail');
  t.equal(lead[`custom.${F.employees}`], 12);
  t.notOk(`custom.${F.source}` in lead, 'null cleared the value');
  t.equal(lead[`custom.${F.region}`], before[`custom.${F.region}`], 'values not sent are kept');
  t.same(lead.contacts, before.contacts);
  const read = (await call(app, { path: `/lead/${id}/` })).json();
  t.same(read, lead, 'GET reads back what PUT answered');
  t.equal(stored(app, id, F.source), undefined);
  t.same(stored(app, id, F.products), ['Support Desk']);
  t.match(rows(app, `SELECT description, updated_by FROM close_leads WHERE org_id = ? AND id = ?`, org, id)[0], { description: 'Renewal talks', updated_by: apiUser });

  const status = CS.lead_statuses[3]!;
  const moved = (await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { status_id: status.id, name: null } })).json();
  t.equal(moved.status_label, status.label);
  t.equal(moved.name, null);
  t.equal(moved.display_name, '');
  t.same(moved[`custom.${F.products}`], ['Support Desk']);
  const scalar = (await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { [`custom.${F.products}`]: 'CRM' } })).json();
  t.same(scalar[`custom.${F.products}`], ['CRM'], 'a scalar for a multi-value field is stored as a list of one');
  t.same(stored(app, id, F.products), ['CRM']);
  const emptied = (await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { [`custom.${F.products}`]: [] } })).json();
  t.notOk(`custom.${F.products}` in emptied, 'an empty list clears a multi-value field');
});

t.test('a rejected PUT changes nothing; unknown leads are 404', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const id = SEEDED_LEAD.id;
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { description: 'x', status_id: 'stat_nope' } }), 'status_id');
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { description: 'x', [`custom.${F.products}`]: ['Nope'] } }), `custom.${F.products}`);
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${id}/`, payload: { url: 7 } }), 'url');
  const json = await badJson(app, 'PUT', `/lead/${id}/`);
  t.same(json.json(), { error: 'The request contains invalid JSON.' });
  t.match(isError(t, await call(app, { method: 'PUT', path: '/lead/lead_missing/', payload: { name: 'x' } }), 404), /lead_missing/);
  isError(t, await call(app, { path: '/lead/lead_missing/' }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/lead/lead_missing/' }), 404);
  t.equal(closeState(app), before);
});

t.test('deleting a lead answers {} and removes everything that belongs to it', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const lead = CS.leads.find((l) => l.contacts.length && l.opportunities.length && l.activities.length && l.custom_objects.length)!;
  const other = CS.leads.find((l) => l.id !== lead.id)!;
  // Another lead's contact field points at a contact of the lead being deleted.
  const ref = await call(app, { method: 'PUT', path: `/lead/${other.id}/`, payload: { [`custom.${F.primary}`]: lead.contacts[0]!.id } });
  t.equal(ref.statusCode, 200);
  const children = [...lead.contacts, ...lead.opportunities, ...lead.activities, ...lead.custom_objects].map((o) => o.id);
  const valuesBefore = count(app, 'close_custom_values', org);
  const owned = count(app, 'close_custom_values', org, `object_id IN (SELECT value FROM json_each(?))`, JSON.stringify([lead.id, ...children]));
  t.ok(owned > 0);
  const res = await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {});
  for (const table of ['close_contacts', 'close_opportunities', 'close_activities', 'close_custom_objects']) {
    t.equal(count(app, table, org, 'lead_id = ?', lead.id), 0, table);
  }
  t.equal(count(app, 'close_leads', org, 'id = ?', lead.id), 0);
  t.equal(count(app, 'close_custom_values', org), valuesBefore - owned - 1, 'its values and the dangling contact reference are gone');
  t.equal(stored(app, other.id, F.primary), undefined);
  isError(t, await call(app, { path: `/lead/${lead.id}/` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` }), 404);
});

t.test('doubled slashes inside paths reach the same routes', async (t) => {
  const app = await build(t);
  const list = await app.inject({ url: `${API}//lead//?_limit=1`, headers: closeAuth() });
  t.equal(list.statusCode, 200);
  t.equal(list.json().data.length, 1);
  const one = await app.inject({ url: `${API}//lead//${SEEDED_LEAD.id}//`, headers: closeAuth() });
  t.equal(one.statusCode, 200);
  t.equal(one.json().id, SEEDED_LEAD.id);
  const created = await app.inject({ method: 'POST', url: `${API}//lead//`, headers: closeAuth(), payload: { name: 'slashes' } });
  t.equal(created.statusCode, 200);
  t.equal(created.json().name, 'slashes');
});

t.test("a lead lists its contacts' ids in its contacts' order and links to its page in Close", async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const created = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Order Co', contacts: [{ name: 'First' }, { name: 'Second' }] } })).json();
  t.same(created.contact_ids, created.contacts.map((c: { id: string }) => c.id));
  t.same(created.contacts.map((c: { name: string }) => c.name), ['First', 'Second']);
  t.equal(created.html_url, `https://app.close.com/lead/${created.id}/`);
  const third = (await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: created.id, name: 'Third' } })).json();
  const lead = (await call(app, { path: `/lead/${created.id}/` })).json();
  t.same(lead.contact_ids, [...created.contact_ids, third.id], 'a new contact comes last');
  t.same(lead.contact_ids, rows(app, `SELECT id FROM close_contacts WHERE org_id = ? AND lead_id = ? ORDER BY date_created, id`, org, created.id).map((r) => r.id));
  await call(app, { method: 'DELETE', path: `/contact/${created.contact_ids[0]}/` });
  t.same((await call(app, { path: `/lead/${created.id}/` })).json().contact_ids, [created.contact_ids[1], third.id], 'a deleted one is gone');
  const seeded = (await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json();
  t.same(seeded.contact_ids, seeded.contacts.map((c: { id: string }) => c.id));
  t.equal(seeded.contact_ids.length, SEEDED_LEAD.contacts.length);
});
