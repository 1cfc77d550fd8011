import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, bearer, orgOf, count, isError, SEED_IDS, shareApps } from '../helper.js';

// Custom fields beyond their own routes: bulk updates and exports leave them be; datasets, snapshots,
// /_mock/orgs counts, fault rules, the journal and rate limits cover them.

shareApps(t);

const base = '/api/v1/crm';
const url = `${base}/custom-fields`;
const DEFS = 'blueai_custom_field_definitions';

const send = (app: FastifyInstance, method: 'GET' | 'POST', path: string, payload?: object) =>
  app.inject({ method, url: `${base}${path}`, headers: bearer(), ...(payload ? { payload } : {}) });

t.test('bulk deal updates keep custom_fields, and exports keep exactly their documented columns', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const withValues = app.tenants.db(org).prepare(`SELECT id, custom_fields FROM blueai_deals WHERE org_id = ? AND custom_fields != '{}' ORDER BY id LIMIT 3`).all(org) as { id: string; custom_fields: string }[];
  t.equal(withValues.length, 3, 'the seed has deals with values');
  const res = await send(app, 'POST', '/bulk/deals/update', { ids: withValues.map((d) => d.id), stage: 'proposal', assigned_member_id: SEED_IDS.member });
  t.same(res.json(), { processed: 3, errors: [] });
  for (const d of withValues) t.equal(app.tenants.db(org).prepare(`SELECT custom_fields FROM blueai_deals WHERE org_id = ? AND id = ?`).pluck().get(org, d.id), d.custom_fields);
  const header = (path: string) => app.inject({ url: `${base}${path}`, headers: bearer() }).then((r) => r.body.replace(/^\uFEFF/, '').split('\r\n')[0]);
  t.equal(await header('/bulk/deals/export'), 'id,name,customer_name,company_id,contact_id,amount,stage,expected_close_date,assigned_member_id,created_at,updated_at');
  t.equal(await header('/bulk/contacts/export'), 'id,company_id,name,email,phone,position,notes,created_at,updated_at');
  t.equal(await header('/bulk/companies/export'), 'id,name,name_kana,department,industry,employee_count,website_url,postal_code,address,phone,email,notes,created_at,updated_at');
});

t.test('the seed holds definitions and values; snapshots carry them, /_mock/orgs counts them, "empty" keeps the definitions only', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const defs = (await send(app, 'GET', '/custom-fields')).json().definitions;
  t.ok(defs.length >= 3 && new Set(defs.map((d: { resource_type: string }) => d.resource_type)).size === 3, 'definitions of each resource type');
  t.equal(defs.length, count(app, DEFS, org));
  const valued = count(app, 'blueai_deals', org, `custom_fields != '{}'`);
  t.ok(valued > 0, 'some deals have values');
  const described = (await app.inject({ url: `/_mock/orgs/${org}` })).json();
  t.equal(described.counts.blueai.custom_field_definitions, defs.length);
  const snap = (await app.inject({ url: `/_mock/orgs/${org}/snapshot` })).json();
  t.equal(snap.blueai.custom_field_definitions.length, defs.length);
  t.equal(snap.blueai.deals.filter((d: { custom_fields?: object }) => d.custom_fields).length, valued, 'records without values carry no key');
  // A restore into another organization answers the same definitions and values.
  const copy = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'copy', dataset: { blueai: snap.blueai } } });
  t.equal(copy.statusCode, 201);
  const listOf = (token: string) => app.inject({ url: `${url}`, headers: bearer(token) }).then((r) => r.json());
  t.same(await listOf('copy'), await listOf('test-token'));
  const deal = snap.blueai.deals.find((d: { custom_fields?: object }) => d.custom_fields);
  t.same((await app.inject({ url: `${base}/deals/${deal.id}`, headers: bearer('copy') })).json().custom_fields, deal.custom_fields);
  const empty = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'empty', dataset: 'empty' } });
  t.equal(empty.json().counts.blueai.custom_field_definitions, defs.length);
  t.equal(empty.json().counts.blueai.deals, 0);
});

t.test('a dataset whose values break their definitions is refused with the path of the problem', async (t) => {
  const app = await build(t);
  const snap = (await app.inject({ url: `/_mock/orgs/${orgOf(app)}/snapshot` })).json();
  const select = snap.blueai.custom_field_definitions.find((d: { field_type: string; resource_type: string }) => d.field_type === 'select' && d.resource_type === 'deal');
  snap.blueai.deals[0].custom_fields = { [select.id]: 'no such option' };
  const res = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'bad', dataset: { blueai: snap.blueai } } });
  t.equal(res.statusCode, 400);
  t.match(res.body, '/blueai/deals/0/custom_fields');
  snap.blueai.deals[0].custom_fields = {};
  snap.blueai.custom_field_definitions[0].options_json = '[';
  const badOptions = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'bad', dataset: { blueai: snap.blueai } } });
  t.equal(badOptions.statusCode, 400);
  t.equal(app.tenants.list().length, 1, 'no organization created');
});

t.test('fault rules, the journal and rate limits cover the custom field and report routes', async (t) => {
  const app = await build(t, { rateLimit: 100, rateLimitWindowSeconds: 60 });
  const rule = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { status: 503, path: '/api/v1/crm/custom-fields', times: 1 } });
  t.equal(rule.statusCode, 201);
  const faulted = await send(app, 'GET', '/custom-fields');
  isError(t, faulted, 503, 'SERVICE_UNAVAILABLE');
  const listed = await send(app, 'GET', '/custom-fields');
  t.equal(listed.statusCode, 200);
  t.equal(listed.headers['x-ratelimit-limit'], '100', 'the rate limit counts custom field calls');
  const journal = (await app.inject({ url: '/_mock/requests' })).json().data as { path?: string; url?: string; status: number }[];
  t.ok(journal.filter((e) => JSON.stringify(e).includes('/api/v1/crm/custom-fields')).length >= 2, 'both calls are in the journal');
  const report = await send(app, 'GET', '/reports/owner-performance');
  t.equal(Number(report.headers['x-ratelimit-remaining']), Number(listed.headers['x-ratelimit-remaining']) - 1, 'and reports');
});
