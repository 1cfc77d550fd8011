import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, bearer, orgOf, isError, shareApps } from '../helper.js';

// Reports against sums this file computes itself from the stored rows (plain loops over SELECT *),
// never through the code under test.

shareApps(t);

const base = '/api/v1/crm';
const get = (app: FastifyInstance, path: string, token = 'test-token') => app.inject({ url: `${base}${path}`, headers: bearer(token) });

interface DealRow { id: string; stage: string; pipeline_id: string; amount: number | null; probability: number | null; expected_close_date: string | null; assigned_member_id: string | null }
const dealRows = (app: FastifyInstance, org: string) => app.tenants.db(org).prepare(`SELECT * FROM blueai_deals WHERE org_id = ?`).all(org) as DealRow[];
const stageRows = (app: FastifyInstance, org: string, pipeline: string) =>
  app.tenants.db(org).prepare(`SELECT slug FROM blueai_stages WHERE org_id = ? AND pipeline_id = ? ORDER BY position`).pluck().all(org, pipeline) as string[];
const pipelineIds = (app: FastifyInstance, org: string) =>
  app.tenants.db(org).prepare(`SELECT id, is_default FROM blueai_pipelines WHERE org_id = ? ORDER BY is_default DESC, id`).all(org) as { id: string; is_default: number }[];

function expectedSummary(deals: DealRow[], stages: string[], pipeline: string) {
  return stages.map((stage) => {
    let dealCount = 0;
    let total = 0;
    for (const d of deals) {
      if (d.pipeline_id !== pipeline || d.stage !== stage) continue;
      dealCount += 1;
      total += d.amount ?? 0;
    }
    return { stage, deal_count: dealCount, total_amount: total };
  });
}

/** The months from..to as strings, by counting months, not by the code under test. */
function months(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.split('-').map(Number) as [number, number];
  for (;;) {
    const s = `${y}-${String(m).padStart(2, '0')}`;
    out.push(s);
    if (s === to) return out;
    m += 1;
    if (m === 13) { m = 1; y += 1; }
  }
}

function expectedForecast(deals: DealRow[], from: string, to: string) {
  return months(from, to).map((month) => {
    let dealCount = 0;
    let weighted = 0; // Σ amount × probability (percent points)
    for (const d of deals) {
      if (d.stage === 'closed_won' || d.stage === 'closed_lost' || d.expected_close_date?.slice(0, 7) !== month) continue;
      dealCount += 1;
      weighted += (d.amount ?? 0) * (d.probability ?? 0);
    }
    return { month, deal_count: dealCount, forecast_amount: Math.round(weighted / 100) };
  });
}

t.test('pipeline-summary lists every stage of the pipeline in order with its deal count and amount, as the stored deals add up', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const deals = dealRows(app, org);
  const pipelines = pipelineIds(app, org);
  t.equal(pipelines.length, 2, 'the seed has two pipelines');
  for (const { id, is_default } of pipelines) {
    const res = await get(app, `/reports/pipeline-summary?pipeline_id=${id}`);
    t.equal(res.statusCode, 200);
    const expected = expectedSummary(deals, stageRows(app, org, id), id);
    t.same(res.json(), { data: expected }, `pipeline ${id}`);
    t.ok(expected.some((s) => s.deal_count > 0), 'not vacuous: the pipeline has deals');
    if (is_default) t.same((await get(app, '/reports/pipeline-summary')).json(), { data: expected }, 'no pipeline_id: the default pipeline');
  }
  const total = (await get(app, `/reports/pipeline-summary?pipeline_id=${pipelines[0]!.id}`)).json().data.reduce((n: number, s: { deal_count: number }) => n + s.deal_count, 0)
    + (await get(app, `/reports/pipeline-summary?pipeline_id=${pipelines[1]!.id}`)).json().data.reduce((n: number, s: { deal_count: number }) => n + s.deal_count, 0);
  t.equal(total, deals.length, 'every deal is in exactly one stage row');
});

