import t, { type Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { build, bearer, orgOf, row, count, snapshot, isError, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/pipelines';
const SALES = 'pipe_f7c6139b5475228c14e64f1ce3cc838f'; // default; deals in every stage
const PARTNER = 'pipe_009c46832ac2654ddf0b12651f18134b'; // 30 deals; 10 in "poc"
const UNKNOWN = 'pipe_00000000000000000000000000000000';
const NOW = '2026-03-04T05:06:07.000Z';
const STAGES = [{ slug: 'open', name: '未着手' }, { slug: 'doing', name: '対応中' }, { slug: 'done', name: '完了' }];

type Pipeline = { id: string; name: string; is_default: boolean; sort_order: number; stages: { slug: string; name: string }[] };

/** Pipelines and stages (which have no id column for snapshot()) of one organization. */
const state = (app: FastifyInstance, org: string) =>
  snapshot(app, 'blueai_pipelines', org) +
  JSON.stringify(app.tenants.db(org).prepare(`SELECT * FROM blueai_stages WHERE org_id = ? ORDER BY pipeline_id, position`).all(org));
const storedStages = (app: FastifyInstance, org: string, pipelineId: string) =>
  app.tenants.db(org).prepare(`SELECT slug, name, position FROM blueai_stages WHERE org_id = ? AND pipeline_id = ? ORDER BY position`).all(org, pipelineId);
const defaults = (app: FastifyInstance, org: string) =>
  app.tenants.db(org).prepare(`SELECT id FROM blueai_pipelines WHERE org_id = ? AND is_default = 1`).pluck().all(org);

async function createPipeline(app: FastifyInstance, payload: Record<string, unknown> = {}): Promise<Pipeline> {
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { name: '保守契約', stages: STAGES, ...payload } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json();
}

t.test('listing pipelines answers {pipelines} by sort_order then id, with ordered stages and a boolean is_default', async (t) => {
  const app = await build(t);
  const tie = await createPipeline(app, { sort_order: 0 });
  const res = await app.inject({ url, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(Object.keys(body), ['pipelines']);
  const ids = [SALES, tie.id].sort();
  t.same(body.pipelines.map((p: Pipeline) => p.id), [...ids, PARTNER], 'sort_order 0 twice: by id; then sort_order 1');
  const sales = body.pipelines.find((p: Pipeline) => p.id === SALES);
  t.equal(sales.is_default, true);
  t.same(sales.stages.map((s: { slug: string }) => s.slug), ['lead', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost']);
  t.same(sales.stages[0], { slug: 'lead', name: 'リード' });
  t.equal(body.pipelines.find((p: Pipeline) => p.id === PARTNER).is_default, false);
});

t.test('creating a pipeline answers 201 and stores it and its stages in order, after the last pipeline', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  app.clock.set(new Date(NOW), true);
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { name: '保守契約', stages: STAGES } });
  t.equal(res.statusCode, 201);
  const p = res.json();
  t.match(p.id, /^pipe_[0-9a-f]{32}$/);
  t.same(p, { id: p.id, name: '保守契約', is_default: false, sort_order: 2, stages: STAGES, created_at: NOW, updated_at: NOW });
  t.same(row(app, 'blueai_pipelines', org, p.id), { org_id: org, id: p.id, name: '保守契約', is_default: 0, sort_order: 2, created_at: NOW, updated_at: NOW });
  t.same(storedStages(app, org, p.id), STAGES.map((s, position) => ({ ...s, position })));
  t.same((await app.inject({ url: `${url}/${p.id}`, headers: bearer() })).json(), p);
});

t.test('creating a pipeline with is_default true makes it the only default, and new deals land in it', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  app.clock.set(new Date(NOW), true);
  const p = await createPipeline(app, { is_default: true });
  t.equal(p.is_default, true);
  t.same(defaults(app, org), [p.id]);
  t.match((await app.inject({ url: `${url}/${SALES}`, headers: bearer() })).json(), { is_default: false, updated_at: NOW });
  const deal = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer(), payload: { name: '新案件' } });
  t.match(deal.json(), { pipeline_id: p.id, stage: 'open' });
});

