import t from 'tap';
import fc from 'fast-check';
import { surfaceOf, authFor, buildWithRoutes, checkCalmly, fill, finishedJob, holds, TOKENS, type Route } from './helper.js';
import { broken, hostileJson, malformedJson, segment, storedIds } from './arbitraries.js';
import { orgOf } from '../helper.js';

// Hostile request bodies on every route that takes one (and on the rest, which must ignore or refuse
// them): malformed JSON, wrong types, missing and extra fields, huge and deeply nested values, wrong
// content types, bodies over the limit.

t.setTimeout(170_000);

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'text/csv',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'multipart/form-data', 'application/xml',
  'application/octet-stream', 'application/vnd.api+json', 'APPLICATION/JSON', 'application/json;;', '*/*', 'x',
];

t.test('hostile bodies on every route', async (t) => {
  const { app, routes } = await buildWithRoutes(t, { uploadLimit: 64 * 1024 });
  const job = await finishedJob(app);
  const ids = [...storedIds(app, orgOf(app, TOKENS[0])), job, TOKENS[0], orgOf(app, TOKENS[0])];
  const withBody = routes.filter((r) => r.method !== 'GET');
  t.ok(withBody.length > 40, `${withBody.length} routes take a body`);

  const request = (route: Route) => fc.record({
    segments: fc.array(segment(ids), { minLength: 2, maxLength: 2 }),
    token: fc.constantFrom(...TOKENS),
    type: fc.oneof({ arbitrary: fc.constant('application/json'), weight: 6 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 }),
    payload: fc.oneof(
      { arbitrary: broken(route.body).map((v) => JSON.stringify(v) ?? 'null'), weight: 5 },
      { arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? 'null'), weight: 2 },
      { arbitrary: malformedJson, weight: 2 },
    ),
  }).map(({ segments, token, type, payload }) => ({
    method: route.method as 'POST', url: fill(route.url, segments),
    headers: { ...authFor(route.surface, token), 'content-type': type }, payload,
  }));

  await holds(t, 'never a 5xx, always the envelope, a rejected body changes nothing',
    fc.constantFrom(...withBody).chain(request),
    checkCalmly(app), 400);
});

t.test('bodies over the limit, huge arrays and strings, deep nesting', async (t) => {
  const { app, routes } = await buildWithRoutes(t, { uploadLimit: 64 * 1024 });
  const withBody = routes.filter((r) => r.method !== 'GET');
  const big = {
    overLimit: '{"ids": [' + '"deal_x",'.repeat(150_000) + '"deal_x"]}',
    hugeArray: JSON.stringify({ ids: Array.from({ length: 100_000 }, (_, i) => `deal_${i}`), queries: Array(50_000).fill({ type: 'and', queries: [] }) }),
    hugeString: JSON.stringify({ name: 'x'.repeat(900_000), ids: ['x'.repeat(500_000)] }),
    deepArray: '['.repeat(100_000) + ']'.repeat(100_000),
    deepObject: '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
    deepQuery: '{"type":"set_lead_status","s_query":' + '{"type":"and","queries":['.repeat(3000) + '{"type":"object_type","object_type":"lead"}' + ']}'.repeat(3000) + '}',
  };
  await holds(t, 'big bodies on every route',
    fc.tuple(fc.constantFrom(...withBody.map((r) => `${r.method} ${r.url}`)), fc.constantFrom(...Object.keys(big) as (keyof typeof big)[])),
    async ([route, kind]) => {
      const [method, url] = route.split(' ') as ['POST', string];
      return checkCalmly(app)({ method, url: fill(url, ['x']), headers: { ...authFor(surfaceOf(url)!), 'content-type': 'application/json' }, payload: big[kind] });
    }, 150);
});

t.test('hostile custom field definitions and values: the definition routes, and custom_fields on every record write', async (t) => {
  const { app, routes } = await buildWithRoutes(t, { uploadLimit: 64 * 1024 });
  const urls = routes.map((r) => `${r.method} ${r.url}`);
  for (const route of ['POST /api/v1/crm/custom-fields', 'PATCH /api/v1/crm/custom-fields/:id', 'DELETE /api/v1/crm/custom-fields/:id']) {
    t.ok(urls.includes(route), `the suite finds ${route}`);
  }
  const org = orgOf(app, TOKENS[0]);
  const db = app.tenants.db(org);
  const defs = db.prepare(`SELECT id, resource_type FROM blueai_custom_field_definitions WHERE org_id = ?`).all(org) as { id: string; resource_type: string }[];
  const record = (type: string) => db.prepare(`SELECT id FROM blueai_${type} WHERE org_id = ? ORDER BY id LIMIT 1`).pluck().get(org) as string;
  const targets = [
    { path: '/deals', id: record('deals'), base: { name: 'x' } },
    { path: '/companies', id: record('companies'), base: { name: 'x' } },
    { path: '/contacts', id: record('contacts'), base: { last_name: 'x' } },
  ];
  const values = fc.dictionary(
    fc.oneof({ arbitrary: fc.constantFrom(...defs.map((d) => d.id)), weight: 5 }, { arbitrary: fc.constantFrom('__proto__', 'constructor', 'cfd_', '$."x"', "'); --"), weight: 1 }),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('2026-02-30', '2026-12-01', 'A', 'あり', ['A社'], ['A社', 'A社'], 1e308, -0, '')),
    { maxKeys: 6 },
  );
  const definition = fc.record({
    resource_type: fc.constantFrom('deal', 'company', 'contact', 'lead', ''),
    name: fc.oneof(fc.string({ maxLength: 120 }), fc.constant('__proto__')),
    field_type: fc.constantFrom('text', 'number', 'date', 'select', 'multi_select', 'checkbox'),
    options_json: fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'), fc.constantFrom('[', '["a","a"]', '[""]', '["a"]')),
    is_required: fc.oneof(fc.boolean(), fc.constant('yes')),
  }, { requiredKeys: [] });
  const request = fc.oneof(
    fc.tuple(fc.constantFrom(...targets), fc.boolean(), values).map(([target, patch, custom_fields]) => ({
      method: (patch ? 'PATCH' : 'POST') as 'POST', url: `/api/v1/crm${target.path}${patch ? `/${target.id}` : ''}`,
      headers: { ...authFor('blueai', TOKENS[0]), 'content-type': 'application/json' },
      payload: JSON.stringify(patch ? { custom_fields } : { ...target.base, custom_fields }),
    })),
    fc.tuple(fc.boolean(), fc.constantFrom(...defs.map((d) => d.id)), definition).map(([patch, id, body]) => ({
      method: (patch ? 'PATCH' : 'POST') as 'POST', url: `/api/v1/crm/custom-fields${patch ? `/${id}` : ''}`,
      headers: { ...authFor('blueai', TOKENS[0]), 'content-type': 'application/json' }, payload: JSON.stringify(body),
    })),
  );
  await holds(t, 'never a 5xx, always the envelope, a rejected body changes nothing', request, checkCalmly(app), 300);
});
