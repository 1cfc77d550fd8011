import t from 'tap';
import { build, count } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

const F = { dealType: fieldId('Deal Type', 'opportunity'), seats: fieldId('Seats', 'opportunity'), region: fieldId('Region', 'shared'), source: fieldId('Source Detail') };
const apiUser = CS.users[0]!.id;
const active = CS.opportunity_statuses.find((s) => s.type === 'active')!;
const won = CS.opportunity_statuses.find((s) => s.type === 'won')!;

t.test('opportunities list newest first, filter by lead_id and trim with _fields', async (t) => {
  const app = await build(t);
  const all = (await call(app, { path: '/opportunity/?_limit=200' })).json();
  const keys = all.data.map((o: { date_created: string; id: string }) => `${o.date_created}|${o.id}`);
  t.same(keys, [...keys].sort().reverse());
  const ofLead = (await call(app, { path: `/opportunity/?lead_id=${SEEDED_LEAD.id}&_fields=id,lead_id,status_type` })).json();
  t.equal(ofLead.data.length, SEEDED_LEAD.opportunities.length);
  t.ok(ofLead.data.every((o: { lead_id: string }) => o.lead_id === SEEDED_LEAD.id));
  t.ok(ofLead.data.every((o: object) => Object.keys(o).join() === 'id,lead_id,status_type'));
  isFieldError(t, await call(app, { path: '/opportunity/?_limit=201' }), '_limit');
});

t.test('creating an opportunity defaults to the first active status and the key\'s user', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: SEEDED_LEAD.id, value: 500000, value_period: 'monthly', [`custom.${F.seats}`]: 25, [`custom.${F.region}`]: 'Tohoku' } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o.id, /^oppo_[0-9A-Za-z]{43}$/);
  t.match(o, {
    lead_id: SEEDED_LEAD.id, status_id: active.id, status_label: active.label, status_type: 'active', value: 500000, value_period: 'monthly',
    user_id: apiUser, note: null, organization_id: org, created_by: apiUser, [`custom.${F.seats}`]: 25, [`custom.${F.region}`]: 'Tohoku',
  });
  t.match(rows(app, `SELECT * FROM close_opportunities WHERE org_id = ? AND id = ?`, org, o.id)[0], { value: 500000, status_id: active.id, lead_id: SEEDED_LEAD.id });
  t.equal(stored(app, o.id, F.seats), 25);
  t.same((await call(app, { path: `/opportunity/${o.id}/` })).json(), o);
  t.ok((await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json().opportunities.some((x: { id: string }) => x.id === o.id));
});

t.test('bad opportunity input is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'lead_id'],
    [{ lead_id: 'lead_missing' }, 'lead_id'],
    [{ lead_id: SEEDED_LEAD.id, status_id: CS.lead_statuses[0]!.id }, 'status_id'],
    [{ lead_id: SEEDED_LEAD.id, value: 1.5 }, 'value'],
    [{ lead_id: SEEDED_LEAD.id, value: '100' }, 'value'],
    [{ lead_id: SEEDED_LEAD.id, value_period: 'weekly' }, 'value_period'],
    [{ lead_id: SEEDED_LEAD.id, user_id: 'user_nobody' }, 'user_id'],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.dealType}`]: 'Barter' }, `custom.${F.dealType}`],
    [{ lead_id: SEEDED_LEAD.id, [`custom.${F.source}`]: 'web' }, `custom.${F.source}`],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/opportunity/', payload }), field);
  t.same((await badJson(app, 'POST', '/opportunity/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT moves status and custom values; DELETE answers {}', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const seeded = SEEDED_LEAD.opportunities[0]!;
  const res = await call(app, { method: 'PUT', path: `/opportunity/${seeded.id}/`, payload: { status_id: won.id, [`custom.${F.dealType}`]: null, [`custom.${F.seats}`]: '40' } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.match(o, { status_id: won.id, status_label: won.label, status_type: 'won', value: seeded.value, value_period: seeded.value_period, [`custom.${F.seats}`]: 40 });
  t.notOk(`custom.${F.dealType}` in o);
  t.same((await call(app, { path: `/opportunity/${seeded.id}/` })).json(), o);

  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/opportunity/${seeded.id}/`, payload: { status_id: 'stat_nope' } }), 'status_id');
  t.same((await badJson(app, 'PUT', `/opportunity/${seeded.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  isError(t, await call(app, { method: 'PUT', path: '/opportunity/oppo_missing/', payload: {} }), 404);
  t.equal(closeState(app), before);

  const del = await call(app, { method: 'DELETE', path: `/opportunity/${seeded.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_opportunities', org, 'id = ?', seeded.id), 0);
  t.equal(count(app, 'close_custom_values', org, 'object_id = ?', seeded.id), 0);
  isError(t, await call(app, { path: `/opportunity/${seeded.id}/` }), 404);
});
