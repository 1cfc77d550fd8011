import t from 'tap';
import { createHash } from 'node:crypto';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { CS, call, closeAuth, closeOrg, closeState, isError, isFieldError, mainRows, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const [admin, , , leaver] = CS.users as [typeof CS.users[number], unknown, unknown, typeof CS.users[number]];
const gravatar = (email: string) => `https://secure.gravatar.com/avatar/${createHash('md5').update(email).digest('hex')}`;
const asUser = (u: typeof CS.users[number], org: string) => ({
  id: u.id, email: u.email, first_name: u.first_name, last_name: u.last_name, image: gravatar(u.email),
  date_created: u.date_created, date_updated: u.date_updated ?? u.date_created, organizations: u.active === false ? [] : [org],
});

t.test('GET /user/ lists every user of the organization, the one who left too, paged and trimmed', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  t.equal(leaver.active, false, 'the seed has an inactive member');
  const res = await call(app, { path: '/user/' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: CS.users.map((u) => asUser(u, org)), has_more: false });
  const page = (await call(app, { path: '/user/?_skip=1&_limit=2&_fields=id,email' })).json();
  t.same(page, { data: CS.users.slice(1, 3).map((u) => ({ id: u.id, email: u.email })), has_more: true });
  const byLast = (await call(app, { path: '/user/?_order_by=last_name,first_name&_fields=last_name' })).json().data.map((u: { last_name: string }) => u.last_name);
  t.same(byLast, CS.users.map((u) => u.last_name).sort());
  const byFirst = (await call(app, { path: '/user/?_order_by=first_name,last_name&_fields=first_name' })).json().data.map((u: { first_name: string }) => u.first_name);
  t.same(byFirst, CS.users.map((u) => u.first_name).sort());
});

t.test('GET /user/ refuses a bad _limit or _order_by by name', async (t) => {
  const app = await build(t);
  isFieldError(t, await call(app, { path: '/user/?_limit=1001' }), '_limit');
  isFieldError(t, await call(app, { path: '/user/?_order_by=email' }), '_order_by');
});

t.test('GET /user/{id}/ answers one user, trimmed by _fields; the one who left still resolves', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: `/user/${leaver.id}/` });
  t.equal(res.statusCode, 200);
  t.same(res.json(), asUser(leaver, org));
  t.same(res.json().organizations, [], 'an ended membership: no organizations');
  const owned = rows(app, `SELECT count(*) AS n FROM close_opportunities WHERE org_id = ? AND user_id = ?`, org, leaver.id)[0]!.n as number;
  t.ok(owned > 0, 'the inactive member still owns opportunities');
  t.same((await call(app, { path: `/user/${admin.id}/?_fields=first_name,image` })).json(), { first_name: admin.first_name, image: gravatar(admin.email) });
});

t.test('GET /user/{id}/ refuses list parameters by name and an unknown id with 404', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: `/user/${admin.id}/?_limit=5&_order_by=first_name,last_name` });
  isFieldError(t, res, '_limit');
  t.type(res.json()['field-errors']._order_by, 'string');
  isFieldError(t, await call(app, { path: `/user/${admin.id}/?_skip=1` }), '_skip');
  isError(t, await call(app, { path: '/user/user_missing/' }), 404);
});

t.test('/me/ is the first active user, the same as in /user/', async (t) => {
  const app = await build(t);
  const me = (await call(app, { path: '/me/' })).json();
  const user = (await call(app, { path: `/user/${me.id}/` })).json();
  t.equal(me.id, admin.id);
  t.same({ id: me.id, first_name: me.first_name, last_name: me.last_name, email: me.email, date_created: me.date_created },
    { id: user.id, first_name: user.first_name, last_name: user.last_name, email: user.email, date_created: user.date_created });
});

