import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const activityType = CS.custom_activity_types[0]!.id;
const objectType = CS.custom_object_types[0]!.id;
const ofKind = (kind: string) => CS.custom_fields.filter((f) => f.object_type === kind).map((f) => f.id).sort();

t.test('each kind lists its own fields; custom_object_type maps to custom object fields', async (t) => {
  const app = await build(t);
  for (const [word, kind] of [['lead', 'lead'], ['contact', 'contact'], ['opportunity', 'opportunity'], ['activity', 'activity'], ['shared', 'shared'], ['custom_object_type', 'custom_object']]) {
    const res = await call(app, { path: `/custom_field/${word}/` });
    t.equal(res.statusCode, 200, word);
    t.same(res.json().data.map((f: { id: string }) => f.id).sort(), ofKind(kind!), word);
    t.equal(res.json().has_more, false);
  }
  const page = (await call(app, { path: '/custom_field/lead/?_limit=3&_fields=id,name' })).json();
  t.equal(page.data.length, 3);
  t.equal(page.has_more, true);
  t.ok(page.data.every((f: object) => Object.keys(f).join() === 'id,name'));
  isFieldError(t, await call(app, { path: '/custom_field/lead/?_limit=1001' }), '_limit');
  const shared = (await call(app, { path: `/custom_field/shared/${fieldId('Tags', 'shared')}/` })).json();
  t.same(shared.associations.map((a: { object_type: string }) => a.object_type).sort(), ['activity', 'custom_object', 'lead']);
  isError(t, await call(app, { path: `/custom_field/contact/${fieldId('Industry')}/` }), 404);
});

t.test('custom_field_schema lists the fields of a kind with the shared ones associated with it', async (t) => {
  const app = await build(t);
  const lead = (await call(app, { path: '/custom_field_schema/lead/' })).json();
  t.same(Object.keys(lead), ['fields']);
  t.same(lead.fields.map((f: { id: string }) => f.id).sort(), [...ofKind('lead'), fieldId('Region', 'shared'), fieldId('Tags', 'shared')].sort());
  const contact = (await call(app, { path: '/custom_field_schema/contact/' })).json();
  t.same(contact.fields.map((f: { id: string }) => f.id).sort(), [...ofKind('contact'), fieldId('Region', 'shared')].sort());
  const opp = (await call(app, { path: '/custom_field_schema/opportunity/' })).json();
  t.same(opp.fields.map((f: { id: string }) => f.id).sort(), [...ofKind('opportunity'), fieldId('Region', 'shared')].sort());
});

t.test('creating fields of every kind answers 200 and stores them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const lead = await call(app, { method: 'POST', path: '/custom_field/lead/', payload: { name: 'Tier', type: 'choices', choices: ['Gold', 'Silver'], accepts_multiple_values: true, description: 'Account tier' } });
  t.equal(lead.statusCode, 200);
  const f = lead.json();
  t.match(f.id, /^cf_[0-9A-Za-z]{43}$/);
  t.match(f, { name: 'Tier', type: 'choices', choices: ['Gold', 'Silver'], accepts_multiple_values: true, description: 'Account tier', object_type: 'lead', organization_id: org, associations: null });
  t.match(rows(app, `SELECT * FROM close_custom_fields WHERE org_id = ? AND id = ?`, org, f.id)[0], { object_type: 'lead', choices: '["Gold","Silver"]', accepts_multiple_values: 1 });
  t.same((await call(app, { path: `/custom_field/lead/${f.id}/` })).json(), f);

  const text = (await call(app, { method: 'POST', path: '/custom_field/contact/', payload: { name: 'Nickname', type: 'text', choices: ['ignored'] } })).json();
  t.match(text, { object_type: 'contact', choices: null, accepts_multiple_values: false, description: null });
  const act = (await call(app, { method: 'POST', path: '/custom_field/activity/', payload: { name: 'Duration', type: 'number', custom_activity_type_id: activityType } })).json();
  t.match(act, { object_type: 'activity', custom_activity_type_id: activityType, custom_object_type_id: null });
  const obj = (await call(app, { method: 'POST', path: '/custom_field/custom_object_type/', payload: { name: 'Renewal', type: 'date', custom_object_type_id: objectType } })).json();
  t.match(obj, { object_type: 'custom_object', custom_object_type_id: objectType });
  const shared = (await call(app, { method: 'POST', path: '/custom_field/shared/', payload: { name: 'Priority', type: 'number', associations: [{ object_type: 'lead' }, { object_type: 'activity', custom_activity_type_id: activityType }, { object_type: 'lead' }] } })).json();
  t.same(shared.associations, [
    { object_type: 'activity', custom_activity_type_id: activityType, custom_object_type_id: null },
    { object_type: 'lead', custom_activity_type_id: null, custom_object_type_id: null },
  ]);
  t.equal(count(app, 'close_shared_field_associations', org, 'field_id = ?', shared.id), 2);
  t.ok((await call(app, { path: '/custom_field_schema/lead/' })).json().fields.some((x: { id: string }) => x.id === shared.id));

  // The new fields take values at once.
  const set = await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { [`custom.${f.id}`]: ['Gold'], [`custom.${shared.id}`]: 3 } });
  t.same(set.json()[`custom.${f.id}`], ['Gold']);
  t.equal(set.json()[`custom.${shared.id}`], 3);
});

