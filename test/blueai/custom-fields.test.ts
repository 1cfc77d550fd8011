import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, bearer, orgOf, row, count, snapshot, isError, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const base = '/api/v1/crm';
const NOW = '2026-06-01T09:00:00.000Z';
const DEFS = 'blueai_custom_field_definitions';

/** The documented definition fields (spec §5), literally. */
const DOCUMENTED = ['id', 'resource_type', 'name', 'field_type', 'options_json', 'is_required', 'sort_order', 'created_at', 'updated_at'];

const send = (app: FastifyInstance, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
  app.inject({ method, url: `${base}${path}`, headers: bearer(), ...(payload ? { payload } : {}) });

async function define(t: Test, app: FastifyInstance, body: Record<string, unknown>) {
  const res = await send(app, 'POST', '/custom-fields', body);
  t.equal(res.statusCode, 201, `create ${JSON.stringify(body)}: ${res.body}`.slice(0, 200));
  return res.json().definition as Record<string, any>;
}

/** An organization without records, so the definitions and values are only the test's own. */
async function emptyApp(t: Test) {
  const app = await build(t);
  app.clock.set(new Date(NOW), true);
  const org = orgOf(app);
  app.tenants.db(org).prepare(`DELETE FROM ${DEFS} WHERE org_id = ?`).run(org);
  return { app, org };
}

const storedDef = (app: FastifyInstance, org: string, id: string) => {
  const r = row(app, DEFS, org, id);
  return r && { ...r, is_required: r.is_required === 1 };
};

t.test('creating a definition of each field type answers 201 {"definition"} with the documented fields and stores it', async (t) => {
  const { app, org } = await emptyApp(t);
  const cases = [
    { resource_type: 'deal', name: '導入時期', field_type: 'date' },
    { resource_type: 'deal', name: '経路', field_type: 'select', options_json: '["Web","展示会"]', is_required: true },
    { resource_type: 'company', name: 'ランク', field_type: 'multi_select', options_json: '["A","B"]', sort_order: 7 },
    { resource_type: 'contact', name: 'メモ', field_type: 'text' },
    { resource_type: 'contact', name: '予算', field_type: 'number', options_json: null },
  ];
  for (const body of cases) {
    const res = await send(app, 'POST', '/custom-fields', body);
    t.equal(res.statusCode, 201);
    t.same(Object.keys(res.json()), ['definition']);
    const def = res.json().definition;
    t.same(Object.keys(def).sort(), [...DOCUMENTED].sort(), 'exactly the documented fields');
    t.match(def.id, /^cfd_[0-9a-f]{32}$/);
    t.match(def, { ...body, options_json: body.options_json ?? null, is_required: body.is_required ?? false, created_at: NOW, updated_at: NOW });
    t.same(storedDef(app, org, def.id), { org_id: org, ...def });
  }
  t.equal((await send(app, 'GET', '/custom-fields?resource_type=deal')).json().definitions[1].sort_order, 1,
    'sort_order defaults to after the last definition of its resource type');
});

t.test('listing definitions filters by resource_type, in sort_order, wrapped in {"definitions"}', async (t) => {
  const { app } = await emptyApp(t);
  const b = await define(t, app, { resource_type: 'deal', name: 'b', field_type: 'text', sort_order: 2 });
  const a = await define(t, app, { resource_type: 'deal', name: 'a', field_type: 'text', sort_order: 1 });
  const c = await define(t, app, { resource_type: 'company', name: 'c', field_type: 'number' });
  const deal = await send(app, 'GET', '/custom-fields?resource_type=deal');
  t.equal(deal.statusCode, 200);
  t.same(deal.json(), { definitions: [a, b] });
  t.same((await send(app, 'GET', '/custom-fields?resource_type=company')).json(), { definitions: [c] });
  t.same((await send(app, 'GET', '/custom-fields?resource_type=contact')).json(), { definitions: [] });
  t.same((await send(app, 'GET', '/custom-fields')).json().definitions.map((d: { id: string }) => d.id), [c.id, a.id, b.id]);
});

t.test('bad definitions are a 400 naming the field and store nothing', async (t) => {
  const { app, org } = await emptyApp(t);
  const before = snapshot(app, DEFS, org);
  const ok = { resource_type: 'deal', name: 'x', field_type: 'select', options_json: '["a"]' };
  const cases: [Record<string, unknown>, string][] = [
    [{ ...ok, resource_type: 'lead' }, 'resource_type'],
    [{ ...ok, field_type: 'checkbox' }, 'field_type'],
    [{ ...ok, name: '' }, 'name'],
    [{ ...ok, options_json: undefined }, 'options_json'],
    [{ ...ok, options_json: null }, 'options_json'],
    [{ ...ok, field_type: 'multi_select', options_json: undefined }, 'options_json'],
    [{ ...ok, options_json: '["a",' }, 'options_json'],
    [{ ...ok, options_json: '{"a":1}' }, 'options_json'],
    [{ ...ok, options_json: '[]' }, 'options_json'],
    [{ ...ok, options_json: '[1, 2]' }, 'options_json'],
    [{ ...ok, options_json: '["a","a"]' }, 'options_json'],
    [{ ...ok, options_json: '[""]' }, 'options_json'],
    [{ ...ok, options_json: JSON.stringify(Array.from({ length: 101 }, (_, i) => `o${i}`)) }, 'options_json'],
    [{ ...ok, options_json: JSON.stringify(['x'.repeat(201)]) }, 'options_json'],
    [{ ...ok, options_json: JSON.stringify(['x'.repeat(10_001)]) }, 'options_json'],
    [{ ...ok, options_json: [] }, 'options_json'],
    [{ ...ok, field_type: 'text' }, 'options_json'],
    [{ ...ok, is_required: 'yes' }, 'is_required'],
    [{ ...ok, sort_order: 1.5 }, 'sort_order'],
  ];
  for (const [payload, field] of cases) {
    const error = isError(t, await send(app, 'POST', '/custom-fields', payload), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload).slice(0, 80)} names ${field}: ${error.message}`.slice(0, 200));
  }
  const list = isError(t, await send(app, 'GET', '/custom-fields?resource_type=opportunity'), 400, 'VALIDATION_ERROR');
  t.same(list.details.fields, { resource_type: 'must be one of: deal, company, contact' });
  t.equal(snapshot(app, DEFS, org), before);
});

t.test('a name already used by a definition of the same resource type is a 409; another resource type may reuse it', async (t) => {
  const { app, org } = await emptyApp(t);
  const first = await define(t, app, { resource_type: 'deal', name: '経路', field_type: 'text' });
  const error = isError(t, await send(app, 'POST', '/custom-fields', { resource_type: 'deal', name: '経路', field_type: 'number' }), 409, 'CONFLICT');
  t.equal(error.details.existing_id, first.id);
  await define(t, app, { resource_type: 'company', name: '経路', field_type: 'text' });
  t.equal(count(app, DEFS, org), 2);
});

t.test('at most 100 definitions per resource type: the 101st is a 400', async (t) => {
  const { app, org } = await emptyApp(t);
  for (let i = 0; i < 100; i++) await define(t, app, { resource_type: 'contact', name: `f${i}`, field_type: 'text' });
  isError(t, await send(app, 'POST', '/custom-fields', { resource_type: 'contact', name: 'f100', field_type: 'text' }), 400, 'VALIDATION_ERROR');
  t.equal(count(app, DEFS, org, `resource_type = 'contact'`), 100);
  await define(t, app, { resource_type: 'deal', name: 'f100', field_type: 'text' });
});

t.test('patching a definition changes the given fields and updated_at; type changes, bad options and unknown ids are refused', async (t) => {
  const { app, org } = await emptyApp(t);
  const def = await define(t, app, { resource_type: 'deal', name: '経路', field_type: 'select', options_json: '["a","b"]' });
  app.clock.set(new Date('2026-06-02T00:00:00Z'), true);
  const res = await send(app, 'PATCH', `/custom-fields/${def.id}`, { name: '獲得経路', options_json: '["a","b","c"]', is_required: true, sort_order: 5, field_type: 'select' });
  t.equal(res.statusCode, 200);
  const expected = { ...def, name: '獲得経路', options_json: '["a","b","c"]', is_required: true, sort_order: 5, updated_at: '2026-06-02T00:00:00.000Z' };
  t.same(res.json(), { definition: expected });
  t.same(storedDef(app, org, def.id), { org_id: org, ...expected });
  const before = snapshot(app, DEFS, org);
  for (const [payload, field] of [[{ field_type: 'text' }, 'field_type'], [{ resource_type: 'company' }, 'resource_type'], [{ options_json: 'nope' }, 'options_json'],
    [{ options_json: null }, 'options_json'], [{}, '']] as const) {
    const error = isError(t, await send(app, 'PATCH', `/custom-fields/${def.id}`, payload), 400, 'VALIDATION_ERROR');
    if (field) t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload)} names ${field}`);
  }
  isError(t, await send(app, 'PATCH', '/custom-fields/cfd_00000000000000000000000000000000', { name: 'x' }), 404, 'NOT_FOUND');
  isError(t, await send(app, 'DELETE', '/custom-fields/cfd_00000000000000000000000000000000'), 404, 'NOT_FOUND');
  t.equal(snapshot(app, DEFS, org), before);
});