t.test('creating a pipeline with repeated stage slugs or bad fields is a 400 and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = state(app, org);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x', stages: [...STAGES, { slug: 'open', name: '再' }] }, 'stages'],
    [{ stages: STAGES }, 'name'],
    [{ name: '', stages: STAGES }, 'name'],
    [{ name: 'x' }, 'stages'],
    [{ name: 'x', stages: [] }, 'stages'],
    [{ name: 'x', stages: [{ slug: 'Not A Slug', name: 'x' }] }, 'stages.0.slug'],
    [{ name: 'x', stages: [{ slug: 'ok' }] }, 'stages.0.name'],
    [{ name: 'x', stages: STAGES, is_default: 'yes' }, 'is_default'],
  ];
  for (const [payload, field] of cases) {
    const error = isError(t, await app.inject({ method: 'POST', url, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload)} names ${field}: ${JSON.stringify(error.details)}`);
  }
  t.equal(state(app, org), before);
});

t.test('getting an unknown pipeline is a 404 NOT_FOUND', async (t) => {
  const app = await build(t);
  const error = isError(t, await app.inject({ url: `${url}/${UNKNOWN}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.match(error.message, UNKNOWN);
});

t.test('patching name and sort_order updates them and updated_at, leaving the stages', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const stagesBefore = storedStages(app, org, PARTNER);
  app.clock.set(new Date(NOW), true);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { name: '代理店販売', sort_order: -1 } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: PARTNER, name: '代理店販売', sort_order: -1, is_default: false, updated_at: NOW });
  t.match(row(app, 'blueai_pipelines', org, PARTNER), { name: '代理店販売', sort_order: -1, is_default: 0, updated_at: NOW });
  t.same(storedStages(app, org, PARTNER), stagesBefore);
  const list = (await app.inject({ url, headers: bearer() })).json();
  t.equal(list.pipelines[0].id, PARTNER, 'now listed first');
});

t.test('patching stages replaces them: renaming, reordering and adding keep the slugs deals use', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const stages = [
    { slug: 'poc', name: '技術検証' }, { slug: 'partner_intro', name: '紹介' }, { slug: 'review', name: '審査' },
    { slug: 'contract', name: '契約' }, { slug: 'closed_won', name: '受注' }, { slug: 'closed_lost', name: '失注' },
  ];
  const res = await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { stages } });
  t.equal(res.statusCode, 200);
  t.same(res.json().stages, stages);
  t.same(storedStages(app, org, PARTNER), stages.map((s, position) => ({ ...s, position })));
});

t.test('removing a stage that deals still use is a 409 naming the slug and the deal count, and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const inPoc = count(app, 'blueai_deals', org, 'pipeline_id = ? AND stage = ?', PARTNER, 'poc');
  t.equal(inPoc, 10);
  const before = state(app, org);
  const stages = [{ slug: 'partner_intro', name: 'a' }, { slug: 'contract', name: 'b' }, { slug: 'closed_won', name: 'c' }, { slug: 'closed_lost', name: 'd' }];
  const error = isError(t, await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { name: 'renamed', stages } }), 409, 'CONFLICT');
  t.match(error.message, /"poc"/);
  t.match(error.message, /10 deals/);
  t.same(error.details, { stages_in_use: { poc: 10 } });
  t.equal(state(app, org), before);
});

t.test('a stage slugged __proto__ or constructor that a deal uses cannot be removed either: a 409 naming it', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  // The slug pattern allows both; counted in a plain object, `__proto__` vanished and the stage was
  // removed under its deal.
  const pipeline = await createPipeline(app, { stages: [{ slug: '__proto__', name: 'a' }, { slug: 'constructor', name: 'b' }, { slug: 'open', name: 'c' }] });
  for (const stage of ['__proto__', 'constructor']) {
    const deal = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer(), payload: { name: stage, pipeline_id: pipeline.id, stage } });
    t.equal(deal.statusCode, 201, deal.body);
  }
  const before = state(app, org);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${pipeline.id}`, headers: bearer(), payload: { stages: [{ slug: 'open', name: 'c' }] } });
  const error = isError(t, res, 409, 'CONFLICT');
  t.equal(error.message, `Cannot remove stages of pipeline ${pipeline.id}: stage "__proto__" is still used by 1 deal; stage "constructor" is still used by 1 deal; move those deals first`);
  t.same(Object.entries(JSON.parse(res.body).error.details.stages_in_use), [['__proto__', 1], ['constructor', 1]]);
  t.equal(state(app, org), before);
});

t.test('removing a stage no deal uses succeeds', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const p = await createPipeline(app);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${p.id}`, headers: bearer(), payload: { stages: [STAGES[0], STAGES[2]] } });
  t.equal(res.statusCode, 200);
  t.same(storedStages(app, org, p.id), [{ ...STAGES[0], position: 0 }, { ...STAGES[2], position: 1 }]);
});

