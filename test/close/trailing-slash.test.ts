import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { API, closeAuth, closeOrg, closeState, SEEDED_LEAD } from './helper.js';
import { ctl } from '../control/helper.js';

shareApps(t);

// Real Close (Django's APPEND_SLASH) answers a path without its trailing slash, whose slashed form is a
// route, with a permanent redirect to it, the query string kept. ETL connectors build every path so.

t.test('GET /api/v1/user?_limit=100 (no slash) is a 301 to /api/v1/user/?_limit=100, and following it answers the list', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${API}/user?_limit=100`, headers: closeAuth() });
  t.equal(res.statusCode, 301);
  t.equal(res.headers.location, `${API}/user/?_limit=100`);
  t.equal(res.body, '', 'no body, as Django sends none');
  const followed = await app.inject({ url: res.headers.location as string, headers: closeAuth() });
  t.equal(followed.statusCode, 200);
  t.ok(followed.json().data.length > 0);
});

t.test('an object path and a nested one redirect too, repeated slashes collapsed; a slashed path is served as before', async (t) => {
  const app = await build(t);
  const cases: [string, string][] = [
    [`${API}/lead/${SEEDED_LEAD.id}`, `${API}/lead/${SEEDED_LEAD.id}/`],
    [`${API}/custom_field/lead`, `${API}/custom_field/lead/`],
    [`${API}//status//lead?x=1&y=2`, `${API}/status/lead/?x=1&y=2`],
    [`${API}/me`, `${API}/me/`],
  ];
  for (const [url, location] of cases) {
    const res = await app.inject({ url, headers: closeAuth() });
    t.equal(res.statusCode, 301, url);
    t.equal(res.headers.location, location, url);
  }
  t.equal((await app.inject({ url: `${API}/lead/${SEEDED_LEAD.id}/`, headers: closeAuth() })).statusCode, 200);
});

t.test('a POST without the slash is a 301 for every method and creates nothing; re-sent to the Location it creates the lead', async (t) => {
  const app = await build(t);
  await app.inject({ url: `${API}/me/`, headers: closeAuth() });
  const before = closeState(app);
  for (const method of ['POST', 'PUT', 'DELETE'] as const) {
    const url = method === 'POST' ? `${API}/lead` : `${API}/lead/${SEEDED_LEAD.id}`;
    const res = await app.inject({ method, url, headers: closeAuth(), payload: method === 'DELETE' ? undefined : { name: 'Redirected' } });
    t.equal(res.statusCode, 301, method);
    t.equal(res.headers.location, `${url}/`);
  }
  t.equal(closeState(app), before, 'no row changed');
  const created = await app.inject({ method: 'POST', url: `${API}/lead/`, headers: closeAuth(), payload: { name: 'Redirected' } });
  t.equal(created.statusCode, 200);
  t.equal(count(app, 'close_leads', closeOrg(app), `name = 'Redirected'`), 1);
});

t.test('the redirect comes before the credential: without one it is still a 301 and no organization is made', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${API}/lead` });
  t.equal(res.statusCode, 301);
  t.equal(res.headers.location, `${API}/lead/`);
  t.equal((await app.inject({ url: `${API}/lead/` })).statusCode, 401, 'the slashed path asks for the credential');
  t.equal(app.tenants.orgCount(), 0);
});

t.test('a path that is no route with or without its slash stays the 404 naming the nearest route; BlueAI paths are not redirected', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${API}/leadz`, headers: closeAuth() });
  t.equal(res.statusCode, 404);
  t.match(res.json().error, /Not found: GET \/api\/v1\/leadz is not emulated; nearest: GET \/api\/v1\/lead\//);
  t.equal((await app.inject({ url: `${API}/lead/${SEEDED_LEAD.id}/contacts`, headers: closeAuth() })).statusCode, 404);
  const blueai = await app.inject({ url: `${API}/crm/deals`, headers: { authorization: 'Bearer k' } });
  t.equal(blueai.statusCode, 200, 'BlueAI paths have no slash and are served as they are');
  t.equal((await app.inject({ url: `${API}/crm/deals/`, headers: { authorization: 'Bearer k' } })).statusCode, 404, 'nor does BlueAI redirect');
});

t.test('the journal shows the redirect with its status', async (t) => {
  const app = await build(t);
  await app.inject({ url: `${API}/lead?_limit=5`, headers: closeAuth() });
  const entries = (await ctl(app, 'GET', '/requests?vendor=close')).json().data as { method: string; path: string; status: number }[];
  t.match(entries[0], { method: 'GET', path: `${API}/lead`, status: 301 });
});

t.test('a real HTTP client following redirects (fetch) gets the answer of the slashed path', async (t) => {
  const app = await build(t, {}, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}${API}/me?x=1`, { headers: closeAuth() });
  t.equal(res.status, 200);
  t.ok(res.redirected);
  t.match(await res.json(), { organizations: [{ id: /^orga_/ }] });
});
