import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isFieldError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

interface Opp {
  id: string; lead_id: string; user_id: string | null; status_id: string; status_type: string; status_label: string;
  value: number | null; value_period: string; confidence: number; date_won: string | null; date_created: string; date_updated: string;
  annualized_value: number | null; expected_value: number | null; annualized_expected_value: number | null;
}

/** Every page of GET /opportunity/?<qs>, and the first page's body (for its aggregates). */
async function everything(app: FastifyInstance, qs = '') {
  const data: Opp[] = [];
  let first: Record<string, unknown> | undefined;
  for (let skip = 0; ; skip += 200) {
    const res = await call(app, { path: `/opportunity/?_limit=200&_skip=${skip}${qs ? '&' + qs : ''}` });
    if (res.statusCode !== 200) throw new Error(`${qs}: ${res.statusCode} ${res.body}`);
    const body = res.json();
    first ??= body;
    data.push(...body.data);
    if (!body.has_more) return { data, first: first! };
  }
}

const ids = (os: Opp[]) => os.map((o) => o.id);
const [u0, u1] = [CS.users[0]!.id, CS.users[1]!.id];
const [won, lost] = [CS.opportunity_statuses.find((s) => s.type === 'won')!, CS.opportunity_statuses.find((s) => s.type === 'lost')!];

t.test('each documented opportunity filter answers what filtering the whole list gives', async (t) => {
  const app = await build(t);
  const { data: all } = await everything(app);
  t.equal(all.length, CS.leads.flatMap((l) => l.opportunities).length);
  const lead = CS.leads.find((l) => l.opportunities.length > 1)!.id;
  const middle = [...all].sort((a, b) => a.date_created.localeCompare(b.date_created))[Math.floor(all.length / 2)]!;
  const updated = [...all].sort((a, b) => a.date_updated.localeCompare(b.date_updated))[Math.floor(all.length / 3)]!;
  const wonDay = all.find((o) => o.date_won !== null)!.date_won!;
  const cases: [string, (o: Opp) => boolean][] = [
    [`lead_id=${lead}`, (o) => o.lead_id === lead],
    [`user_id=${u0}`, (o) => o.user_id === u0],
    [`user_id__in=${u0},${u1}`, (o) => o.user_id === u0 || o.user_id === u1],
    [`status_id=${won.id}`, (o) => o.status_id === won.id],
    [`status_id__in=${won.id},${lost.id}`, (o) => o.status_id === won.id || o.status_id === lost.id],
    ['status_type=won', (o) => o.status_type === 'won'],
    ['status_type__in=active,lost', (o) => o.status_type === 'active' || o.status_type === 'lost'],
    [`status_label=${encodeURIComponent(lost.label)}`, (o) => o.status_label === lost.label],
    [`status_label__in=${encodeURIComponent(`${won.label},${lost.label}`)}`, (o) => o.status_label === won.label || o.status_label === lost.label],
    ['value_period=monthly', (o) => o.value_period === 'monthly'],
    ['value_period__in=annual,one_time', (o) => o.value_period !== 'monthly'],
    [`organization_id=${closeOrg(app)}`, () => true],
    ['organization_id=orga_other', () => false],
    [`date_created__gte=${encodeURIComponent(middle.date_created)}`, (o) => o.date_created >= middle.date_created],
    [`date_created__gt=${encodeURIComponent(middle.date_created)}`, (o) => o.date_created > middle.date_created],
    [`date_created__lt=${encodeURIComponent(middle.date_created)}`, (o) => o.date_created < middle.date_created],
    [`date_created__lte=${encodeURIComponent(middle.date_created)}`, (o) => o.date_created <= middle.date_created],
    [`date_created=${encodeURIComponent(middle.date_created)}`, (o) => o.date_created === middle.date_created],
    [`date_updated__gte=${encodeURIComponent(updated.date_updated)}`, (o) => o.date_updated >= updated.date_updated],
    [`date_updated__lt=${updated.date_updated.slice(0, 10)}`, (o) => o.date_updated < updated.date_updated.slice(0, 10)],
    [`date_won=${wonDay}`, (o) => o.date_won === wonDay],
    [`date_won__gte=${wonDay}`, (o) => o.date_won !== null && o.date_won >= wonDay],
    [`date_won__lt=${wonDay}`, (o) => o.date_won !== null && o.date_won < wonDay],
    [`status_type=won&user_id=${u1}`, (o) => o.status_type === 'won' && o.user_id === u1],
  ];
  for (const [qs, keep] of cases) {
    const { data, first } = await everything(app, qs);
    const truth = all.filter(keep);
    t.same(ids(data), ids(truth), qs);
    t.equal(first.total_results, truth.length, `${qs}: total_results`);
  }
  t.ok(all.some((o) => o.status_type === 'won') && all.some((o) => o.status_type !== 'won'), 'the seed tells filters apart');
});

