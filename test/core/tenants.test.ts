import t from 'tap';
import { build, bearer, orgOf, count, SEED_IDS, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('a new credential gets its own organization loaded with the seed, with the same seeded ids', async (t) => {
  const app = await build(t);
  const a = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('token-a') });
  const b = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('token-b') });
  t.equal(a.statusCode, 200);
  t.same(a.json(), b.json(), 'the same seeded deal exists in both');
  const orgA = orgOf(app, 'token-a');
  const orgB = orgOf(app, 'token-b');
  t.not(orgA, orgB);
  t.match(orgA, /^orga_[0-9A-Za-z]{43}$/);
  for (const table of ['blueai_deals', 'blueai_contacts', 'blueai_companies', 'blueai_members', 'blueai_pipelines', 'blueai_stages', 'blueai_activities']) {
    t.equal(count(app, table, orgA), count(app, table, orgB), table);
  }
  t.equal(count(app, 'blueai_deals', orgA), 200);
  t.equal(count(app, 'blueai_contacts', orgA), 150);
  t.equal(count(app, 'blueai_companies', orgA), 50);
});

t.test('changes in one organization are invisible to another', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('token-a'), payload: { ids: [SEED_IDS.deal1] } });
  const a = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('token-a') });
  const b = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('token-b') });
  t.equal(a.statusCode, 404);
  t.equal(b.statusCode, 200);
});

t.test('the better-auth session cookie and a Bearer token with the same value are the same organization', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: { cookie: 'better-auth.session_token=shared-session; other=1' }, payload: { ids: [SEED_IDS.deal2] } });
  const viaBearer = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal2}`, headers: bearer('shared-session') });
  t.equal(viaBearer.statusCode, 404, 'deleted through the cookie, gone for the bearer token');
  t.equal(app.tenants.orgCount(), 1, 'one organization for both ways of sending the credential');
});

t.test('missing or malformed credentials are a 401 in the envelope in open mode too', async (t) => {
  const app = await build(t);
  for (const headers of [{}, { authorization: 'Bearer' }, { authorization: 'Basic Zm9vOg==' }, { cookie: 'better-auth.session_token=' }]) {
    const res = await app.inject({ url: '/api/v1/crm/deals', headers });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.same(res.json(), { error: { code: 'UNAUTHORIZED', message: res.json().error.message, details: {} } });
  }
  t.equal(app.tenants.orgCount(), 0, 'no organization was created');
});

t.test('strict mode accepts only the credentials the seed declares', async (t) => {
  const app = await build(t, { auth: 'strict' });
  const unknown = await app.inject({ url: '/api/v1/crm/deals', headers: bearer('made-up') });
  t.equal(unknown.statusCode, 401);
  t.equal(unknown.json().error.code, 'UNAUTHORIZED');
  t.equal(unknown.json().error.message, 'Invalid credentials', 'BlueAI passes the core\'s 401 on as is');
  const missing = await app.inject({ url: '/api/v1/crm/deals' });
  t.equal(missing.statusCode, 401);
  t.equal(missing.json().error.message, 'Authentication required: send the better-auth.session_token cookie or a Bearer token');
  const close = await app.inject({ url: '/api/v1/lead/', headers: bearer('made-up') });
  t.equal(close.statusCode, 401);
  t.same(close.json(), { error: 'Unauthorized' }, 'Close answers its own 401');
  t.equal(app.tenants.orgCount(), 0);
  const declared = await app.inject({ url: '/api/v1/crm/deals', headers: bearer('blueai-demo-token') });
  t.equal(declared.statusCode, 200);
  t.equal(app.tenants.orgCount(), 1);
});

t.test('MAX_ORGS bounds how many organizations exist, with a clear error in the envelope', async (t) => {
  const app = await build(t, { maxOrgs: 2 });
  for (const token of ['one', 'two']) t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer(token) })).statusCode, 200);
  const third = await app.inject({ url: '/api/v1/crm/members', headers: bearer('three') });
  t.equal(third.statusCode, 403);
  t.equal(third.json().error.code, 'FORBIDDEN');
  t.match(third.json().error.message, /MAX_ORGS=2/);
  t.equal(app.tenants.orgCount(), 2);
  t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer('one') })).statusCode, 200, 'known credentials still work');
});

t.test('creating an organization copies the seed in milliseconds', async (t) => {
  const app = await build(t);
  app.tenants.resolve('warm-up');
  const started = process.hrtime.bigint();
  for (let i = 0; i < 20; i++) app.tenants.resolve(`speed-${i}`);
  const perOrgMs = Number(process.hrtime.bigint() - started) / 1e6 / 20;
  t.comment(`organization creation: ${perOrgMs.toFixed(2)} ms each`);
  // Not a timing assertion (those live in npm run bench): checks the copies are complete.
  t.equal(count(app, 'blueai_deals', orgOf(app, 'speed-19')), 200);
});

t.test('unknown routes under the BlueAI prefix answer 404 in the envelope', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/api/v1/crm/opportunities', headers: bearer() });
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'NOT_FOUND');
  t.match(res.json().error.message, /GET \/api\/v1\/crm\/opportunities/);
});

t.test('CORS_ORIGINS lets a listed browser origin call with credentials, and no other', async (t) => {
  const app = await build(t, { corsOrigins: ['http://localhost:5173'] });
  const pre = await app.inject({
    method: 'OPTIONS', url: '/api/v1/crm/deals',
    headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  t.equal(pre.statusCode, 204);
  t.equal(pre.headers['access-control-allow-origin'], 'http://localhost:5173');
  t.equal(pre.headers['access-control-allow-credentials'], 'true');
  const res = await app.inject({ url: '/api/v1/crm/members', headers: { origin: 'http://localhost:5173', cookie: 'better-auth.session_token=browser' } });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['access-control-allow-origin'], 'http://localhost:5173');
  const other = await app.inject({ url: '/api/v1/crm/members', headers: { origin: 'http://evil.example', cookie: 'better-auth.session_token=browser' } });
  t.equal(other.headers['access-control-allow-origin'], undefined);
});

t.test("an organization is named by its dataset's Close part, else by the seed's (core asks the vendors, names none)", async (t) => {
  const app = await build(t);
  const seedName = (await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'named-seed' } })).json().name as string;
  t.ok(seedName.length > 0, 'the seed gives its Close organization name');
  const snapshot = (await app.inject({ url: '/_mock/orgs/named-seed/snapshot' })).json();

  const renamed = { ...snapshot, credentials: [], close: { ...snapshot.close, organization: { ...snapshot.close.organization, name: 'Renamed Co' } } };
  const a = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'named-a', dataset: renamed } });
  t.equal(a.statusCode, 201);
  t.equal(a.json().name, 'Renamed Co');
  t.equal(app.db.prepare('SELECT name FROM orgs WHERE id = ?').pluck().get(a.json().id), 'Renamed Co');

  const { close: _close, ...blueaiOnly } = snapshot;
  const b = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'named-b', dataset: { ...blueaiOnly, credentials: [] } } });
  t.equal(b.statusCode, 201);
  t.equal(b.json().name, seedName, "a dataset without a Close part takes the seed's name");
});
