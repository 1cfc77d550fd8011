import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, SEEDED_LEAD, badJson, call, closeOrg, closeState, fieldId, isError, isFieldError, rows, stored } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const discovery = CS.custom_activity_types.find((a) => a.name === 'Discovery Call')!.id;
const demo = CS.custom_activity_types.find((a) => a.name === 'Demo')!.id;
const F = { callOutcome: fieldId('Call Outcome', 'activity'), demoOutcome: fieldId('Demo Outcome', 'activity'), tags: fieldId('Tags', 'shared'), region: fieldId('Region', 'shared') };
const callChoices = CS.custom_fields.find((f) => f.id === F.callOutcome)!.choices!;
const apiUser = CS.users[0]!.id;
const allActivities = CS.leads.flatMap((l) => l.activities.map((a) => ({ ...a, lead_id: l.id })));
const note = allActivities.find((a) => a.custom_activity_type_id === null)!;
const custom = allActivities.find((a) => a.custom_activity_type_id === discovery)!;

t.test('activities list newest first with _type, filter by lead and type, and trim with _fields', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: '/activity/?_limit=200' });
  t.equal(res.statusCode, 200);
  const keys = res.json().data.map((a: { date_created: string; id: string }) => `${a.date_created}|${a.id}`);
  t.same(keys, [...keys].sort().reverse());
  t.equal(res.json().has_more, true);
  const ofLead = (await call(app, { path: `/activity/?lead_id=${custom.lead_id}` })).json().data;
  t.equal(ofLead.length, count(app, 'close_activities', org, 'lead_id = ?', custom.lead_id));
  const typed = (await call(app, { path: `/activity/custom/?custom_activity_type_id=${demo}&_limit=200&_fields=custom_activity_type_id,_type` })).json().data;
  t.equal(typed.length, allActivities.filter((a) => a.custom_activity_type_id === demo).length);
  t.ok(typed.every((a: object) => JSON.stringify(a) === JSON.stringify({ _type: 'CustomActivity', custom_activity_type_id: demo })));
  const customOnly = (await call(app, { path: '/activity/custom/?_limit=200&_skip=200' })).json();
  const customCount = allActivities.filter((a) => a.custom_activity_type_id !== null).length;
  t.equal(customOnly.data.length, Math.min(200, customCount - 200));
  t.ok(customOnly.data.every((a: { _type: string }) => a._type === 'CustomActivity'));
  const n = (await call(app, { path: `/activity/${note.id}/` })).json();
  t.match(n, { id: note.id, _type: 'Note', custom_activity_type_id: null, note: note.note, lead_id: note.lead_id, organization_id: org });
  const c = (await call(app, { path: `/activity/custom/${custom.id}/` })).json();
  for (const [id, value] of Object.entries(custom.custom)) t.same(c[`custom.${id}`], value);
  isError(t, await call(app, { path: `/activity/custom/${note.id}/` }), 404);
  isError(t, await call(app, { path: '/activity/acti_missing/' }), 404);
  isFieldError(t, await call(app, { path: '/activity/?_limit=201' }), '_limit');
});

t.test('custom activity types list', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = (await call(app, { path: '/custom_activity/' })).json();
  t.same(res.data.map((a: { id: string }) => a.id).sort(), CS.custom_activity_types.map((a) => a.id).sort());
  t.ok(res.data.every((a: { organization_id: string }) => a.organization_id === org));
  t.same((await call(app, { path: `/custom_activity/${demo}/` })).json(), { id: demo, name: 'Demo', organization_id: org });
  isError(t, await call(app, { path: '/custom_activity/actitype_missing/' }), 404);
});

t.test('creating a custom activity takes its type\'s fields and shared fields associated with that type', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/activity/custom/', payload: { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, note: 'Intro call', [`custom.${F.callOutcome}`]: callChoices[0], [`custom.${F.tags}`]: ['Partner'] } });
  t.equal(res.statusCode, 200);
  const a = res.json();
  t.match(a.id, /^acti_[0-9A-Za-z]{43}$/);
  t.match(a, { _type: 'CustomActivity', lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, note: 'Intro call', user_id: apiUser, organization_id: org, [`custom.${F.callOutcome}`]: callChoices[0] });
  t.same(a[`custom.${F.tags}`], ['Partner']);
  t.match(rows(app, `SELECT * FROM close_activities WHERE org_id = ? AND id = ?`, org, a.id)[0], { lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, note: 'Intro call' });
  t.equal(stored(app, a.id, F.callOutcome), callChoices[0]);
  t.same((await call(app, { path: `/activity/custom/${a.id}/` })).json(), a);
  t.same((await call(app, { path: `/activity/${a.id}/` })).json(), a);

  const before = closeState(app);
  const cases: [Record<string, unknown>, string][] = [
    [{ custom_activity_type_id: discovery }, 'lead_id'],
    [{ lead_id: SEEDED_LEAD.id }, 'custom_activity_type_id'],
    [{ lead_id: 'lead_missing', custom_activity_type_id: discovery }, 'lead_id'],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: 'actitype_missing' }, 'custom_activity_type_id'],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, [`custom.${F.callOutcome}`]: 'Maybe later' }, `custom.${F.callOutcome}`],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, [`custom.${F.demoOutcome}`]: 'Positive' }, `custom.${F.demoOutcome}`],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: demo, [`custom.${F.tags}`]: ['Partner'] }, `custom.${F.tags}`],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, [`custom.${F.region}`]: 'Kanto' }, `custom.${F.region}`],
    [{ lead_id: SEEDED_LEAD.id, custom_activity_type_id: discovery, note: 5 }, 'note'],
  ];
  for (const [payload, field] of cases) isFieldError(t, await call(app, { method: 'POST', path: '/activity/custom/', payload }), field);
  t.same((await badJson(app, 'POST', '/activity/custom/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});

t.test('PUT edits a custom activity; DELETE on either path answers {}', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'PUT', path: `/activity/custom/${custom.id}/`, payload: { note: 'Rescheduled', [`custom.${F.callOutcome}`]: null, [`custom.${F.tags}`]: ['Partner', 'Churn Risk'] } });
  t.equal(res.statusCode, 200);
  const a = res.json();
  t.equal(a.note, 'Rescheduled');
  t.notOk(`custom.${F.callOutcome}` in a);
  t.same(a[`custom.${F.tags}`], ['Partner', 'Churn Risk']);
  t.same((await call(app, { path: `/activity/custom/${custom.id}/` })).json(), a);

  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/custom/${custom.id}/`, payload: { [`custom.${F.demoOutcome}`]: 'Positive' } }), `custom.${F.demoOutcome}`);
  isError(t, await call(app, { method: 'PUT', path: `/activity/custom/${note.id}/`, payload: { note: 'x' } }), 404);
  t.same((await badJson(app, 'PUT', `/activity/custom/${custom.id}/`)).json(), { error: 'The request contains invalid JSON.' });
  isError(t, await call(app, { method: 'DELETE', path: `/activity/custom/${note.id}/` }), 404);
  t.equal(closeState(app), before);

  const del = await call(app, { method: 'DELETE', path: `/activity/custom/${custom.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_activities', org, 'id = ?', custom.id), 0);
  t.equal(count(app, 'close_custom_values', org, 'object_id = ?', custom.id), 0);
  const delNote = await call(app, { method: 'DELETE', path: `/activity/${note.id}/` });
  t.same(delNote.json(), {});
  t.equal(count(app, 'close_activities', org, 'id = ?', note.id), 0);
  isError(t, await call(app, { method: 'DELETE', path: `/activity/${note.id}/` }), 404);
});