t.test('GET /organization/{id}/ gives statuses and active and inactive memberships with user_ fields', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { path: `/organization/${org}/` });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.equal(o.id, org);
  t.equal(o.name, CS.organization.name);
  t.match(o.date_created, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
  t.equal(o.date_updated, o.date_created, 'never updated');
  t.equal(o.created_by, admin.id);
  t.same({ currency: o.currency, currency_symbol: o.currency_symbol }, { currency: 'USD', currency_symbol: '$' });
  t.same(o.lead_statuses, CS.lead_statuses);
  t.same(o.opportunity_statuses, CS.opportunity_statuses);
  t.same(o.memberships.map((m: { user_id: string }) => m.user_id), CS.users.filter((u) => u.active !== false).map((u) => u.id));
  t.same(o.inactive_memberships, [{
    id: `mem_${leaver.id.slice(5)}`, organization_id: org, user_id: leaver.id, role_id: 'user',
    date_created: leaver.date_created, date_updated: leaver.date_updated,
    user_email: leaver.email, user_first_name: leaver.first_name, user_last_name: leaver.last_name,
    user_full_name: `${leaver.first_name} ${leaver.last_name}`, user_image: gravatar(leaver.email),
  }]);
  t.equal(o.memberships[0].role_id, 'admin');
});

t.test('GET /organization/{id}/ nests user with _expand and trims with _fields', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const o = (await call(app, { path: `/organization/${org}/?_expand=inactive_memberships__user&_fields=memberships,inactive_memberships` })).json();
  t.same(Object.keys(o).sort(), ['inactive_memberships', 'memberships']);
  t.same(o.inactive_memberships[0].user, asUser(leaver, org));
  t.equal(o.inactive_memberships[0].user_email, undefined, 'nested instead of prefixed');
  t.equal(o.memberships[0].user, undefined, 'memberships not expanded');
  t.equal(o.memberships[0].user_email, admin.email);
  const both = (await call(app, { path: `/organization/${org}/?_expand=memberships__user,inactive_memberships__user` })).json();
  t.same(both.memberships[0].user, asUser(admin, org));
});

t.test('GET /organization/{id}/ refuses an unknown expansion, and another organization or a missing one is 404', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  isFieldError(t, await call(app, { path: `/organization/${org}/?_expand=pipelines` }), '_expand');
  const other = closeOrg(app, 'another-key');
  t.not(other, org);
  isError(t, await call(app, { path: `/organization/${other}/` }), 404);
  isError(t, await call(app, { method: 'PUT', path: `/organization/${other}/`, payload: { name: 'Stolen' } }), 404);
  t.equal(mainRows(app, `SELECT name FROM orgs WHERE id = ?`, other)[0]!.name === 'Stolen', false, 'the other organization keeps its name');
  isError(t, await call(app, { path: '/organization/orga_missing/' }), 404);
});

t.test('PUT /organization/{id}/ renames the organization, stamps it, and /me/ follows', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const res = await call(app, { method: 'PUT', path: `/organization/${org}/?_fields=id,name,updated_by,date_updated,date_created`, payload: { name: 'Renamed Inc.' } });
  t.equal(res.statusCode, 200);
  const o = res.json();
  t.same(Object.keys(o).sort(), ['date_created', 'date_updated', 'id', 'name', 'updated_by']);
  t.same({ id: o.id, name: o.name, updated_by: o.updated_by }, { id: org, name: 'Renamed Inc.', updated_by: admin.id });
  t.ok(o.date_updated > o.date_created, 'date_updated moves');
  // The organization's own database holds what Close says of it; the control API reads the name from there.
  t.same(app.tenants.db(org).prepare(`SELECT name, updated_by FROM orgs WHERE id = ?`).all(org), [{ name: 'Renamed Inc.', updated_by: admin.id }]);
  t.equal((await app.inject({ url: `/_mock/orgs/${org}` })).json().name, 'Renamed Inc.', 'the control API shows the new name');
  t.equal((await call(app, { path: '/me/' })).json().organizations[0].name, 'Renamed Inc.');
});

