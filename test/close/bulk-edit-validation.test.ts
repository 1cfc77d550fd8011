import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ACME_QUERY, CLOSE } from './seed-ids.js';
import { createEdit, editCount } from './bulk-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const q = { s_query: ACME_QUERY };
const F = CLOSE.field;

// [name, payload, the field-errors keys expected]
const cases: [string, Record<string, unknown>, string[]][] = [
  ['no type', { ...q, lead_status_id: CLOSE.status.qualified }, ['type']],
  ['an unknown type', { ...q, type: 'set_everything' }, ['type']],
  ['neither s_query nor query', { type: 'set_lead_status', lead_status_id: CLOSE.status.qualified }, ['s_query']],
  ['only a blank legacy string query', { type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, query: '  ' }, ['s_query']],
  ['only a legacy string query with an unknown field', { type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, query: 'colour:red' }, ['query']],
  ['set_lead_status without lead_status_id', { ...q, type: 'set_lead_status' }, ['lead_status_id']],
  ['an unknown lead status', { ...q, type: 'set_lead_status', lead_status_id: 'stat_nope' }, ['lead_status_id']],
  ['a custom field parameter on set_lead_status', { ...q, type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, custom_field_id: F.industry }, ['custom_field_id']],
  ['set_custom_field without a field', { ...q, type: 'set_custom_field', custom_field_value: 'x' }, ['custom_field_id']],
  ['an unknown custom field id', { ...q, type: 'set_custom_field', custom_field_id: 'cf_nope', custom_field_value: 'x' }, ['custom_field_id']],
  ['a contact field on the lead type', { ...q, type: 'set_custom_field', custom_field_id: F.department, custom_field_value: 'x' }, ['custom_field_id']],
  ['an inexact field name', { ...q, type: 'set_custom_field', custom_field_name: 'industry', custom_field_value: 'x' }, ['custom_field_name']],
  ['an id and a name that disagree', { ...q, type: 'set_custom_field', custom_field_id: F.industry, custom_field_name: 'Products', custom_field_value: 'x' }, ['custom_field_name']],
  ['no value', { ...q, type: 'set_custom_field', custom_field_id: F.sourceDetail }, ['custom_field_value']],
  ['a value that is not a choice', { ...q, type: 'set_custom_field', custom_field_id: F.industry, custom_field_value: 'Magic' }, ['custom_field_value']],
  ['text for a number field', { ...q, type: 'set_custom_field', custom_field_id: F.employees, custom_field_value: 'many' }, ['custom_field_value']],
  ['a malformed date', { ...q, type: 'set_custom_field', custom_field_id: F.renewal, custom_field_value: '2026/01/01' }, ['custom_field_value']],
  ['an unknown user for a user field', { ...q, type: 'set_custom_field', custom_field_id: F.accountOwner, custom_field_value: 'user_nobody' }, ['custom_field_value']],
  ['custom_field_values on a single-value field', { ...q, type: 'set_custom_field', custom_field_id: F.industry, custom_field_values: ['SaaS'] }, ['custom_field_values']],
  ['an add operation on a single-value field', { ...q, type: 'set_custom_field', custom_field_id: F.sourceDetail, custom_field_value: 'x', custom_field_operation: 'add' }, ['custom_field_operation']],
  ['an unknown operation', { ...q, type: 'set_custom_field', custom_field_id: F.products, custom_field_values: ['x'], custom_field_operation: 'merge' }, ['custom_field_operation']],
  ['a bad choice among multiple values', { ...q, type: 'set_custom_field', custom_field_id: F.products, custom_field_values: ['Nope'] }, ['custom_field_values']],
  ['both value and values', { ...q, type: 'set_custom_field', custom_field_id: F.products, custom_field_value: 'a', custom_field_values: ['b'] }, ['custom_field_values']],
  ['a value on a clear', { ...q, type: 'clear_custom_field', custom_field_id: F.sourceDetail, custom_field_value: 'x' }, ['custom_field_value']],
  ['a lead field on the global type', { ...q, type: 'set_global_custom_field', custom_field_id: F.sourceDetail, custom_field_value: 'x' }, ['custom_field_id']],
  ['results_limit below 0', { ...q, type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, results_limit: -1 }, ['results_limit']],
  ['send_done_email not a boolean', { ...q, type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, send_done_email: 'no' }, ['send_done_email']],
  ['an unsupported s_query node', { s_query: { type: 'telepathy' }, type: 'set_lead_status', lead_status_id: CLOSE.status.qualified }, ['s_query']],
];

for (const [name, payload, keys] of cases) {
  t.test(`a bulk edit with ${name} is a 400 naming ${keys.join(', ')} and creates nothing`, async (t) => {
    const app = await build(t);
    const res = await createEdit(app, payload);
    t.equal(res.statusCode, 400);
    const body = res.json();
    t.same(Object.keys(body).sort(), ['errors', 'field-errors']);
    t.same(body.errors, []);
    for (const k of keys) t.type(body['field-errors'][k], 'string', `field-errors.${k}: ${JSON.stringify(body)}`);
    t.equal(editCount(app), 0);
  });
}

t.test('a legacy query that does not parse is refused with a message naming the token', async (t) => {
  const app = await build(t);
  const res = await createEdit(app, { type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, query: 'name:"ACME Inc." and (colour:red' });
  t.equal(res.statusCode, 400);
  t.match(res.json()['field-errors'].query, /"colour"/);
  t.equal(editCount(app), 0);
});
