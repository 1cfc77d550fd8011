import t from 'tap';
import fc from 'fast-check';
import { authFor, buildWithRoutes, checkCalmly, fill, finishedJob, holds, problemWith, TOKENS, type Route } from './helper.js';
import { encode, hostileString, segment, storedIds } from './arbitraries.js';
import { orgOf } from '../helper.js';

// Hostile URLs on every route: odd path segments (`%00`, `..`, bad percent-encoding, very long ids,
// unicode) and query strings full of SQL-looking sorts, searches and filters.

t.setTimeout(170_000);

/** Parameters some route reads: the sort, search and filter keys of both vendors and the control API. */
const KNOWN_KEYS = [
  '_order_by', '_fields', '_limit', '_skip', 'sort', 'order', 'query', 's_query', 'search', 'filter', 'filters', 'q',
  'lead_id', 'status', 'status_id', 'stage', 'pipeline_id', 'company_id', 'contact_id', 'assigned_member_id', 'org', 'vendor',
  'method', 'path', 'since', 'limit', 'offset', 'timeout_ms', 'object_type', 'custom_object_type_id', 'date_created__gt',
  'id__in', 'user_id', '_type', 'type', 'cursor', 'include', 'fields', 'sort[0]', 'filter[name]', '__proto__', 'constructor',
];

const value = fc.oneof(
  { arbitrary: hostileString.map(encode), weight: 4 },
  { arbitrary: fc.constantFrom('', '%zz', '%00', '%', '-1', '1e308', '9223372036854775808', 'NaN', 'name', '-name', 'name,-date_created', 'asc', 'desc', 'true', '[]', '{}', '{"type":"and","queries":[]}', 'x'.repeat(5000)), weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => encode(JSON.stringify(v) ?? '')), weight: 1 },
);

function queryString(route: Route): fc.Arbitrary<string> {
  const own = Object.keys((route.querystring?.properties ?? {}) as object);
  const key = fc.oneof({ arbitrary: fc.constantFrom(...own, ...KNOWN_KEYS), weight: 5 }, { arbitrary: hostileString.map(encode), weight: 1 });
  const pair = fc.oneof(
    { arbitrary: fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), weight: 8 },
    { arbitrary: key, weight: 1 },
    { arbitrary: fc.constantFrom('&', '=', '==', '&&', '=x', '%zz=%zz', ';', '?'), weight: 1 },
  );
  return fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&'));
}

t.test('hostile paths and query strings on every route', async (t) => {
  const { app, routes } = await buildWithRoutes(t);
  const job = await finishedJob(app);
  const ids = [...storedIds(app, orgOf(app, TOKENS[0])), job, TOKENS[0], orgOf(app, TOKENS[0])];
  t.ok(routes.length > 100, `${routes.length} routes`);
  const request = (route: Route) => fc.record({
    segments: fc.array(segment(ids), { minLength: 2, maxLength: 2 }),
    query: queryString(route),
    token: fc.constantFrom(...TOKENS),
  }).map(({ segments, query, token }) => ({
    method: route.method as 'GET', url: fill(route.url, segments) + (query ? `?${query}` : ''), headers: authFor(route.surface, token),
  }));
  await holds(t, 'never a 5xx, always the envelope, a rejected request changes nothing',
    fc.constantFrom(...routes).chain(request),
    checkCalmly(app), 500);
});

t.test('SQL-looking sorts, searches and filters on every list and search', async (t) => {
  const { app, routes } = await buildWithRoutes(t);
  const lists = routes.filter((r) => r.method === 'GET' && !r.url.includes(':') && r.surface !== 'control');
  t.ok(lists.length > 15, `${lists.length} lists`);
  const sql = fc.oneof(hostileString, fc.constantFrom("name'; DROP TABLE close_leads; --", 'name) UNION SELECT token FROM credentials --', '1=1', "' OR ''='"));
  await holds(t, 'the store binds or refuses them',
    fc.tuple(fc.constantFrom(...lists.map((r) => r.url)), fc.constantFrom('_order_by', 'sort', 'order', 'search', 'query', '_fields', 'status', 'stage', 'pipeline_id', 'lead_id', 'company_id'), sql),
    async ([url, key, v]) => problemWith(app, { method: 'GET', url: `${url}?${key}=${encode(v)}`, headers: authFor(url.startsWith('/api/v1/crm/') ? 'blueai' : 'close') }),
    300);
  // The stores bound every value: the tables are all still there.
  const tables = app.db.prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table'`).pluck().get();
  t.ok(Number(tables) > 20, 'no table dropped');
});

t.test('malformed credentials are a 401 in the envelope and create nothing', async (t) => {
  const { app } = await buildWithRoutes(t);
  const header = fc.oneof(
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic', 'Basic ', 'Basic !!!', 'Basic Og==', 'Basic ' + Buffer.from(':').toString('base64'), 'Bearer a b', 'Token x', 'basic', 'Digest x'),
    fc.string({ unit: fc.constantFrom('a', ' ', ':', '=', '\t', '+', '/', 'é'), maxLength: 20 }).map((s) => `Basic ${s}`),
  );
  await holds(t, 'never a 5xx, a 401 changes nothing',
    fc.tuple(fc.constantFrom('/api/v1/me/', '/api/v1/lead/', '/api/v1/crm/deals', '/api/v1/crm/members'), header),
    async ([url, authorization]) => {
      const problem = await problemWith(app, { method: 'GET', url, headers: { authorization } });
      return problem;
    }, 150);
});

t.test('hostile report and custom field queries: months, pipeline ids and resource types', async (t) => {
  const { app, routes } = await buildWithRoutes(t);
  const mine = routes.filter((r) => r.method === 'GET' && (r.url.startsWith('/api/v1/crm/reports/') || r.url === '/api/v1/crm/custom-fields'));
  t.same(mine.map((r) => r.url).sort(), ['/api/v1/crm/custom-fields', '/api/v1/crm/reports/forecast', '/api/v1/crm/reports/owner-performance', '/api/v1/crm/reports/pipeline-summary'],
    'the suite finds the report and custom field lists');
  const month = fc.oneof(
    fc.tuple(fc.integer({ min: -1, max: 10_000 }), fc.integer({ min: -1, max: 13 })).map(([y, m]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`),
    hostileString.map(encode),
  );
  const query = fc.oneof(
    fc.tuple(month, month).map(([from, to]) => `from=${from}&to=${to}`),
    fc.tuple(fc.constantFrom('pipeline_id', 'resource_type', 'from', 'to', '__proto__'), value).map(([k, v]) => `${k}=${v}`),
  );
  await holds(t, 'never a 5xx, always the envelope',
    fc.tuple(fc.constantFrom(...mine), query).map(([route, q]) => ({ method: 'GET' as const, url: `${route.url}?${q}`, headers: authFor('blueai', TOKENS[0]) })),
    checkCalmly(app), 300);
});
