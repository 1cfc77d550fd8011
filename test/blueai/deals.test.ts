import t from 'tap';
import { build, bearer, orgOf, row, count, snapshot, SEED_IDS, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/deals';

t.test('listing deals pages with limit/offset and reports the total', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}?limit=10&offset=5`, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.total, 200);
  t.equal(body.limit, 10);
  t.equal(body.offset, 5);
  t.equal(body.items.length, 10);
  const all = await app.inject({ url: `${url}?limit=200&sort=created_at&order=desc`, headers: bearer() });
  const dates = all.json().items.map((d: { created_at: string }) => d.created_at);
  t.same(dates, [...dates].sort().reverse(), 'default order is descending');
  t.same(body.items, all.json().items.slice(5, 15));
});

t.test('deals can be filtered by stage and searched by name, sorted by amount ascending', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}?stage=proposal&limit=200&sort=amount&order=asc`, headers: bearer() });
  const body = res.json();
  t.ok(body.total > 0);
  t.equal(body.total, count(app, 'blueai_deals', orgOf(app), `stage = 'proposal'`));
  t.ok(body.items.every((d: { stage: string }) => d.stage === 'proposal'));
  const amounts = body.items.map((d: { amount: number | null }) => d.amount ?? -1);
  t.same(amounts, [...amounts].sort((a, b) => a - b));
  const name = body.items[0].name as string;
  const search = await app.inject({ url: `${url}?search=${encodeURIComponent(name.slice(0, 4))}`, headers: bearer() });
  t.ok(search.json().items.some((d: { id: string }) => d.id === body.items[0].id));
  t.ok(search.json().items.every((d: { name: string }) => d.name.includes(name.slice(0, 4))));
});

t.test('bad list parameters are rejected with a VALIDATION_ERROR envelope', async (t) => {
  const app = await build(t);
  for (const q of ['limit=201', 'limit=0', 'offset=-1', 'sort=probability', 'order=sideways', 'limit=ten']) {
    const res = await app.inject({ url: `${url}?${q}`, headers: bearer() });
    t.equal(res.statusCode, 400, q);
    t.equal(res.json().error.code, 'VALIDATION_ERROR', q);
    t.type(res.json().error.message, 'string');
    t.type(res.json().error.details, 'object');
  }
  const sort = await app.inject({ url: `${url}?sort=probability`, headers: bearer() });
  t.same(sort.json().error.details.fields, { sort: 'must be one of: created_at, updated_at, name, amount' });
});

t.test('creating a deal defaults to the default pipeline, its first stage and JPY, and stores it', async (t) => {
  const app = await build(t);
  const res = await app.inject({
    method: 'POST', url, headers: bearer(),
    payload: { name: '新規案件', amount: 1200000, company_id: SEED_IDS.company, assigned_member_id: SEED_IDS.member },
  });
  t.equal(res.statusCode, 201);
  const deal = res.json();
  t.match(deal.id, /^deal_[0-9a-f]{32}$/);
  t.equal(deal.stage, 'lead');
  t.equal(deal.currency, 'JPY');
  t.match(deal.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const stored = row(app, 'blueai_deals', orgOf(app), deal.id);
  t.equal(stored?.name, '新規案件');
  t.equal(stored?.amount, 1200000);
  t.equal(stored?.company_id, SEED_IDS.company);
});

t.test('creating a deal at closed_won sets won_date from the emulator clock and probability 100', async (t) => {
  const app = await build(t);
  app.clock.set(new Date('2026-05-01T12:00:00Z'), true);
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { name: 'won', stage: 'closed_won' } });
  t.equal(res.statusCode, 201);
  t.equal(res.json().won_date, '2026-05-01');
  t.equal(res.json().probability, 100);
  t.equal(res.json().created_at, '2026-05-01T12:00:00.000Z');
});

