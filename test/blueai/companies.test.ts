import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { build, bearer, orgOf, row, count, snapshot, SEED_IDS, isError, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/companies';
const UNKNOWN_COMPANY = 'comp_00000000000000000000000000000000';
const NOW = '2026-03-04T05:06:07.000Z';

type Company = { id: string; name: string; name_kana: string | null; created_at: string };

t.test('listing companies answers the items envelope: 50 newest first, with the total', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.total, count(app, 'blueai_companies', orgOf(app)));
  t.equal(body.total, 50);
  t.equal(body.limit, 50);
  t.equal(body.offset, 0);
  t.equal(body.items.length, 50);
  const dates = body.items.map((c: Company) => c.created_at);
  t.same(dates, [...dates].sort().reverse());
  const page = (await app.inject({ url: `${url}?limit=5&offset=10`, headers: bearer() })).json();
  t.same(page.items, body.items.slice(10, 15));
});

t.test('search matches company name and name_kana', async (t) => {
  const app = await build(t);
  const ids = async (search: string) =>
    (await app.inject({ url: `${url}?limit=200&search=${encodeURIComponent(search)}`, headers: bearer() })).json().items.map((c: Company) => c.id);
  // The seeded company 株式会社朝日丘ネットワークス / アサヒガオカネットワークス.
  t.same(await ids('朝日丘ネット'), [SEED_IDS.company], 'name');
  const kana = (await app.inject({ url: `${url}?search=${encodeURIComponent('アサヒガオカセイキ')}`, headers: bearer() })).json();
  t.same(kana.items.map((c: Company) => c.name), ['朝日丘精機株式会社'], 'name_kana alone (the name is written in kanji)');
  const kabushiki = await ids('株式会社');
  t.equal(kabushiki.length, count(app, 'blueai_companies', orgOf(app), `name LIKE '%株式会社%' OR name_kana LIKE '%株式会社%'`));
  t.same(await ids('no-such-company'), []);
});

t.test('sort=name orders companies by name in both directions', async (t) => {
  const app = await build(t);
  const names = async (order: string) =>
    (await app.inject({ url: `${url}?limit=200&sort=name&order=${order}`, headers: bearer() })).json().items.map((c: Company) => c.name) as string[];
  const asc = await names('asc');
  t.equal(asc.length, 50);
  t.same(asc, [...asc].sort());
  t.same(await names('desc'), [...asc].reverse());
});