t.test('pipeline-summary of a new pipeline shows zero rows, then the deals created in it', async (t) => {
  const app = await build(t);
  const pipe = (await app.inject({
    method: 'POST', url: `${base}/pipelines`, headers: bearer(),
    payload: { name: 'R', stages: [{ slug: 'z_first', name: 'Z' }, { slug: 'a_second', name: 'A' }, { slug: 'm_third', name: 'M' }] },
  })).json();
  t.same((await get(app, `/reports/pipeline-summary?pipeline_id=${pipe.id}`)).json(), {
    data: [{ stage: 'z_first', deal_count: 0, total_amount: 0 }, { stage: 'a_second', deal_count: 0, total_amount: 0 }, { stage: 'm_third', deal_count: 0, total_amount: 0 }],
  });
  for (const [stage, amount] of [['m_third', 1_000], ['m_third', 2_500], ['z_first', null], ['z_first', 700]] as const) {
    const res = await app.inject({ method: 'POST', url: `${base}/deals`, headers: bearer(), payload: { name: 'r', pipeline_id: pipe.id, stage, amount } });
    t.equal(res.statusCode, 201);
  }
  t.same((await get(app, `/reports/pipeline-summary?pipeline_id=${pipe.id}`)).json(), {
    data: [{ stage: 'z_first', deal_count: 2, total_amount: 700 }, { stage: 'a_second', deal_count: 0, total_amount: 0 }, { stage: 'm_third', deal_count: 2, total_amount: 3_500 }],
  });
});

t.test('pipeline-summary of an unknown pipeline is a 404 NOT_FOUND', async (t) => {
  const app = await build(t);
  const error = isError(t, await get(app, '/reports/pipeline-summary?pipeline_id=pipe_00000000000000000000000000000000'), 404, 'NOT_FOUND');
  t.match(error.message, 'pipe_00000000000000000000000000000000');
  isError(t, await get(app, '/reports/pipeline-summary?pipeline_id='), 400, 'VALIDATION_ERROR');
});

t.test('forecast: one row per month, open deals by expected_close_date, amount weighted by probability (seed rows)', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const deals = dealRows(app, org);
  const open = deals.filter((d) => d.stage !== 'closed_won' && d.stage !== 'closed_lost' && d.expected_close_date);
  const dates = open.map((d) => d.expected_close_date!.slice(0, 7)).sort();
  // A 24-month window over the seed's open deals, starting at the first month that has one.
  const from = dates[0]!;
  const to = months(from, '9999-12')[23]!;
  const res = await get(app, `/reports/forecast?from=${from}&to=${to}`);
  t.equal(res.statusCode, 200);
  const expected = expectedForecast(deals, from, to);
  t.equal(expected.length, 24);
  t.same(res.json(), { data: expected });
  t.ok(expected.filter((m) => m.deal_count > 0).length > 3, 'not vacuous: several months have deals');
  t.ok(expected.some((m) => m.forecast_amount > 0));
});

t.test('forecast sums amount × probability / 100 per month and rounds once per month; closed and undated deals are left out', async (t) => {
  const app = await build(t);
  const token = 'forecast-empty';
  const created = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: token, dataset: 'empty' } });
  t.equal(created.statusCode, 201);
  const deals: Record<string, unknown>[] = [
    { name: 'a', amount: 1_000_000, probability: 30, expected_close_date: '2026-03-05' },
    { name: 'b', amount: 500_000, probability: 45, expected_close_date: '2026-03-31' },
    { name: 'c', amount: 333, probability: 50, expected_close_date: '2026-05-01' }, // 166.5
    { name: 'd', amount: 333, probability: 50, expected_close_date: '2026-05-20' }, // 166.5 → 333 together
    { name: 'e', amount: null, probability: 80, expected_close_date: '2026-05-02' },
    { name: 'f', amount: 9_999, probability: null, expected_close_date: '2026-04-10' },
    { name: 'won', amount: 7_000_000, stage: 'closed_won', expected_close_date: '2026-03-10' },
    { name: 'lost', amount: 7_000_000, stage: 'closed_lost', probability: 10, expected_close_date: '2026-03-10' },
    { name: 'undated', amount: 1_000, probability: 100 },
    { name: 'before', amount: 1_000, probability: 100, expected_close_date: '2026-01-31' },
    { name: 'after', amount: 1_000, probability: 100, expected_close_date: '2026-07-01' },
  ];
  for (const payload of deals) {
    const res = await app.inject({ method: 'POST', url: `${base}/deals`, headers: bearer(token), payload });
    t.equal(res.statusCode, 201, String(payload.name));
  }
  const res = await get(app, '/reports/forecast?from=2026-02&to=2026-06', token);
  t.same(res.json(), {
    data: [
      { month: '2026-02', deal_count: 0, forecast_amount: 0 },
      { month: '2026-03', deal_count: 2, forecast_amount: 300_000 + 225_000 },
      { month: '2026-04', deal_count: 1, forecast_amount: 0 },
      { month: '2026-05', deal_count: 3, forecast_amount: 333 },
      { month: '2026-06', deal_count: 0, forecast_amount: 0 },
    ],
  });
  t.same(res.json().data, expectedForecast(dealRows(app, orgOf(app, token)), '2026-02', '2026-06'), 'the stored rows add up the same');
  t.same((await get(app, '/reports/forecast?from=2026-12&to=2027-01', token)).json().data.map((r: { month: string }) => r.month), ['2026-12', '2027-01'], 'across a year end');
  t.same((await get(app, '/reports/forecast?from=2026-03&to=2026-03', token)).json().data, [{ month: '2026-03', deal_count: 2, forecast_amount: 525_000 }]);
});

