import t from 'tap';
import { build, count } from '../helper.js';
import { CS, badJson, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

t.test('lead statuses list in their order; opportunity statuses list with their type', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: '/status/lead/' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: CS.lead_statuses.map((s) => ({ ...s, organization_id: org })), has_more: false });
  const page = (await call(app, { path: '/status/lead/?_limit=2&_skip=1&_fields=label' })).json();
  t.same(page, { data: CS.lead_statuses.slice(1, 3).map((s) => ({ label: s.label })), has_more: true });
  const opp = (await call(app, { path: '/status/opportunity/' })).json();
  t.same(opp, { data: CS.opportunity_statuses.map((s) => ({ ...s, organization_id: org })), has_more: false });
  isFieldError(t, await call(app, { path: '/status/lead/?_limit=201' }), '_limit');
  const one = await call(app, { path: `/status/lead/${CS.lead_statuses[1]!.id}/` });
  t.same(one.json(), { ...CS.lead_statuses[1], organization_id: org });
  isError(t, await call(app, { path: '/status/lead/stat_missing/' }), 404);
});

t.test('creating, renaming and deleting a lead status', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'POST', path: '/status/lead/', payload: { label: 'Nurture' } });
  t.equal(res.statusCode, 200);
  const s = res.json();
  t.match(s.id, /^stat_[0-9A-Za-z]{43}$/);
  t.same(s, { id: s.id, label: 'Nurture', organization_id: org });
  const list = (await call(app, { path: '/status/lead/' })).json().data;
  t.equal(list[list.length - 1].id, s.id, 'a new status goes last');
  t.equal(count(app, 'close_lead_statuses', org, 'id = ?', s.id), 1);

  const renamed = await call(app, { method: 'PUT', path: `/status/lead/${s.id}/`, payload: { label: 'Nurturing' } });
  t.same(renamed.json(), { id: s.id, label: 'Nurturing', organization_id: org });
  t.equal(rows(app, `SELECT label FROM close_lead_statuses WHERE org_id = ? AND id = ?`, org, s.id)[0]!.label, 'Nurturing');

  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'uses it', status_id: s.id } })).json();
  t.equal(lead.status_label, 'Nurturing');
  const before = closeState(app);
  const refused = await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` });
  t.match(isError(t, refused, 400), /used by 1 lead/);
  t.equal(closeState(app), before, 'a status in use stays');

  await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` });
  const del = await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.equal(count(app, 'close_lead_statuses', org, 'id = ?', s.id), 0);
  isError(t, await call(app, { method: 'DELETE', path: `/status/lead/${s.id}/` }), 404);
});

t.test('seeded statuses in use cannot be deleted; bad status input is a 400 that changes nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isError(t, await call(app, { method: 'DELETE', path: `/status/lead/${CS.lead_statuses[0]!.id}/` }), 400);
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: {} }), 'label');
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: { label: '' } }), 'label');
  isFieldError(t, await call(app, { method: 'POST', path: '/status/lead/', payload: { label: CS.lead_statuses[0]!.label.toLowerCase() } }), 'label');
  isFieldError(t, await call(app, { method: 'PUT', path: `/status/lead/${CS.lead_statuses[0]!.id}/`, payload: { label: CS.lead_statuses[1]!.label } }), 'label');
  isError(t, await call(app, { method: 'PUT', path: '/status/lead/stat_missing/', payload: { label: 'x' } }), 404);
  t.same((await badJson(app, 'POST', '/status/lead/')).json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before);
});
