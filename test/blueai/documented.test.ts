import t from 'tap';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { bearer, build, shareApps } from '../helper.js';

// BlueAI's answers held to BlueAI's own documentation, not to our schemas: the fixture
// test/fixtures/blueai-documented.json is copied by hand from the vendor's published bulk page
// (../shared/seeds/blueai-crm-bulk.txt) and the spec notes (../shared/spec/blueai.md). The
// conformance hook already validates every answer against the TypeBox schemas the server serializes
// with; this file checks those schemas did not drift from what the vendor documents.

shareApps(t);

const DOC = JSON.parse(readFileSync(new URL('../fixtures/blueai-documented.json', import.meta.url), 'utf8'));
/** Documented keys with their types; a nested object (the error envelope) is its own Fields. */
interface Fields { [key: string]: string | Fields }

/**
 * Keys the emulator answers beyond the documented ones, each in docs/blueai.md → "Emulated behaviour".
 * Real API: a member's documented fields are id, name, email, role, a pipeline's id, name, is_default,
 * sort_order, stages; here: both carry their timestamps too.
 */
const EXTRA: Record<string, string[]> = {
  members: ['created_at'], pipeline: ['created_at', 'updated_at'],
  // Real API: the reference does not show how custom field values attach to records; here: `custom_fields` on each.
  deals: ['custom_fields'], companies: ['custom_fields'], contacts: ['custom_fields'],
};

/** Why `value` is not of the documented type (see the fixture's $source), or null. */
function typeProblem(value: unknown, type: string): string | null {
  const nullable = type.endsWith('?');
  const base = nullable ? type.slice(0, -1) : type;
  if (value === null) return nullable ? null : 'null';
  const ok = base.startsWith('id:') ? typeof value === 'string' && value.startsWith(base.slice(3)) && /^[a-z]+_[0-9a-f]{32}$/.test(value)
    : base === 'timestamp' ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/.test(value) && !Number.isNaN(Date.parse(value))
      : base === 'date' ? typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        : base === 'integer' ? Number.isInteger(value)
          : base === 'string[]' ? Array.isArray(value) && value.every((v) => typeof v === 'string')
            : base === 'array' ? Array.isArray(value)
              : base === 'object' ? typeof value === 'object' && !Array.isArray(value)
                : typeof value === base;
  return ok ? null : `${JSON.stringify(value)} is not ${type}`;
}

/** Every documented key with its documented type, and no key beyond them and the listed extras. */
function shapeProblems(value: Record<string, unknown>, fields: Fields, extras: string[] = []): string[] {
  const problems: string[] = [];
  for (const [key, type] of Object.entries(fields)) {
    if (!Object.hasOwn(value, key)) problems.push(`${key}: missing`);
    else {
      const v = value[key];
      if (typeof type !== 'string') {
        const inner = typeof v === 'object' && v !== null && !Array.isArray(v) ? shapeProblems(v as Record<string, unknown>, type) : ['not an object'];
        problems.push(...inner.map((p) => `${key}.${p}`));
        continue;
      }
      const p = typeProblem(v, type);
      if (p) problems.push(`${key}: ${p}`);
    }
  }
  for (const key of Object.keys(value)) if (!Object.hasOwn(fields, key) && !extras.includes(key)) problems.push(`${key}: not documented`);
  return problems;
}

const get = (app: FastifyInstance, url: string) => app.inject({ url: `/api/v1/crm${url}`, headers: bearer('documented') });
const post = (app: FastifyInstance, url: string, payload: unknown) =>
  app.inject({ method: 'POST', url: `/api/v1/crm${url}`, headers: bearer('documented'), payload: payload as object });

t.test('each resource list is the documented envelope with the documented defaults, and every item has the documented fields and types', async (t) => {
  const app = await build(t);
  for (const [resource, fields] of Object.entries(DOC.resources as Record<string, Fields>)) {
    const res = await get(app, `/${resource}`);
    t.equal(res.statusCode, 200, resource);
    const body = res.json();
    t.same(shapeProblems(body, DOC.list_envelope), [], `${resource}: the list envelope`);
    t.match(body, { limit: DOC.list_defaults.limit, offset: DOC.list_defaults.offset }, `${resource}: documented defaults`);
    t.ok(body.items.length > 0, `${resource}: the seed has some`);
    const problems = body.items.flatMap((item: Record<string, unknown>) => shapeProblems(item, fields, EXTRA[resource]).map((p) => `${item.id} ${p}`));
    t.same(problems, [], `${resource}: every item as documented`);
    const one = await get(app, `/${resource}/${body.items[0].id}`);
    t.same(shapeProblems(one.json(), fields, EXTRA[resource]), [], `${resource}: GET one as documented`);
  }
  const capped = (await get(app, `/deals?limit=${DOC.list_defaults.max_limit}`)).json();
  t.equal(capped.limit, DOC.list_defaults.max_limit);
  const over = await get(app, `/deals?limit=${DOC.list_defaults.max_limit + 1}`);
  t.equal(over.statusCode, 400, 'above the documented maximum');
  t.same(shapeProblems(over.json(), DOC.error_envelope), []);
  t.equal(over.json().error.code, DOC.error_codes['400']);
});