t.test('bad field definitions are a 400 naming the field and store nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [string, Record<string, unknown>, string][] = [
    ['lead', { type: 'text' }, 'name'],
    ['lead', { name: '', type: 'text' }, 'name'],
    ['lead', { name: 'x' }, 'type'],
    ['lead', { name: 'x', type: 'checkbox' }, 'type'],
    ['lead', { name: 'x', type: 'choices' }, 'choices'],
    ['lead', { name: 'x', type: 'choices', choices: [] }, 'choices'],
    ['lead', { name: 'x', type: 'choices', choices: ['a', 'a'] }, 'choices'],
    ['lead', { name: 'Industry', type: 'text' }, 'name'],
    ['lead', { name: 'x', type: 'text', accepts_multiple_values: 'yes' }, 'accepts_multiple_values'],
    ['activity', { name: 'x', type: 'text' }, 'custom_activity_type_id'],
    ['activity', { name: 'x', type: 'text', custom_activity_type_id: 'actitype_missing' }, 'custom_activity_type_id'],
    ['custom_object_type', { name: 'x', type: 'text' }, 'custom_object_type_id'],
    ['custom_object_type', { name: 'x', type: 'text', custom_object_type_id: 'cotype_missing' }, 'custom_object_type_id'],
    ['shared', { name: 'x', type: 'text', associations: [{ object_type: 'activity' }] }, 'associations.0.custom_activity_type_id'],
    ['shared', { name: 'x', type: 'text', associations: [{ object_type: 'lead' }, { object_type: 'custom_object', custom_object_type_id: 'cotype_missing' }] }, 'associations.1.custom_object_type_id'],
    ['shared', { name: 'x', type: 'text', associations: [{ object_type: 'shared' }] }, 'associations.0.object_type'],
  ];
  for (const [word, payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: `/custom_field/${word}/`, payload }), field);
  t.same((await badJson(app, 'POST', '/custom_field/lead/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT changes a field\'s definition; bad changes are a 400 that changes nothing', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const industry = fieldId('Industry');
  const res = await call(app, { method: 'PUT', path: `/custom_field/lead/${industry}/`, payload: { name: 'Sector', choices: ['Software', 'Mining'], accepts_multiple_values: true, description: 'Main sector' } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: industry, name: 'Sector', choices: ['Software', 'Mining'], accepts_multiple_values: true, description: 'Main sector', type: 'choices' });
  t.match(rows(app, `SELECT name, choices FROM close_custom_fields WHERE org_id = ? AND id = ?`, org, industry)[0], { name: 'Sector', choices: '["Software","Mining"]' });
  const mining = await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { [`custom.${industry}`]: ['Mining', 'Software'] } });
  t.same(mining.json()[`custom.${industry}`], ['Mining', 'Software'], 'the new choices and multiple values apply at once');
  const toText = (await call(app, { method: 'PUT', path: `/custom_field/lead/${industry}/`, payload: { type: 'text' } })).json();
  t.match(toText, { type: 'text', choices: null });

  const shared = fieldId('Region', 'shared');
  const reassoc = (await call(app, { method: 'PUT', path: `/custom_field/shared/${shared}/`, payload: { associations: [{ object_type: 'contact' }] } })).json();
  t.same(reassoc.associations, [{ object_type: 'contact', custom_activity_type_id: null, custom_object_type_id: null }]);
  t.notOk((await call(app, { path: '/custom_field_schema/lead/' })).json().fields.some((x: { id: string }) => x.id === shared));

  const before = closeState(app);
  const products = fieldId('Products');
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_field/lead/${products}/`, payload: { choices: [] } }), 'choices');
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_field/lead/${products}/`, payload: { name: 'Employees' } }), 'name');
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_field/lead/${fieldId('Notes')}/`, payload: { type: 'choices' } }), 'choices');
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_field/lead/${products}/`, payload: { type: 'money' } }), 'type');
  isError(t, await call(app, { method: 'PUT', path: `/custom_field/contact/${products}/`, payload: { name: 'x' } }), 404);
  t.same((await badJson(app, 'PUT', `/custom_field/lead/${products}/`)).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('deleting a field answers {} and deletes its values and associations', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const tags = fieldId('Tags', 'shared');
  const products = fieldId('Products');
  t.ok(count(app, 'close_custom_values', org, 'field_id = ?', products) > 0);
  isError(t, await call(app, { method: 'DELETE', path: `/custom_field/shared/${products}/` }), 404);
  const del = await call(app, { method: 'DELETE', path: `/custom_field/lead/${products}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_custom_values', org, 'field_id = ?', products), 0);
  t.equal(count(app, 'close_custom_fields', org, 'id = ?', products), 0);
  t.equal(stored(app, SEEDED_LEAD.id, products), undefined);
  t.notOk(`custom.${products}` in (await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json());
  isError(t, await call(app, { path: `/custom_field/lead/${products}/` }), 404);
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { [`custom.${products}`]: ['CRM'] } }), `custom.${products}`);

  t.equal((await call(app, { method: 'DELETE', path: `/custom_field/shared/${tags}/` })).statusCode, 200);
  t.equal(count(app, 'close_shared_field_associations', org, 'field_id = ?', tags), 0);
  t.equal(count(app, 'close_custom_values', org, 'field_id = ?', tags), 0);
});