t.test('patching is_default true moves the default to that pipeline', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  app.clock.set(new Date(NOW), true);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { is_default: true } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().is_default, true);
  t.same(defaults(app, org), [PARTNER]);
  t.match(row(app, 'blueai_pipelines', org, SALES), { is_default: 0, updated_at: NOW }, 'the old default is updated too');
  const again = await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { is_default: true } });
  t.equal(again.statusCode, 200, 'setting it again is harmless');
  t.same(defaults(app, org), [PARTNER]);
});

t.test('patching is_default false on the default pipeline is a 400 and changes nothing; on another it is a no-op', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = state(app, org);
  const error = isError(t, await app.inject({ method: 'PATCH', url: `${url}/${SALES}`, headers: bearer(), payload: { is_default: false, name: 'x' } }), 400, 'VALIDATION_ERROR');
  t.ok(error.details.fields && 'is_default' in error.details.fields);
  t.equal(state(app, org), before);
  const other = await app.inject({ method: 'PATCH', url: `${url}/${PARTNER}`, headers: bearer(), payload: { is_default: false } });
  t.equal(other.statusCode, 200);
  t.same(defaults(app, org), [SALES]);
});

t.test('a rejected pipeline patch (repeated slugs, empty body, empty stages, unknown id) changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = state(app, org);
  const p = PARTNER;
  for (const payload of [{ stages: [{ slug: 'poc', name: 'a' }, { slug: 'poc', name: 'b' }] }, {}, { stages: [] }, { name: '' }]) {
    isError(t, await app.inject({ method: 'PATCH', url: `${url}/${p}`, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
  }
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${UNKNOWN}`, headers: bearer(), payload: { name: 'x' } }), 404, 'NOT_FOUND');
  t.equal(state(app, org), before);
});

t.test('deleting a pipeline without deals answers {success:true} and removes it and its stages', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const p = await createPipeline(app);
  const res = await app.inject({ method: 'DELETE', url: `${url}/${p.id}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(row(app, 'blueai_pipelines', org, p.id), undefined);
  t.equal(count(app, 'blueai_stages', org, 'pipeline_id = ?', p.id), 0);
  t.equal(count(app, 'blueai_pipelines', org), 2);
  isError(t, await app.inject({ url: `${url}/${p.id}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('deleting the default pipeline, a pipeline with deals or an unknown one is rejected and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = state(app, org);
  const asDefault = isError(t, await app.inject({ method: 'DELETE', url: `${url}/${SALES}`, headers: bearer() }), 409, 'CONFLICT');
  t.match(asDefault.message, /default/);
  const withDeals = isError(t, await app.inject({ method: 'DELETE', url: `${url}/${PARTNER}`, headers: bearer() }), 409, 'CONFLICT');
  t.match(withDeals.message, /30 deals/);
  t.same(withDeals.details, { deal_count: 30 });
  isError(t, await app.inject({ method: 'DELETE', url: `${url}/${UNKNOWN}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.equal(state(app, org), before);
});

t.test('every pipeline endpoint answers 401 without a credential and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = state(app, org);
  const requests = [
    { method: 'GET', url },
    { method: 'POST', url, payload: { name: 'x', stages: STAGES } },
    { method: 'GET', url: `${url}/${PARTNER}` },
    { method: 'PATCH', url: `${url}/${PARTNER}`, payload: { name: 'x' } },
    { method: 'DELETE', url: `${url}/${PARTNER}` },
  ] as const;
  for (const r of requests) isError(t, await app.inject(r), 401, 'UNAUTHORIZED');
  t.equal(state(app, org), before);
});

t.test('two tokens see independent pipelines', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers: bearer('token-a'), payload: { name: 'A専用', stages: STAGES, is_default: true } });
  const id = res.json().id as string;
  isError(t, await app.inject({ url: `${url}/${id}`, headers: bearer('token-b') }), 404, 'NOT_FOUND');
  const b = (await app.inject({ url, headers: bearer('token-b') })).json();
  t.same(b.pipelines.map((p: Pipeline) => [p.id, p.is_default]), [[SALES, true], [PARTNER, false]]);
});
