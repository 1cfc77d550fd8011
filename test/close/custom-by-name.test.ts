import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, fieldId, isFieldError, rows, stored } from './helper.js';

// Close's deprecated (still accepted) custom field inputs: the `custom` object and `custom.<Field Name>` keys.
shareApps(t);

const lead = CS.leads[0]!;
const values = (app: Parameters<typeof call>[0], objectId: string) =>
  rows(app, `SELECT field_id, value FROM close_custom_values WHERE org_id = ? AND object_id = ? ORDER BY field_id`, closeOrg(app), objectId)
    .map((r) => [r.field_id, JSON.parse(r.value as string)]);

t.test('POST /lead/ with a `custom` object by name and by id stores each value under its field id; the answer keeps custom.cf_ keys only', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/lead/', payload: {
    name: 'By name', custom: { Industry: 'Retail', [fieldId('Employees')]: 40, Region: 'EMEA' }, 'custom.Source Detail': 'Fair',
  } });
  t.equal(res.statusCode, 200, res.body);
  const body = res.json();
  t.equal(body[`custom.${fieldId('Industry')}`], 'Retail');
  t.equal(body[`custom.${fieldId('Region', 'shared')}`], 'EMEA', 'a shared field associated with leads, by name');
  t.notOk(Object.hasOwn(body, 'custom'), 'no legacy custom object in the answer');
  t.same(values(app, body.id), [
    [fieldId('Industry'), 'Retail'], [fieldId('Employees'), 40], [fieldId('Source Detail'), 'Fair'], [fieldId('Region', 'shared'), 'EMEA'],
  ].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
});

t.test('PUT /lead/{id}/ with custom.<Field Name> and a multi-value field by name replaces the values; null clears', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { 'custom.Products': ['CRM', 'Analytics'], custom: { Industry: null } } });
  t.equal(res.statusCode, 200, res.body);
  t.same(stored(app, lead.id, fieldId('Products')), ['CRM', 'Analytics']);
  t.equal(stored(app, lead.id, fieldId('Industry')), undefined, 'cleared');
});

t.test('contacts and opportunities take names too, within their own fields and the shared ones associated with them', async (t) => {
  const app = await build(t);
  const contact = await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: lead.id, name: 'Ann', custom: { Department: 'Ops', Languages: 'German' } } });
  t.equal(contact.statusCode, 200, contact.body);
  t.same(stored(app, contact.json().id, fieldId('Department', 'contact')), 'Ops');
  t.same(stored(app, contact.json().id, fieldId('Languages', 'contact')), ['German']);
  const put = await call(app, { method: 'PUT', path: `/contact/${contact.json().id}/`, payload: { 'custom.Region': 'APAC' } });
  t.equal(put.statusCode, 200, put.body);
  t.equal(stored(app, contact.json().id, fieldId('Region', 'shared')), 'APAC');
  const opp = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: lead.id, 'custom.Deal Type': 'Upsell', custom: { Seats: 12 } } });
  t.equal(opp.statusCode, 200, opp.body);
  t.equal(stored(app, opp.json().id, fieldId('Deal Type', 'opportunity')), 'Upsell');
  t.equal(stored(app, opp.json().id, fieldId('Seats', 'opportunity')), 12);
  const nested = await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Nested', contacts: [{ name: 'Bo', custom: { Department: 'IT' } }] } });
  t.equal(nested.statusCode, 200, nested.body);
  t.equal(stored(app, nested.json().contacts[0].id, fieldId('Department', 'contact')), 'IT');
});

t.test('an unknown name, a field of another object and an ambiguous name are 400s naming the key, and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload: { name: 'X', custom: { Nope: 1 } } }), 'custom.Nope');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload: { name: 'X', 'custom.Department': 'Ops' } }), 'custom.Department');
  isFieldError(t, await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { custom: { Industry: 'Space' } } }), 'custom.Industry');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload: { name: 'X', custom: 'Retail' } }), 'custom');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload: { name: 'X', custom: { Industry: 'Retail' }, [`custom.${fieldId('Industry')}`]: 'Retail' } }),
    `custom.${fieldId('Industry')}`);
  t.equal(closeState(app), before, 'nothing changed');
  // A shared field named as a lead field, associated with leads: the name no longer says which.
  const shared = await call(app, { method: 'POST', path: '/custom_field/shared/', payload: { name: 'Industry', type: 'text', associations: [{ object_type: 'lead' }] } });
  t.equal(shared.statusCode, 200, shared.body);
  const state = closeState(app);
  const res = await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { 'custom.Industry': 'Retail' } });
  isFieldError(t, res, 'custom.Industry');
  t.match(res.json()['field-errors']['custom.Industry'], shared.json().id, 'names the candidates');
  isFieldError(t, await call(app, { method: 'POST', path: '/lead/', payload: { name: 'X', custom: { Industry: 'Retail' } } }), 'custom.Industry');
  t.equal(closeState(app), state, 'nothing changed');
  // By id, each is still reachable.
  t.equal((await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { custom: { [shared.json().id]: 'Aerospace' } } })).statusCode, 200);
  t.equal(stored(app, lead.id, shared.json().id), 'Aerospace');
});
