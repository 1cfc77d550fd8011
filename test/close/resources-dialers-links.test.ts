import t from 'tap';
import { build, shareApps } from '../helper.js';
import { API, call, closeAuth, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { CLOSE } from './seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Seeded (seed/default.json): three dialer sessions (newest first) and three integration links.
const ENDED = 'dialer_KkoWXrfWDkyKVq0nYocoxhCxsycP775qnGEVfVQnNPs';
const ACTIVE = 'dialer_PgQxxg4WZGqH1EaDmBCaoPGLdNRxuke5BaWopaq4Nps';
const PAUSED = 'dialer_dmboMTDL3wANSIM7zt0hO0SL0Tuq7j69DCbf2Y1NUB0';
const EMILY = 'user_ZKI1viJICENxRDCsujUs1bgs2DAaHQFy0frYPkMQtZF';
const QUALIFIED = 'save_auk8EV6wIfuzR7Q0dBmC1wHnj6pPrw8zjgoezbquxvT';
const LINKS = ['intlink_73yWH0xgmVZIHGT5e0oRpgrPci74rZiiEpaitOHFN97', 'intlink_42iLwS8uXJRvz00yvlMid9g3hd5BPinpLsFVRbT3J7U', 'intlink_ccN3RBWo1WJuiQp9bOl7b1oIRY4joY8Tw3E0cczvfDQ'];
type App = Awaited<ReturnType<typeof build>>;
const ids = (data: { id: string }[]) => data.map((x) => x.id);
const dialers = async (app: App, qs: string) => ids((await call(app, { path: `/dialer/?${qs}` })).json().data);

t.test('dialer sessions list newest first with Close\'s filters, and one reads back', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  t.same(await dialers(app, ''), [PAUSED, ACTIVE, ENDED]);
  t.same(await dialers(app, 'status=active'), [ACTIVE]);
  t.same(await dialers(app, 'status__in=ended,paused'), [PAUSED, ENDED]);
  t.same(await dialers(app, 'source_type=saved-search'), [ACTIVE, ENDED]);
  t.same(await dialers(app, `source_value=${QUALIFIED}`), [ENDED]);
  t.same(await dialers(app, `user_id=${EMILY}`), [ACTIVE]);
  t.same(await dialers(app, `organization_id=${org}`), [PAUSED, ACTIVE, ENDED]);
  t.same(await dialers(app, 'organization_id=orga_other'), []);
  t.same((await call(app, { path: '/dialer/?_limit=1&_fields=id,status' })).json(), { data: [{ id: PAUSED, status: 'paused' }], has_more: true });
  const one = await call(app, { path: `/dialer/${ENDED}/` });
  t.equal(one.statusCode, 200);
  t.same(one.json(), {
    id: ENDED, organization_id: org, source_type: 'saved-search', source_value: QUALIFIED, type: 'power', status: 'ended',
    user_id: CLOSE.user, user_ids: [CLOSE.user], date_created: '2026-10-06T09:00:00.000000+00:00', date_updated: '2026-10-06T10:00:00.000000+00:00',
  });
  t.equal((await call(app, { path: `/dialer/${ENDED}/?organization_id=${org}` })).statusCode, 200);
  isError(t, await call(app, { path: `/dialer/${ENDED}/?organization_id=orga_other` }), 404);
  isError(t, await call(app, { path: '/dialer/dialer_missing/' }), 404);
  isFieldError(t, await call(app, { path: '/dialer/?source_type=list' }), 'source_type');
  isFieldError(t, await call(app, { path: '/dialer/?status__in=active,dialing' }), 'status__in');
  isFieldError(t, await call(app, { path: '/dialer/?_limit=201' }), '_limit');
});

t.test('dialer sessions are read-only: writes are not routes, and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  for (const [method, url] of [['POST', '/dialer/'], ['PUT', `/dialer/${ACTIVE}/`], ['DELETE', `/dialer/${ACTIVE}/`], ['POST', `/dialer/${ACTIVE}/`]] as const) {
    const res = await app.inject({ method, url: API + url, headers: closeAuth(), payload: {} });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    t.type(res.json().error, 'string');
  }
  t.equal(closeState(app), before);
});

t.test('integration links are listed, created, updated and deleted, as stored', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  t.same(ids((await call(app, { path: '/integration_link/' })).json().data), LINKS);
  t.match((await call(app, { path: `/integration_link/${LINKS[1]}/` })).json(), { name: 'LinkedIn search', type: 'contact', url: 'https://www.linkedin.com/search/results/all/?keywords={{ contact.name }}' });
  const url = 'https://erp.example.com/customer/{{ lead.id }}';
  const made = await call(app, { method: 'POST', path: '/integration_link/', payload: { name: 'ERP', type: 'lead', url } });
  t.equal(made.statusCode, 200);
  const id = made.json().id as string;
  t.match(made.json(), { id: /^intlink_[0-9A-Za-z]{43}$/, name: 'ERP', type: 'lead', url, organization_id: org, created_by: CLOSE.user, updated_by: CLOSE.user });
  const row = () => rows(app, `SELECT name, type, url FROM close_integration_links WHERE org_id = ? AND id = ?`, org, id)[0];
  t.same(row(), { name: 'ERP', type: 'lead', url });
  const put = await call(app, { method: 'PUT', path: `/integration_link/${id}/`, payload: { name: null, type: 'opportunity', url: 'https://erp.example.com/deal/{{ opportunity.id }}' } });
  t.equal(put.statusCode, 200);
  t.same(row(), { name: 'ERP', type: 'opportunity', url: 'https://erp.example.com/deal/{{ opportunity.id }}' });
  t.same((await call(app, { method: 'DELETE', path: `/integration_link/${id}/` })).json(), {});
  t.equal(row(), undefined);
  t.same(ids((await call(app, { path: '/integration_link/' })).json().data), LINKS);
});

t.test('bad integration links are 400s naming the field, unknown ones 404s, and nothing changes', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const post = (payload: unknown) => call(app, { method: 'POST', path: '/integration_link/', payload });
  isFieldError(t, await post({ name: 'x', type: 'lead' }), 'url');
  isFieldError(t, await post({ name: 'x', type: 'task', url: 'https://a.example' }), 'type');
  isFieldError(t, await post({ name: ' ', type: 'lead', url: 'https://a.example' }), 'name');
  isFieldError(t, await post({ name: 'x', type: 'lead', url: 'javascript:alert(1)' }), 'url');
  isFieldError(t, await post({ name: 'x', type: 'lead', url: 'https://a.example', colour: 'red' }), 'colour');
  isFieldError(t, await call(app, { method: 'PUT', path: `/integration_link/${LINKS[0]}/`, payload: { url: 'ftp://a.example' } }), 'url');
  isError(t, await call(app, { method: 'PUT', path: '/integration_link/intlink_missing/', payload: { name: 'y' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/integration_link/intlink_missing/' }), 404);
  isError(t, await call(app, { path: '/integration_link/intlink_missing/' }), 404);
  t.equal(closeState(app), before);
});
