import t from 'tap';
import { build, shareApps } from '../helper.js';
import { call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { CLOSE } from './seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Seeded (seed/default.json): the API key's user is KENTA; EMILY and DANIEL are members, YUI has left.
const KENTA = CLOSE.user;
const EMILY = 'user_ZKI1viJICENxRDCsujUs1bgs2DAaHQFy0frYPkMQtZF';
const DANIEL = 'user_eVC0Vdo0oiX8H1IPcefcHZxhnBX3OVFz1iGhVMOvCxG';
const ROLE = 'role_UH3uqeFCQiosHtyKKyhH4I051cUh2pI0I9Bo1So0yUa';
const KENTA_TO_DANIEL = 'sendas_45d1xsdssUt7m6EP8H4U4jKZYBUqpWnWyqxoTzlBql3';
const EMILY_TO_KENTA = 'sendas_TCToJfHh6OVwDsvR9117dSsIElNzbie765Ruh6TLG8r';
type App = Awaited<ReturnType<typeof build>>;
const ids = (data: { id: string }[]) => data.map((x) => x.id);
const roleRow = (app: App, id: string) => rows(app, `SELECT name, permissions, visibility_user_lcf_ids, visibility_user_lcf_behavior FROM close_roles WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];
const pairs = (app: App) => rows(app, `SELECT allowing_user_id AS g, allowed_user_id AS a FROM close_send_as WHERE org_id = ? ORDER BY date_created, id`, closeOrg(app));

t.test('roles list the predefined ones, then the organization\'s own; one reads back', async (t) => {
  const app = await build(t);
  const list = await call(app, { path: '/role/' });
  t.equal(list.statusCode, 200);
  t.same(ids(list.json().data), ['admin', 'superuser', 'user', 'restricteduser', ROLE]);
  t.equal(list.json().has_more, false);
  t.match((await call(app, { path: '/role/admin/' })).json(), { id: 'admin', name: 'Admin', is_builtin: true, date_created: null });
  t.same((await call(app, { path: `/role/${ROLE}/` })).json(), {
    id: ROLE, name: 'Account Owners Only', organization_id: closeOrg(app), is_builtin: false, permissions: ['edit_all_leads'],
    visibility_user_lcf_ids: [CLOSE.field.accountOwner], visibility_user_lcf_behavior: 'allow_unassigned',
    date_created: '2026-10-01T09:00:00.000000+00:00', date_updated: '2026-10-01T09:00:00.000000+00:00',
  });
  isError(t, await call(app, { path: '/role/role_missing/' }), 404);
  // Paged as every Close list (Close's clone script pages roles with _skip).
  const all = (await call(app, { path: '/role/' })).json().data as { id: string }[];
  t.same((await call(app, { path: '/role/?_skip=1&_limit=2&_fields=id' })).json(), { data: all.slice(1, 3).map((r) => ({ id: r.id })), has_more: all.length > 3 });
  isFieldError(t, await call(app, { path: '/role/?_limit=201' }), '_limit');
});

t.test('a role is created, updated and deleted, as stored', async (t) => {
  const app = await build(t);
  const made = await call(app, { method: 'POST', path: '/role/', payload: { name: 'Reader', permissions: ['view_all_leads'] } });
  t.equal(made.statusCode, 200);
  const id = made.json().id as string;
  t.match(id, /^role_[0-9A-Za-z]{43}$/);
  t.same(roleRow(app, id), { name: 'Reader', permissions: '["view_all_leads"]', visibility_user_lcf_ids: '[]', visibility_user_lcf_behavior: null });
  const put = await call(app, { method: 'PUT', path: `/role/${id}/`, payload: { permissions: ['edit_all_leads'], visibility_user_lcf_ids: [CLOSE.field.accountOwner], visibility_user_lcf_behavior: 'require_assignment' } });
  t.equal(put.statusCode, 200);
  t.match(put.json(), { name: 'Reader', permissions: ['edit_all_leads'], visibility_user_lcf_behavior: 'require_assignment' });
  t.same(roleRow(app, id), { name: 'Reader', permissions: '["edit_all_leads"]', visibility_user_lcf_ids: JSON.stringify([CLOSE.field.accountOwner]), visibility_user_lcf_behavior: 'require_assignment' });
  t.same((await call(app, { method: 'DELETE', path: `/role/${id}/` })).json(), {});
  t.equal(roleRow(app, id), undefined);
});

t.test('predefined roles cannot be edited or deleted, nor a role a membership has; bad roles are 400s; nothing changes', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  // No API assigns roles to memberships here: a dataset (or this) does.
  app.tenants.db(org).prepare(`UPDATE close_users SET role_id = ? WHERE org_id = ? AND id = ?`).run(ROLE, org, EMILY);
  const before = closeState(app);
  t.match(isError(t, await call(app, { method: 'PUT', path: '/role/admin/', payload: { name: 'Boss' } }), 400), /cannot be edited/);
  t.match(isError(t, await call(app, { method: 'DELETE', path: '/role/user/' }), 400), /cannot be deleted/);
  t.match(isError(t, await call(app, { method: 'DELETE', path: `/role/${ROLE}/` }), 400), /1 membership has this role/);
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: '' } }), 'name');
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: 'x', visibility_user_lcf_ids: ['cf_missing'] } }), 'visibility_user_lcf_ids');
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: 'x', visibility_user_lcf_ids: [CLOSE.field.department] } }), 'visibility_user_lcf_ids');
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: 'x', permissions: ['view_all_leads'], visibility_user_lcf_ids: [CLOSE.field.accountOwner] } }), 'visibility_user_lcf_ids');
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: 'x', visibility_user_lcf_behavior: 'sometimes' } }), 'visibility_user_lcf_behavior');
  isFieldError(t, await call(app, { method: 'POST', path: '/role/', payload: { name: 'x', colour: 'red' } }), 'colour');
  isError(t, await call(app, { method: 'PUT', path: '/role/role_missing/', payload: { name: 'y' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/role/role_missing/' }), 404);
  t.equal(closeState(app), before);
  // Moved off the role, it can go.
  app.tenants.db(org).prepare(`UPDATE close_users SET role_id = 'user' WHERE org_id = ? AND id = ?`).run(org, EMILY);
  t.equal((await call(app, { method: 'DELETE', path: `/role/${ROLE}/` })).statusCode, 200);
});

t.test('send-as lists the caller\'s associations: allowing by default, or allowed', async (t) => {
  const app = await build(t);
  t.same(ids((await call(app, { path: '/send_as/' })).json().data), [KENTA_TO_DANIEL]);
  t.same(ids((await call(app, { path: `/send_as/?allowing_user_id=${KENTA}` })).json().data), [KENTA_TO_DANIEL]);
  t.same(ids((await call(app, { path: `/send_as/?allowed_user_id=${KENTA}` })).json().data), [EMILY_TO_KENTA]);
  t.same((await call(app, { path: `/send_as/?allowing_user_id=${EMILY}&allowed_user_id=${KENTA}` })).json(), {
    data: [{ id: EMILY_TO_KENTA, allowing_user_id: EMILY, allowed_user_id: KENTA, organization_id: closeOrg(app), date_created: '2026-10-01T11:00:00.000000+00:00' }],
    has_more: false,
  });
  t.equal((await call(app, { path: `/send_as/${EMILY_TO_KENTA}/` })).json().allowing_user_id, EMILY);
  isFieldError(t, await call(app, { path: `/send_as/?allowing_user_id=${EMILY}` }), 'allowing_user_id');
  isFieldError(t, await call(app, { path: `/send_as/?allowed_user_id=${DANIEL}` }), 'allowed_user_id');
  isError(t, await call(app, { path: '/send_as/sendas_missing/' }), 404);
});

t.test('send-as associations are created and deleted by id, by users and in bulk, for existing users only', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const post = (payload: unknown) => call(app, { method: 'POST', path: '/send_as/', payload });
  isFieldError(t, await post({ allowing_user_id: EMILY, allowed_user_id: DANIEL }), 'allowing_user_id');
  isFieldError(t, await post({ allowing_user_id: KENTA, allowed_user_id: 'user_missing' }), 'allowed_user_id');
  isFieldError(t, await post({ allowing_user_id: KENTA, allowed_user_id: KENTA }), 'allowed_user_id');
  isFieldError(t, await post({ allowing_user_id: KENTA, allowed_user_id: DANIEL }), 'allowed_user_id');
  isFieldError(t, await post({ allowing_user_id: KENTA }), 'allowed_user_id');
  isFieldError(t, await call(app, { method: 'POST', path: '/send_as/bulk/', payload: { allow: ['user_missing'] } }), 'allow');
  isFieldError(t, await call(app, { method: 'POST', path: '/send_as/bulk/', payload: { allow: [EMILY], disallow: [EMILY] } }), 'disallow');
  isFieldError(t, await call(app, { method: 'DELETE', path: `/send_as/?allowed_user_id=${DANIEL}` }), 'allowing_user_id');
  isFieldError(t, await call(app, { method: 'DELETE', path: `/send_as/?allowing_user_id=${EMILY}&allowed_user_id=${KENTA}` }), 'allowing_user_id');
  isError(t, await call(app, { method: 'DELETE', path: `/send_as/?allowing_user_id=${KENTA}&allowed_user_id=${EMILY}` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/send_as/sendas_missing/' }), 404);
  t.equal(closeState(app), before);

  const made = await post({ allowing_user_id: KENTA, allowed_user_id: EMILY });
  t.equal(made.statusCode, 200);
  t.match(made.json(), { id: /^sendas_[0-9A-Za-z]{43}$/, allowing_user_id: KENTA, allowed_user_id: EMILY });
  t.same(pairs(app), [{ g: KENTA, a: DANIEL }, { g: EMILY, a: KENTA }, { g: KENTA, a: EMILY }]);
  t.same((await call(app, { method: 'DELETE', path: `/send_as/?allowing_user_id=${KENTA}&allowed_user_id=${EMILY}` })).json(), {});
  t.same(pairs(app), [{ g: KENTA, a: DANIEL }, { g: EMILY, a: KENTA }]);
  // Either side may end one by its id.
  t.same((await call(app, { method: 'DELETE', path: `/send_as/${EMILY_TO_KENTA}/` })).json(), {});
  t.same(pairs(app), [{ g: KENTA, a: DANIEL }]);

  const bulk = await call(app, { method: 'POST', path: '/send_as/bulk/', payload: { allow: [EMILY, DANIEL] } });
  t.equal(bulk.statusCode, 200);
  t.same(bulk.json().data.map((x: { allowed_user_id: string }) => x.allowed_user_id), [DANIEL, EMILY]);
  const off = await call(app, { method: 'POST', path: '/send_as/bulk/', payload: { disallow: [DANIEL] } });
  t.same(off.json().data.map((x: { allowed_user_id: string }) => x.allowed_user_id), [EMILY]);
  t.same(pairs(app), [{ g: KENTA, a: EMILY }]);
});