t.test('forecast needs from and to as YYYY-MM, to not before from, at most 24 months', async (t) => {
  const app = await build(t);
  const cases: [string, string][] = [
    ['', 'from'], ['from=2026-01', 'to'], ['to=2026-01', 'from'],
    ['from=2026-13&to=2026-12', 'from'], ['from=2026-1&to=2026-12', 'from'], ['from=202601&to=2026-12', 'from'],
    ['from=2026-01-01&to=2026-12', 'from'], ['from=2026-01&to=2026-00', 'to'], ['from=2026-01&to=26-12', 'to'],
    ['from=2026-01&to=2028-01', 'to'], ['from=2026-06&to=2026-05', 'to'], ['from=0000-01&to=9999-12', 'to'],
  ];
  for (const [q, field] of cases) {
    const error = isError(t, await get(app, `/reports/forecast?${q}`), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field in error.details.fields, `${q || '(none)'} names ${field}: ${error.message}`);
  }
  const max = await get(app, '/reports/forecast?from=2026-01&to=2027-12');
  t.equal(max.statusCode, 200);
  t.equal(max.json().data.length, 24, '24 months is allowed');
});

t.test('owner-performance: per member, the deals assigned, won, lost and the amount won, as the stored deals add up', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const members = app.tenants.db(org).prepare(`SELECT id, name FROM blueai_members WHERE org_id = ? ORDER BY created_at, id`).all(org) as { id: string; name: string }[];
  const deals = dealRows(app, org);
  const expected = members.map((m) => {
    const mine = deals.filter((d) => d.assigned_member_id === m.id);
    const won = mine.filter((d) => d.stage === 'closed_won');
    return {
      member_id: m.id, member_name: m.name, deals_owned: mine.length, deals_won: won.length,
      deals_lost: mine.filter((d) => d.stage === 'closed_lost').length, won_amount: won.reduce((n, d) => n + (d.amount ?? 0), 0),
    };
  });
  const res = await get(app, '/reports/owner-performance');
  t.equal(res.statusCode, 200);
  t.same(res.json(), { data: expected });
  t.ok(expected.some((m) => m.deals_won > 0 && m.won_amount > 0), 'not vacuous');
  // A win moves the figures by exactly that deal.
  const open = deals.find((d) => d.assigned_member_id === members[0]!.id && d.stage !== 'closed_won' && d.stage !== 'closed_lost' && d.amount)!;
  const moved = await app.inject({ method: 'POST', url: `${base}/deals/${open.id}/stage`, headers: bearer(), payload: { stage: 'closed_won' } });
  t.equal(moved.statusCode, 200);
  const after = (await get(app, '/reports/owner-performance')).json().data[0];
  t.same(after, { ...expected[0], deals_won: expected[0]!.deals_won + 1, won_amount: expected[0]!.won_amount + open.amount! });
});