t.test('pipelines answer {"pipelines": [...]} and the default pipeline has the documented stage slugs; deals are in JPY', async (t) => {
  const app = await build(t);
  const body = (await get(app, '/pipelines')).json();
  t.same(Object.keys(body), ['pipelines']);
  for (const p of body.pipelines) {
    t.same(shapeProblems(p, DOC.pipeline, EXTRA.pipeline), [], `${p.id} as documented`);
    const slugs = p.stages.map((s: { slug: string }) => s.slug);
    t.equal(new Set(slugs).size, slugs.length, 'slugs unique per pipeline');
  }
  const def = body.pipelines.filter((p: { is_default: boolean }) => p.is_default);
  t.equal(def.length, 1, 'one default pipeline');
  t.same(def[0].stages.map((s: { slug: string }) => s.slug), DOC.default_stage_slugs);
  const deals = (await get(app, '/deals?limit=200')).json().items as { currency: string }[];
  t.same([...new Set(deals.map((d) => d.currency))], [DOC.deal_currency]);
});

t.test('the documented bulk update example answers the documented response and the seeded deals show it', async (t) => {
  const app = await build(t);
  const { request, response } = DOC.bulk.deals_update;
  const res = await post(app, '/bulk/deals/update', request);
  t.equal(res.statusCode, 200);
  t.same(res.json(), response, 'the Response Example');
  t.same(shapeProblems(res.json(), DOC.bulk.response_fields), [], 'the Response Fields');
  for (const id of request.ids) t.match((await get(app, `/deals/${id}`)).json(), { id, stage: request.stage, assigned_member_id: request.assigned_member_id });
});

t.test('the documented bulk delete example answers the documented response; the deleted deals are 404s in the error envelope', async (t) => {
  const app = await build(t);
  const { request, response } = DOC.bulk.deals_delete;
  const res = await post(app, '/bulk/deals/delete', request);
  t.same(res.json(), response, 'the Response Example');
  for (const id of request.ids) {
    const gone = await get(app, `/deals/${id}`);
    t.equal(gone.statusCode, 404);
    t.same(shapeProblems(gone.json(), DOC.error_envelope), [], 'the error envelope');
    t.equal(gone.json().error.code, DOC.error_codes['404']);
  }
  const tooMany = await post(app, '/bulk/deals/delete', { ids: Array.from({ length: DOC.bulk.max_ids + 1 }, (_, i) => `deal_${String(i).padStart(32, '0')}`) });
  t.equal(tooMany.statusCode, 400, `more than the documented ${DOC.bulk.max_ids} ids`);
  t.equal(tooMany.json().error.code, DOC.error_codes['400']);
  const anonymous = await app.inject({ url: '/api/v1/crm/deals' });
  t.equal(anonymous.statusCode, 401);
  t.same(shapeProblems(anonymous.json(), DOC.error_envelope), []);
  t.equal(anonymous.json().error.code, DOC.error_codes['401']);
});

t.test('each export starts with the BOM and the documented columns, in order', async (t) => {
  const app = await build(t);
  for (const [what, columns] of Object.entries(DOC.exports as Record<string, string[]>)) {
    const res = await get(app, `/bulk/${what}/export`);
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^text\/csv/);
    t.equal(res.body.split('\r\n')[0], '\uFEFF' + columns.join(','), `${what}: the documented columns`);
  }
});

t.test('activities, tags and tag assignments answer the fields and envelopes of the reference\'s section 5', async (t) => {
  const app = await build(t);
  const S5 = DOC.section5;
  const list = (await get(app, '/activities?limit=200')).json();
  t.same(shapeProblems(list, DOC.list_envelope), [], 'activities: the list envelope');
  t.ok(list.items.length > 0);
  t.same(list.items.flatMap((a: Record<string, unknown>) => shapeProblems(a, S5.activity).map((p) => `${a.id} ${p}`)), [], 'every seeded activity as documented');
  t.same([...new Set(list.items.map((a: { type: string }) => a.type))].sort(), [...S5.activity_types].sort(), 'the documented types, and only those');
  const tags = (await get(app, '/tags')).json();
  t.same(Object.keys(tags), [S5.tags_envelope]);
  t.same(tags.tags.flatMap((tag: Record<string, unknown>) => shapeProblems(tag, S5.tag)), []);
  const created = await post(app, '/tags', { name: 'documented', color: S5.tag_color_example });
  t.same(Object.keys(created.json()), [S5.tag_envelope]);
  t.same(shapeProblems(created.json().tag, S5.tag), []);
  for (const [resource_type, path] of [['deal', '/deals'], ['company', '/companies'], ['contact', '/contacts']]) {
    t.ok(S5.tag_resource_types.includes(resource_type));
    const id = (await get(app, `${path}?limit=1`)).json().items[0].id;
    const res = await post(app, '/tag-assignments', { tag_id: created.json().tag.id, resource_type, resource_id: id });
    t.same(Object.keys(res.json()), [S5.assignment_envelope]);
    t.same(shapeProblems(res.json().assignment, S5.tag_assignment), [], resource_type);
    t.match(res.json().assignment, { tag_name: 'documented', tag_color: S5.tag_color_example, resource_type, resource_id: id });
  }
});