t.test('values on deals, companies and contacts are checked against their definitions and stored keyed by definition id', async (t) => {
  const { app, org } = await emptyApp(t);
  const source = await define(t, app, { resource_type: 'deal', name: '経路', field_type: 'select', options_json: '["Web","展示会"]', is_required: true });
  const rivals = await define(t, app, { resource_type: 'deal', name: '競合', field_type: 'multi_select', options_json: '["A社","B社","C社"]' });
  const when = await define(t, app, { resource_type: 'deal', name: '時期', field_type: 'date' });
  const budget = await define(t, app, { resource_type: 'company', name: '予算', field_type: 'number' });
  const memo = await define(t, app, { resource_type: 'contact', name: 'メモ', field_type: 'text' });

  const values = { [source.id]: '展示会', [rivals.id]: ['A社', 'C社'], [when.id]: '2026-12-01' };
  const deal = await send(app, 'POST', '/deals', { name: 'cf', custom_fields: values });
  t.equal(deal.statusCode, 201);
  t.same(deal.json().custom_fields, values);
  t.same(row(app, 'blueai_deals', org, deal.json().id)!.custom_fields, values, 'stored on the deal');
  t.same((await send(app, 'GET', `/deals/${deal.json().id}`)).json().custom_fields, values);

  const company = await send(app, 'POST', '/companies', { name: 'cf', custom_fields: { [budget.id]: 1500.5 } });
  t.equal(company.statusCode, 201);
  t.same(row(app, 'blueai_companies', org, company.json().id)!.custom_fields, { [budget.id]: 1500.5 });
  const contact = await send(app, 'POST', '/contacts', { last_name: 'cf', custom_fields: { [memo.id]: '決裁者' } });
  t.equal(contact.statusCode, 201);
  t.same(row(app, 'blueai_contacts', org, contact.json().id)!.custom_fields, { [memo.id]: '決裁者' });
  t.same((await send(app, 'POST', '/contacts', { last_name: 'none' })).json().custom_fields, {}, 'a record without values has {}');

  const deals = snapshot(app, 'blueai_deals', org);
  const companies = count(app, 'blueai_companies', org);
  const contacts = count(app, 'blueai_contacts', org);
  const bad: [Record<string, unknown>, string][] = [
    [{ [source.id]: '紹介' }, 'value not in options'],
    [{ [source.id]: ['Web'] }, 'select given an array'],
    [{ [source.id]: 'Web', [rivals.id]: ['A社', 'D社'] }, 'multi_select option not offered'],
    [{ [source.id]: 'Web', [rivals.id]: 'A社' }, 'multi_select given a string'],
    [{ [source.id]: 'Web', [rivals.id]: ['A社', 'A社'] }, 'multi_select repeats'],
    [{ [source.id]: 'Web', [when.id]: '2026-02-30' }, 'not a calendar date'],
    [{ [source.id]: 'Web', [when.id]: 20261201 }, 'date given a number'],
    [{ [source.id]: 'Web', [budget.id]: 5 }, 'a company definition on a deal'],
    [{ [source.id]: 'Web', cfd_00000000000000000000000000000000: 'x' }, 'unknown definition'],
    [{ [source.id]: 'Web', constructor: 'x', toString: 'x' }, 'prototype names'],
    [{}, 'required value missing'],
    [{ [source.id]: null }, 'required value null'],
  ];
  for (const [custom_fields, why] of bad) {
    const error = isError(t, await send(app, 'POST', '/deals', { name: 'bad', custom_fields }), 400, 'VALIDATION_ERROR');
    t.ok(Object.keys(error.details.fields ?? {}).some((k) => k.startsWith('custom_fields')), `${why}: ${error.message}`);
  }
  isError(t, await send(app, 'POST', '/deals', { name: 'no custom_fields at all' }), 400, 'VALIDATION_ERROR');
  const proto = await app.inject({ method: 'POST', url: `${base}/deals`, headers: { ...bearer(), 'content-type': 'application/json' },
    payload: `{"name":"p","custom_fields":{"${source.id}":"Web","__proto__":"x"}}` });
  t.equal(proto.statusCode, 400, '__proto__ as a definition id');
  isError(t, await send(app, 'POST', '/companies', { name: 'x', custom_fields: { [budget.id]: '1500' } }), 400, 'VALIDATION_ERROR');
  isError(t, await send(app, 'POST', '/contacts', { last_name: 'x', custom_fields: { [memo.id]: 5 } }), 400, 'VALIDATION_ERROR');
  isError(t, await send(app, 'POST', '/contacts', { last_name: 'x', custom_fields: { [memo.id]: 'x'.repeat(10_001) } }), 400, 'VALIDATION_ERROR');
  t.equal(snapshot(app, 'blueai_deals', org), deals, 'no deal stored');
  t.equal(count(app, 'blueai_companies', org), companies, 'no company stored');
  t.equal(count(app, 'blueai_contacts', org), contacts, 'no contact stored');
});

