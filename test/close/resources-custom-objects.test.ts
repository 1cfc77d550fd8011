import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const subscription = CS.custom_object_types[0]!.id;
const F = { plan: fieldId('Plan', 'custom_object'), seats: fieldId('Seats', 'custom_object'), tags: fieldId('Tags', 'shared'), region: fieldId('Region', 'shared'), oppSeats: fieldId('Seats', 'opportunity') };
const seeded = CS.leads.flatMap((l) => l.custom_objects.map((o) => ({ ...o, lead_id: l.id })));

t.test('custom objects list newest first, filter by lead and type, and read back with custom keys', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: '/custom_object/?_limit=200' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().data.length, seeded.length);
  t.equal(res.json().has_more, false);
  const keys = res.json().data.map((o: { date_created: string; id: string }) => `${o.date_created}|${o.id}`);
  t.same(keys, [...keys].sort().reverse());
  const one = seeded[0]!;
  const ofLead = (await call(app, { path: `/custom_object/?lead_id=${one.lead_id}&custom_object_type_id=${subscription}&_fields=id,lead_id` })).json().data;
  t.equal(ofLead.length, count(app, 'close_custom_objects', org, 'lead_id = ?', one.lead_id));
  t.ok(ofLead.every((o: object) => Object.keys(o).join() === 'id,lead_id'));
  const got = (await call(app, { path: `/custom_object/${one.id}/` })).json();
  t.match(got, { id: one.id, name: one.name, lead_id: one.lead_id, custom_object_type_id: subscription, organization_id: org });
  for (const [id, value] of Object.entries(one.custom)) t.same(got[`custom.${id}`], value);
  isError(t, await call(app, { path: '/custom_object/custobj_missing/' }), 404);
  isFieldError(t, await call(app, { path: '/custom_object/?_limit=201' }), '_limit');
  const types = (await call(app, { path: '/custom_object_type/' })).json();
  t.same(types, { data: CS.custom_object_types.map((x) => ({ ...x, organization_id: org })), has_more: false });
  t.same((await call(app, { path: `/custom_object_type/${subscription}/` })).json(), { ...CS.custom_object_types[0], organization_id: org });
  isError(t, await call(app, { path: '/custom_object_type/cotype_missing/' }), 404);
});

t.test('creating a custom object answers 200 and stores it; bad input is a 400 that stores nothing', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/custom_object/', payload: { custom_object_type_id: subscription, lead_id: SEEDED_LEAD.id, name: 'Pro 2027', [`custom.${F.plan}`]: 'Growth', [`custom.${F.seats}`]: 12, [`custom.${F.tags}`]: ['Partner'] } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o.id, /^custobj_[0-9A-Za-z]{43}$/);
  t.match(o, { custom_object_type_id: subscription, lead_id: SEEDED_LEAD.id, name: 'Pro 2027', organization_id: org, [`custom.${F.plan}`]: 'Growth', [`custom.${F.seats}`]: 12 });
  t.same(o[`custom.${F.tags}`], ['Partner']);
  t.match(rows(app, `SELECT * FROM close_custom_objects WHERE org_id = ? AND id = ?`, org, o.id)[0], { name: 'Pro 2027', lead_id: SEEDED_LEAD.id });
  t.equal(stored(app, o.id, F.seats), 12);
  t.same((await call(app, { path: `/custom_object/${o.id}/` })).json(), o);

  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{ lead_id: SEEDED_LEAD.id }, 'custom_object_type_id'],
    [{ custom_object_type_id: subscription }, 'lead_id'],
    [{ custom_object_type_id: 'cotype_missing', lead_id: SEEDED_LEAD.id }, 'custom_object_type_id'],
    [{ custom_object_type_id: subscription, lead_id: 'lead_missing' }, 'lead_id'],
    [{ custom_object_type_id: subscription, lead_id: SEEDED_LEAD.id, [`custom.${F.plan}`]: 'Platinum' }, `custom.${F.plan}`],
    [{ custom_object_type_id: subscription, lead_id: SEEDED_LEAD.id, [`custom.${F.oppSeats}`]: 3 }, `custom.${F.oppSeats}`],
    [{ custom_object_type_id: subscription, lead_id: SEEDED_LEAD.id, [`custom.${F.region}`]: 'Kanto' }, `custom.${F.region}`],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/custom_object/', payload }), field);
  t.same((await badJson(app, 'POST', '/custom_object/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT edits a custom object; DELETE answers {} and removes its values', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const one = seeded[0]!;
  const res = await call(app, { method: 'PUT', path: `/custom_object/${one.id}/`, payload: { name: 'Renamed', [`custom.${F.seats}`]: '9', [`custom.${F.plan}`]: null } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { name: 'Renamed', [`custom.${F.seats}`]: 9 });
  t.notOk(`custom.${F.plan}` in res.json());
  t.same((await call(app, { path: `/custom_object/${one.id}/` })).json(), res.json());

  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_object/${one.id}/`, payload: { name: 'x', [`custom.${F.seats}`]: 'lots' } }), `custom.${F.seats}`);
  isError(t, await call(app, { method: 'PUT', path: '/custom_object/custobj_missing/', payload: { name: 'x' } }), 404);
  t.same((await badJson(app, 'PUT', `/custom_object/${one.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);

  const del = await call(app, { method: 'DELETE', path: `/custom_object/${one.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_custom_objects', org, 'id = ?', one.id), 0);
  t.equal(count(app, 'close_custom_values', org, 'object_id = ?', one.id), 0);
  isError(t, await call(app, { method: 'DELETE', path: `/custom_object/${one.id}/` }), 404);
});