t.test('creating a deal with bad references or fields is rejected and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_deals', org);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', stage: 'poc' }, 'stage'],
    [{ name: 'x', company_id: 'comp_00000000000000000000000000000000' }, 'company_id'],
    [{ name: 'x', contact_id: 'cont_00000000000000000000000000000000' }, 'contact_id'],
    [{ name: 'x', assigned_member_id: 'usr_00000000000000000000000000000000' }, 'assigned_member_id'],
    [{ name: 'x', pipeline_id: 'pipe_00000000000000000000000000000000' }, 'pipeline_id'],
    [{ name: 'x', probability: 101 }, 'probability'],
    [{ name: 'x', expected_close_date: '2026/01/01' }, 'expected_close_date'],
  ];
  for (const [payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url, headers: bearer(), payload });
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.equal(res.json().error.code, 'VALIDATION_ERROR');
    t.ok(field in res.json().error.details.fields, `details.fields names ${field}: ${JSON.stringify(res.json().error.details)}`);
  }
  t.equal(snapshot(app, 'blueai_deals', org), before);
});

t.test('malformed JSON is a 400 in the envelope', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers: { ...bearer(), 'content-type': 'application/json' }, payload: '{"name":' });
  t.equal(res.statusCode, 400);
  t.equal(res.json().error.code, 'VALIDATION_ERROR');
  t.match(res.json().error.message, /JSON/);
});

t.test('getting, patching and deleting a deal', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const got = await app.inject({ url: `${url}/${SEED_IDS.deal1}`, headers: bearer() });
  t.equal(got.statusCode, 200);
  t.equal(got.json().company_id, SEED_IDS.company);
  t.equal(got.json().contact_id, SEED_IDS.contact);

  app.clock.set(new Date('2026-11-01T00:00:00Z'), true);
  const patched = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.deal1}`, headers: bearer(), payload: { amount: 42, probability: 30 } });
  t.equal(patched.statusCode, 200);
  t.equal(patched.json().amount, 42);
  t.equal(patched.json().updated_at, '2026-11-01T00:00:00.000Z');
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal1)?.amount, 42);

  const bad = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.deal1}`, headers: bearer(), payload: { stage: 'poc' } });
  t.equal(bad.statusCode, 400);
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal1)?.stage, 'qualification');

  const empty = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.deal1}`, headers: bearer(), payload: {} });
  t.equal(empty.statusCode, 400);

  const activities = count(app, 'blueai_activities', org, 'deal_id = ?', SEED_IDS.deal1);
  t.ok(activities > 0);
  const del = await app.inject({ method: 'DELETE', url: `${url}/${SEED_IDS.deal1}`, headers: bearer() });
  t.equal(del.statusCode, 200);
  t.same(del.json(), { success: true });
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal1), undefined);
  t.equal(count(app, 'blueai_activities', org, 'deal_id = ?', SEED_IDS.deal1), 0, 'its activities are gone too');

  for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/stage'], ['GET', '/activities']] as const) {
    const res = await app.inject({ method, url: `${url}/${SEED_IDS.deal1}${path}`, headers: bearer(), ...(method === 'GET' || method === 'DELETE' ? {} : { payload: { stage: 'lead', name: 'x' } }) });
    t.equal(res.statusCode, 404, `${method} ${path}`);
    t.same(res.json().error.code, 'NOT_FOUND');
  }
});

t.test('moving a deal to closed_lost records lost_reason, probability 0 and the stage change as a note on the deal', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = count(app, 'blueai_activities', org, 'deal_id = ?', SEED_IDS.deal2);
  const res = await app.inject({
    method: 'POST', url: `${url}/${SEED_IDS.deal2}/stage`, headers: bearer(), payload: { stage: 'closed_lost', lost_reason: '予算不足' },
  });
  t.equal(res.statusCode, 200);
  t.equal(res.json().stage, 'closed_lost');
  t.equal(res.json().lost_reason, '予算不足');
  t.equal(res.json().probability, 0);
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal2)?.lost_reason, '予算不足');
  const acts = await app.inject({ url: `${url}/${SEED_IDS.deal2}/activities`, headers: bearer() });
  t.equal(acts.statusCode, 200);
  t.equal(acts.json().total, before + 1);
  const [note] = acts.json().items;
  t.equal(note.type, 'note', 'newest first');
  t.match(note.content, /lead → closed_lost/);
  t.equal(note.created_by, null);
  t.same(row(app, 'blueai_activities', org, note.id), { org_id: org, ...note }, 'stored as answered');

  const wrong = await app.inject({ method: 'POST', url: `${url}/${SEED_IDS.deal2}/stage`, headers: bearer(), payload: { stage: 'partner_intro' } });
  t.equal(wrong.statusCode, 400);
  t.equal(row(app, 'blueai_deals', org, SEED_IDS.deal2)?.stage, 'closed_lost');
});