t.test('patching custom_fields merges by definition id, null removes a value, and a required value cannot be cleared', async (t) => {
  const { app, org } = await emptyApp(t);
  const req = await define(t, app, { resource_type: 'company', name: 'ランク', field_type: 'select', options_json: '["A","B"]', is_required: true });
  const opt = await define(t, app, { resource_type: 'company', name: 'メモ', field_type: 'text' });
  const created = (await send(app, 'POST', '/companies', { name: 'c', custom_fields: { [req.id]: 'A', [opt.id]: 'x' } })).json();
  const res = await send(app, 'PATCH', `/companies/${created.id}`, { custom_fields: { [req.id]: 'B', [opt.id]: null } });
  t.equal(res.statusCode, 200);
  t.same(res.json().custom_fields, { [req.id]: 'B' });
  t.same(row(app, 'blueai_companies', org, created.id)!.custom_fields, { [req.id]: 'B' });
  const untouched = await send(app, 'PATCH', `/companies/${created.id}`, { note: 'n' });
  t.same(untouched.json().custom_fields, { [req.id]: 'B' }, 'a patch without custom_fields keeps them');
  const before = snapshot(app, 'blueai_companies', org);
  isError(t, await send(app, 'PATCH', `/companies/${created.id}`, { custom_fields: { [req.id]: null } }), 400, 'VALIDATION_ERROR');
  isError(t, await send(app, 'PATCH', `/companies/${created.id}`, { custom_fields: { [req.id]: 'C' } }), 400, 'VALIDATION_ERROR');
  t.equal(snapshot(app, 'blueai_companies', org), before);
  // A definition made required later does not invalidate older records until a patch touches it.
  const later = await define(t, app, { resource_type: 'company', name: '後から', field_type: 'number', is_required: true });
  t.equal((await send(app, 'PATCH', `/companies/${created.id}`, { name: 'renamed' })).statusCode, 200);
  t.notOk(Object.hasOwn(row(app, 'blueai_companies', org, created.id)!.custom_fields as object, later.id));
});