t.test('PUT /organization/{id}/ refuses currency, reordered lead_statuses, unknown keys and a blank name by name, changing nothing', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const before = JSON.stringify(mainRows(app, `SELECT * FROM orgs WHERE id = ?`, org)) + closeState(app);
  // currency is a documented field, refused before anything else (src/close/refused.ts); lead_statuses in
  // today's order (as a GET gives them) is taken, another order is refused by the route.
  const res = await call(app, { method: 'PUT', path: `/organization/${org}/`, payload: { name: 'X', currency: 'EUR', lead_statuses: CS.lead_statuses, colour: 'red' } });
  isFieldError(t, res, 'currency');
  t.same(Object.keys(res.json()['field-errors']).sort(), ['currency']);
  const reordered = await call(app, { method: 'PUT', path: `/organization/${org}/`, payload: { name: 'X', lead_statuses: CS.lead_statuses.slice().reverse() } });
  isFieldError(t, reordered, 'lead_statuses');
  t.match(reordered.json()['field-errors'].lead_statuses, /Not supported by the emulator/);
  // An empty lead_statuses counts as not sent there; the route then names it with any other key.
  const rest = await call(app, { method: 'PUT', path: `/organization/${org}/`, payload: { name: 'X', lead_statuses: [], colour: 'red' } });
  isFieldError(t, rest, 'colour');
  t.same(Object.keys(rest.json()['field-errors']).sort(), ['colour', 'lead_statuses']);
  isFieldError(t, await call(app, { method: 'PUT', path: `/organization/${org}/`, payload: { name: '' } }), 'name');
  isFieldError(t, await call(app, { method: 'PUT', path: `/organization/${org}/`, payload: { name: '   ' } }), 'name');
  isFieldError(t, await call(app, { method: 'PUT', path: `/organization/${org}/?_expand=users`, payload: { name: 'Y' } }), '_expand');
  t.equal(JSON.stringify(mainRows(app, `SELECT * FROM orgs WHERE id = ?`, org)) + closeState(app), before);
});

t.test('users and memberships travel in snapshots and POST /_mock/orgs datasets, and are counted', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const snap = (await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json();
  t.same(snap.close.users, CS.users, 'the snapshot gives the seeded users with active, role_id and date_updated');
  const users = [
    { ...CS.users[0]!, first_name: 'Solo', active: true },
    { ...leaver, active: false, role_id: 'restricted' },
  ];
  // The seed's tasks name the users left out here (a dataset's task must name one of its users), so they stay behind.
  const leads = snap.close.leads.map((l: { tasks: unknown[] }) => ({ ...l, tasks: [] }));
  // So do the connected accounts of those users, and the subscriptions sent from them.
  const kept = new Set(users.map((u) => u.id));
  const accounts = snap.close.connected_accounts.filter((a: { user_id: string }) => kept.has(a.user_id));
  const sending = new Set(accounts.map((a: { id: string }) => a.id));
  const subs = snap.close.sequence_subscriptions.filter((x: { sender_account_id: string }) => sending.has(x.sender_account_id));
  // And the smart views, send-as associations and dialer sessions that name them.
  const views = snap.close.saved_searches.filter((x: { user_id: string }) => kept.has(x.user_id));
  const sendAs = snap.close.send_as.filter((x: { allowing_user_id: string; allowed_user_id: string }) => kept.has(x.allowing_user_id) && kept.has(x.allowed_user_id));
  const dialers = snap.close.dialer_sessions.filter((x: { user_ids: string[] }) => x.user_ids.every((u) => kept.has(u)));
  // And the calls, meetings and SMS whose user, creator or last editor is one of them.
  const typed = snap.close.typed_activities.filter((x: Record<string, unknown>) =>
    ['user_id', 'created_by', 'updated_by'].every((k) => x[k] === null || x[k] === undefined || kept.has(x[k] as string)));
  const made = await ctl(app, 'POST', '/orgs', { credential: 'users-ds', dataset: { close: {
    ...snap.close, users, leads, connected_accounts: accounts, sequence_subscriptions: subs, saved_searches: views, send_as: sendAs, dialer_sessions: dialers,
    typed_activities: typed,
  } } });
  t.equal(made.statusCode, 201, made.body.slice(0, 300));
  t.equal(made.json().counts.close.users, 2);
  const other = made.json().id;
  const o = (await call(app, { path: `/organization/${other}/`, key: 'users-ds' })).json();
  t.same(o.memberships.map((m: { user_first_name: string }) => m.user_first_name), ['Solo']);
  t.same(o.inactive_memberships.map((m: { role_id: string }) => m.role_id), ['restricted']);
  t.same((await ctl(app, 'GET', `/orgs/${other}/snapshot`)).json().close.users, users.map((u) => ({ ...u, role_id: u.role_id ?? 'admin' })));
  const none = await ctl(app, 'POST', '/orgs', { credential: 'nobody-active', dataset: { close: { ...snap.close, users: [{ ...leaver }] } } });
  t.equal(none.statusCode, 400);
  t.match(none.json().error.message, /at least one user must be active/);
  t.equal(app.db.prepare(`SELECT count(*) FROM credentials WHERE token = 'nobody-active'`).pluck().get(), 0);
  t.equal((await app.inject({ url: '/api/v1/user/', headers: closeAuth('users-ds') })).json().data.length, 2);
});