t.test('opportunity totals cover every match, whatever the page', async (t) => {
  const app = await build(t);
  const { data: all } = await everything(app, 'status_type=active');
  const res = await call(app, { path: '/opportunity/?status_type=active&_limit=0' });
  t.equal(res.statusCode, 200);
  const body = res.json();
  const of = (period: string) => all.filter((o) => o.value_period === period);
  const sum = (os: Opp[], f: (o: Opp) => number | null) => os.reduce((acc, o) => acc + (f(o) ?? 0), 0);
  t.same(body, {
    data: [], has_more: all.length > 0, total_results: all.length,
    count_by_value_period: { one_time: of('one_time').length, monthly: of('monthly').length, annual: of('annual').length },
    total_value_one_time: sum(of('one_time'), (o) => o.value), total_value_monthly: sum(of('monthly'), (o) => o.value),
    total_value_annual: sum(of('annual'), (o) => o.value), total_value_annualized: sum(all, (o) => o.annualized_value),
    expected_value_one_time: sum(of('one_time'), (o) => o.expected_value), expected_value_monthly: sum(of('monthly'), (o) => o.expected_value),
    expected_value_annual: sum(of('annual'), (o) => o.expected_value), expected_value_annualized: sum(all, (o) => o.annualized_expected_value),
  });
  t.ok(body.total_value_annualized > 0);
});

t.test('_order_by sorts opportunities by each documented field, - for descending, ties newest first', async (t) => {
  const app = await build(t);
  const { data: all } = await everything(app);
  const newest = (a: Opp, b: Opp) => b.date_created.localeCompare(a.date_created) || b.id.localeCompare(a.id);
  const names = new Map(CS.users.map((u) => [u.id, `${u.first_name ?? ''} ${u.last_name ?? ''}`.trim()]));
  // SQLite orders NULL first ascending, last descending.
  const cmp = (x: string | number | null, y: string | number | null) =>
    x === y ? 0 : x === null ? -1 : y === null ? 1 : typeof x === 'number' ? x - (y as number) : x < (y as string) ? -1 : 1;
  const fields: [string, (o: Opp) => string | number | null][] = [
    ['date_won', (o) => o.date_won], ['date_updated', (o) => o.date_updated], ['date_created', (o) => o.date_created],
    ['confidence', (o) => o.confidence], ['value', (o) => o.value], ['annualized_value', (o) => o.annualized_value],
    ['annualized_expected_value', (o) => o.annualized_expected_value], ['user_name', (o) => (o.user_id ? names.get(o.user_id)! : null)],
  ];
  for (const [field, key] of fields) {
    for (const dir of [1, -1]) {
      const truth = [...all].sort((a, b) => dir * cmp(key(a), key(b)) || newest(a, b));
      const { data } = await everything(app, `_order_by=${dir < 0 ? '-' : ''}${field}`);
      t.same(ids(data), ids(truth), `${dir < 0 ? '-' : ''}${field}`);
    }
  }
});

t.test('bad opportunity filters and unsupported documented parameters are 400s naming them, changing nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [string, string][] = [
    ['_order_by=name', '_order_by'], ['_order_by=-constructor', '_order_by'], ['_order_by=__proto__', '_order_by'],
    ['status_type=pending', 'status_type'], ['status_type__in=won,maybe', 'status_type__in'],
    ['value_period=weekly', 'value_period'], ['value_period__in=annual,daily', 'value_period__in'],
    ['date_created__gte=yesterday', 'date_created__gte'], ['date_won=2026-13-45', 'date_won'], ['date_updated__lt=soon', 'date_updated__lt'],
    ['_group_by=user_id', '_group_by'], ['query=colour:red', 'query'], ['lead_query=colour:red', 'lead_query'],
    ['lead_saved_search_id=save_1', 'lead_saved_search_id'], ['lead_saved_search_id=save_1&query=name:x', 'lead_saved_search_id'], ['is_stalled=true', 'is_stalled'], ['status=Won', 'status'], ['status__in=Won', 'status__in'],
    ['_limit=-1', '_limit'], ['_limit=251', '_limit'],
  ];
  for (const [qs, field] of cases) isFieldError(t, await call(app, { path: `/opportunity/?${qs}` }), field);
  t.equal(closeState(app), before);
});

t.test('a timestamp filter keeps its microseconds: two opportunities made in one millisecond are told apart', async (t) => {
  const app = await build(t, { freezeAt: Date.parse('2027-01-15T09:00:00Z') });
  const lead = CS.leads[0]!.id;
  const made: Opp[] = [];
  for (let i = 0; i < 2; i++) made.push((await call(app, { method: 'POST', path: '/opportunity/', payload: { lead_id: lead } })).json());
  const [a, b] = made as [Opp, Opp];
  t.equal(a.date_created.slice(0, 23), b.date_created.slice(0, 23), 'same millisecond on the frozen clock');
  const res = (await call(app, { path: `/opportunity/?date_created__gt=${encodeURIComponent(a.date_created)}` })).json();
  t.same(ids(res.data), [b.id]);
  t.equal(res.total_results, 1);
});

t.test('parameters Close does not document for the opportunity list are ignored', async (t) => {
  const app = await build(t);
  const plain = (await call(app, { path: '/opportunity/?_limit=5' })).json();
  t.same((await call(app, { path: '/opportunity/?_limit=5&colour=blue&constructor=1&lead_id__in=lead_x&organization_id__in=orga_x&date_won__in=2026-01-01' })).json(), plain);
});