t.test('deleting a definition removes its values from every record, which keep their updated_at', async (t) => {
  const { app, org } = await emptyApp(t);
  const gone = await define(t, app, { resource_type: 'deal', name: 'gone', field_type: 'text' });
  const kept = await define(t, app, { resource_type: 'deal', name: 'kept', field_type: 'number' });
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await send(app, 'POST', '/deals', { name: `d${i}`, custom_fields: { [gone.id]: `v${i}`, [kept.id]: i } })).json().id);
  const before = ids.map((id) => row(app, 'blueai_deals', org, id)!);
  app.clock.set(new Date('2026-07-01T00:00:00Z'), true);
  const res = await send(app, 'DELETE', `/custom-fields/${gone.id}`);
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(row(app, DEFS, org, gone.id), undefined);
  ids.forEach((id, i) => t.same(row(app, 'blueai_deals', org, id), { ...before[i], custom_fields: { [kept.id]: i } }));
  t.equal(count(app, 'blueai_deals', org, `custom_fields LIKE ?`, `%${gone.id}%`), 0);
  isError(t, await send(app, 'DELETE', `/custom-fields/${gone.id}`), 404, 'NOT_FOUND');
});

t.test('narrowing a select\'s options may not drop an option records hold (409); unused options can go', async (t) => {
  const { app, org } = await emptyApp(t);
  const def = await define(t, app, { resource_type: 'contact', name: '関心', field_type: 'multi_select', options_json: '["a","b","c"]' });
  await send(app, 'POST', '/contacts', { last_name: 'x', custom_fields: { [def.id]: ['a', 'b'] } });
  await send(app, 'POST', '/contacts', { last_name: 'y', custom_fields: { [def.id]: ['a'] } });
  const before = snapshot(app, DEFS, org);
  const error = isError(t, await send(app, 'PATCH', `/custom-fields/${def.id}`, { options_json: '["c"]' }), 409, 'CONFLICT');
  t.same(error.details.options_in_use, { a: 2, b: 1 });
  t.equal(snapshot(app, DEFS, org), before);
  const ok = await send(app, 'PATCH', `/custom-fields/${def.id}`, { options_json: '["a","b"]' });
  t.equal(ok.statusCode, 200);
  t.equal(row(app, DEFS, org, def.id)!.options_json, '["a","b"]');
});