t.test('bad list parameters are a 400 VALIDATION_ERROR naming the parameter', async (t) => {
  const app = await build(t);
  for (const [q, field] of [['limit=201', 'limit'], ['offset=-1', 'offset'], ['sort=industry', 'sort'], ['order=sideways', 'order']]) {
    const error = isError(t, await app.inject({ url: `${url}?${q}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field! in error.details.fields, `${q} names ${field}`);
  }
});

t.test('creating a company answers 201 with every field and stores it', async (t) => {
  const app = await build(t);
  app.clock.set(new Date(NOW), true);
  const payload = {
    name: '株式会社テスト', name_kana: 'テスト', department: '営業部', industry: '製造', employee_count: 0,
    website: 'https://test.example.jp', postal_code: '100-0001', address: '東京都千代田区', phone: '03-1111-2222',
    email: 'info@test.example.jp', note: '新規',
  };
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload });
  t.equal(res.statusCode, 201);
  const company = res.json();
  t.match(company.id, /^comp_[0-9a-f]{32}$/);
  t.same(company, { id: company.id, ...payload, custom_fields: {}, created_at: NOW, updated_at: NOW });
  t.same(row(app, 'blueai_companies', orgOf(app), company.id), { org_id: orgOf(app), ...company });
});

t.test('a company created with only a name has null optional fields', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { name: '最小会社' } });
  t.equal(res.statusCode, 201);
  t.match(row(app, 'blueai_companies', orgOf(app), res.json().id), { name: '最小会社', name_kana: null, employee_count: null, email: null });
});

t.test('creating a company without a name, with a bad email or a negative employee_count is a 400 and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_companies', org);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'name'],
    [{ name: '' }, 'name'],
    [{ name: 'x', email: 'not-an-email' }, 'email'],
    [{ name: 'x', employee_count: -1 }, 'employee_count'],
    [{ name: 'x', employee_count: 1.5 }, 'employee_count'],
  ];
  for (const [payload, field] of cases) {
    const error = isError(t, await app.inject({ method: 'POST', url, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload)} names ${field}`);
  }
  t.equal(snapshot(app, 'blueai_companies', org), before);
});

t.test('getting a company answers it; an unknown id is a 404 NOT_FOUND', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}/${SEED_IDS.company}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  const { org_id: _org, ...stored } = row(app, 'blueai_companies', orgOf(app), SEED_IDS.company)!;
  t.same(res.json(), stored);
  const error = isError(t, await app.inject({ url: `${url}/${UNKNOWN_COMPANY}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.match(error.message, UNKNOWN_COMPANY);
});

t.test('patching a company changes only the given fields, clears nulls and moves updated_at', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const original = row(app, 'blueai_companies', org, SEED_IDS.company)!;
  app.clock.set(new Date(NOW), true);
  const res = await app.inject({
    method: 'PATCH', url: `${url}/${SEED_IDS.company}`, headers: bearer(),
    payload: { name: '朝日丘ホールディングス', employee_count: null, department: null },
  });
  t.equal(res.statusCode, 200);
  const expected: Record<string, unknown> = { ...original, name: '朝日丘ホールディングス', employee_count: null, department: null, updated_at: NOW };
  t.same(row(app, 'blueai_companies', org, SEED_IDS.company), expected);
  const { org_id: _org, ...publicExpected } = expected;
  t.same(res.json(), publicExpected);
});

t.test('a rejected company patch (empty name, bad email, empty body, unknown id) changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_companies', org);
  for (const payload of [{ name: '' }, { name: null }, { email: 'bad' }, { employee_count: -5 }, {}]) {
    isError(t, await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.company}`, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
  }
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${UNKNOWN_COMPANY}`, headers: bearer(), payload: { name: 'x' } }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_companies', org), before);
});

t.test('deleting a company detaches its contacts and deals and answers {success:true}', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const contacts = count(app, 'blueai_contacts', org, 'company_id = ?', SEED_IDS.company);
  const deals = count(app, 'blueai_deals', org, 'company_id = ?', SEED_IDS.company);
  t.ok(contacts > 0 && deals > 0, 'the seeded company has contacts and deals');
  const totals = [count(app, 'blueai_contacts', org), count(app, 'blueai_deals', org)];
  const res = await app.inject({ method: 'DELETE', url: `${url}/${SEED_IDS.company}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(row(app, 'blueai_companies', org, SEED_IDS.company), undefined);
  t.equal(count(app, 'blueai_contacts', org, 'company_id = ?', SEED_IDS.company), 0);
  t.equal(count(app, 'blueai_deals', org, 'company_id = ?', SEED_IDS.company), 0);
  t.same([count(app, 'blueai_contacts', org), count(app, 'blueai_deals', org)], totals, 'contacts and deals remain');
  t.match(row(app, 'blueai_contacts', org, SEED_IDS.contact), { company_id: null });
  t.match(row(app, 'blueai_deals', org, SEED_IDS.deal1), { company_id: null });
  isError(t, await app.inject({ url: `${url}/${SEED_IDS.company}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('deleting an unknown company is a 404 and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const state = () => ['blueai_companies', 'blueai_contacts', 'blueai_deals'].map((table) => snapshot(app, table, org)).join();
  const before = state();
  isError(t, await app.inject({ method: 'DELETE', url: `${url}/${UNKNOWN_COMPANY}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.equal(state(), before);
});

t.test('every company endpoint answers 401 without a credential and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_companies', org);
  const requests = [
    { method: 'GET', url },
    { method: 'POST', url, payload: { name: 'x' } },
    { method: 'GET', url: `${url}/${SEED_IDS.company}` },
    { method: 'PATCH', url: `${url}/${SEED_IDS.company}`, payload: { name: 'x' } },
    { method: 'DELETE', url: `${url}/${SEED_IDS.company}` },
  ] as const;
  for (const r of requests) isError(t, await app.inject(r), 401, 'UNAUTHORIZED');
  t.equal(snapshot(app, 'blueai_companies', org), before);
});

t.test('two tokens see independent companies', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url, headers: bearer('token-a'), payload: { name: '独立商事' } });
  const id = created.json().id as string;
  isError(t, await app.inject({ url: `${url}/${id}`, headers: bearer('token-b') }), 404, 'NOT_FOUND');
  // A contact in B cannot point at A's company.
  const contact = await app.inject({ method: 'POST', url: '/api/v1/crm/contacts', headers: bearer('token-b'), payload: { last_name: 'x', company_id: id } });
  isError(t, contact, 400, 'VALIDATION_ERROR');
  t.equal((await app.inject({ url, headers: bearer('token-a') })).json().total, 51);
  t.equal((await app.inject({ url, headers: bearer('token-b') })).json().total, 50);
});
