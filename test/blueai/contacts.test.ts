import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { build, bearer, orgOf, row, count, snapshot, SEED_IDS, isError, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/contacts';
const UNKNOWN_COMPANY = 'comp_00000000000000000000000000000000';
const UNKNOWN_CONTACT = 'cont_00000000000000000000000000000000';
const NOW = '2026-03-04T05:06:07.000Z';

type Contact = { id: string; first_name: string | null; last_name: string; email: string | null; company_id: string | null; created_at: string };

t.test('listing contacts answers the items envelope: 50 newest first of all 150', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.same(Object.keys(body).sort(), ['items', 'limit', 'offset', 'total']);
  t.equal(body.total, count(app, 'blueai_contacts', orgOf(app)));
  t.equal(body.total, 150);
  t.equal(body.limit, 50);
  t.equal(body.offset, 0);
  t.equal(body.items.length, 50);
  const dates = body.items.map((c: Contact) => c.created_at);
  t.same(dates, [...dates].sort().reverse());
  t.notOk('org_id' in body.items[0], 'the namespace column is not exposed');
});

t.test('limit and offset page through contacts without gaps or overlap', async (t) => {
  const app = await build(t);
  const page = async (q: string) => (await app.inject({ url: `${url}?${q}`, headers: bearer() })).json();
  const four = await page('limit=4&sort=name&order=asc');
  const first = await page('limit=2&offset=0&sort=name&order=asc');
  const second = await page('limit=2&offset=2&sort=name&order=asc');
  t.same([...first.items, ...second.items], four.items);
  t.equal(second.offset, 2);
  t.equal(second.total, 150);
  const past = await page('offset=1000');
  t.same(past.items, []);
  t.equal(past.total, 150);
});

t.test('search matches last name, first name, the full "last first" name and email', async (t) => {
  const app = await build(t);
  const ids = async (search: string) => {
    const res = await app.inject({ url: `${url}?limit=200&search=${encodeURIComponent(search)}`, headers: bearer() });
    t.equal(res.statusCode, 200);
    return res.json().items.map((c: Contact) => c.id) as string[];
  };
  // The seeded contact 後藤 千尋, goto.chihiro@asahigaoka-networks.example.jp.
  t.ok((await ids('後藤')).includes(SEED_IDS.contact), 'last name');
  t.ok((await ids('千尋')).includes(SEED_IDS.contact), 'first name');
  t.same(await ids('後藤 千尋'), [SEED_IDS.contact], 'full name with a space');
  t.same(await ids('後藤千尋'), [SEED_IDS.contact], 'full name without the space, as it is often typed');
  t.same(await ids('GOTO.CHIHIRO@asahigaoka'), [SEED_IDS.contact], 'email, ASCII case-insensitive');
  const lastNames = await ids('後藤');
  t.equal(lastNames.length, count(app, 'blueai_contacts', orgOf(app), `last_name LIKE '%後藤%' OR first_name LIKE '%後藤%'`));
  t.same(await ids('%'), [], 'LIKE wildcards are matched literally');
});

t.test('company_id filters contacts to one company', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}?company_id=${SEED_IDS.company}`, headers: bearer() });
  const body = res.json();
  t.equal(body.total, count(app, 'blueai_contacts', orgOf(app), 'company_id = ?', SEED_IDS.company));
  t.ok(body.total >= 1);
  t.ok(body.items.every((c: Contact) => c.company_id === SEED_IDS.company));
});

t.test('sort=name orders by last name, then first name, both directions', async (t) => {
  const app = await build(t);
  const key = (c: Contact) => [c.last_name, c.first_name ?? ''];
  const cmp = (a: Contact, b: Contact) => {
    const [x, y] = [key(a), key(b)];
    return x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : x[1]! < y[1]! ? -1 : x[1]! > y[1]! ? 1 : 0;
  };
  const asc = (await app.inject({ url: `${url}?limit=200&sort=name&order=asc`, headers: bearer() })).json().items as Contact[];
  t.equal(asc.length, 150);
  t.ok(asc.every((c, i) => i === 0 || cmp(asc[i - 1]!, c) <= 0), 'ascending');
  const desc = (await app.inject({ url: `${url}?limit=200&sort=name&order=desc`, headers: bearer() })).json().items as Contact[];
  t.ok(desc.every((c, i) => i === 0 || cmp(desc[i - 1]!, c) >= 0), 'descending, last name and first name alike');
});

t.test('bad list parameters are a 400 VALIDATION_ERROR naming the parameter', async (t) => {
  const app = await build(t);
  for (const [q, field] of [['limit=201', 'limit'], ['limit=0', 'limit'], ['offset=-1', 'offset'], ['sort=email', 'sort'], ['order=sideways', 'order']]) {
    const error = isError(t, await app.inject({ url: `${url}?${q}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field! in error.details.fields, `${q} names ${field}`);
  }
});

t.test('creating a contact answers 201 with the contact and stores it', async (t) => {
  const app = await build(t);
  app.clock.set(new Date(NOW), true);
  const payload = { last_name: '山田', first_name: '花子', email: 'hanako@example.jp', phone: '03-0000-0000', position: '課長', company_id: SEED_IDS.company, note: 'メモ' };
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload });
  t.equal(res.statusCode, 201);
  const contact = res.json();
  t.match(contact.id, /^cont_[0-9a-f]{32}$/);
  t.same(contact, { id: contact.id, ...payload, custom_fields: {}, created_at: NOW, updated_at: NOW });
  t.same(row(app, 'blueai_contacts', orgOf(app), contact.id), { org_id: orgOf(app), ...contact });
  t.equal(count(app, 'blueai_contacts', orgOf(app)), 151);
});

t.test('a contact created with only last_name has null optional fields', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers: bearer(), payload: { last_name: '佐々木' } });
  t.equal(res.statusCode, 201);
  const stored = row(app, 'blueai_contacts', orgOf(app), res.json().id);
  t.match(stored, { last_name: '佐々木', first_name: null, email: null, company_id: null, note: null });
});

t.test('creating a contact with a missing last_name, a bad email or an unknown company is a 400 and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'last_name'],
    [{ last_name: '' }, 'last_name'],
    [{ last_name: '山田', email: 'not-an-email' }, 'email'],
    [{ last_name: '山田', company_id: UNKNOWN_COMPANY }, 'company_id'],
  ];
  for (const [payload, field] of cases) {
    const error = isError(t, await app.inject({ method: 'POST', url, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload)} names ${field}`);
  }
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});

t.test('getting a contact answers it; an unknown id is a 404 NOT_FOUND', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}/${SEED_IDS.contact}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: SEED_IDS.contact, last_name: '後藤', first_name: '千尋', company_id: SEED_IDS.company });
  const missing = isError(t, await app.inject({ url: `${url}/${UNKNOWN_CONTACT}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.match(missing.message, UNKNOWN_CONTACT);
});

t.test('patching a contact changes only the given fields and moves updated_at to the clock', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const original = row(app, 'blueai_contacts', org, SEED_IDS.contact)!;
  app.clock.set(new Date(NOW), true);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.contact}`, headers: bearer(), payload: { position: '部長', note: '昇進' } });
  t.equal(res.statusCode, 200);
  const expected: Record<string, unknown> = { ...original, position: '部長', note: '昇進', updated_at: NOW };
  const { org_id: _org, ...publicExpected } = expected;
  t.same(res.json(), publicExpected);
  t.same(row(app, 'blueai_contacts', org, SEED_IDS.contact), expected);
});

t.test('patching company_id and first_name to null clears them', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.contact}`, headers: bearer(), payload: { company_id: null, first_name: null } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().company_id, null);
  t.match(row(app, 'blueai_contacts', orgOf(app), SEED_IDS.contact), { company_id: null, first_name: null, last_name: '後藤' });
});

t.test('patching a contact to another existing company moves it', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url: '/api/v1/crm/companies', headers: bearer(), payload: { name: '新会社' } });
  const companyId = created.json().id as string;
  const res = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.contact}`, headers: bearer(), payload: { company_id: companyId } });
  t.equal(res.statusCode, 200);
  t.equal(row(app, 'blueai_contacts', orgOf(app), SEED_IDS.contact)?.company_id, companyId);
});

t.test('a rejected patch (unknown company, bad email, empty last_name, empty body) changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  const cases: [Record<string, unknown>, string | null][] = [
    [{ company_id: UNKNOWN_COMPANY, note: 'x' }, 'company_id'],
    [{ email: 'nope' }, 'email'],
    [{ last_name: '' }, 'last_name'],
    [{ last_name: null }, 'last_name'],
    [{}, null],
  ];
  for (const [payload, field] of cases) {
    const res = await app.inject({ method: 'PATCH', url: `${url}/${SEED_IDS.contact}`, headers: bearer(), payload });
    const error = isError(t, res, 400, 'VALIDATION_ERROR');
    if (field) t.ok(error.details.fields && field in error.details.fields, `${JSON.stringify(payload)} names ${field}`);
  }
  isError(t, await app.inject({ method: 'PATCH', url: `${url}/${UNKNOWN_CONTACT}`, headers: bearer(), payload: { note: 'x' } }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});

t.test('deleting a contact answers {success:true} and detaches its deals in the same request', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const linked = app.tenants.db(org).prepare(`SELECT id, updated_at FROM blueai_deals WHERE org_id = ? AND contact_id = ? ORDER BY id`).all(org, SEED_IDS.contact) as { id: string; updated_at: string }[];
  t.ok(linked.length > 0, 'the seeded contact has deals');
  const dealsBefore = count(app, 'blueai_deals', org);
  const res = await app.inject({ method: 'DELETE', url: `${url}/${SEED_IDS.contact}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(row(app, 'blueai_contacts', org, SEED_IDS.contact), undefined);
  t.equal(count(app, 'blueai_deals', org, 'contact_id = ?', SEED_IDS.contact), 0);
  t.equal(count(app, 'blueai_deals', org), dealsBefore, 'the deals themselves remain');
  for (const d of linked) t.match(row(app, 'blueai_deals', org, d.id), { contact_id: null, updated_at: d.updated_at });
  isError(t, await app.inject({ url: `${url}/${SEED_IDS.contact}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('deleting an unknown contact is a 404 and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org) + snapshot(app, 'blueai_deals', org);
  isError(t, await app.inject({ method: 'DELETE', url: `${url}/${UNKNOWN_CONTACT}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_contacts', org) + snapshot(app, 'blueai_deals', org), before);
});

t.test('every contact endpoint answers 401 without a credential and changes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_contacts', org);
  const requests = [
    { method: 'GET', url },
    { method: 'POST', url, payload: { last_name: 'x' } },
    { method: 'GET', url: `${url}/${SEED_IDS.contact}` },
    { method: 'PATCH', url: `${url}/${SEED_IDS.contact}`, payload: { note: 'x' } },
    { method: 'DELETE', url: `${url}/${SEED_IDS.contact}` },
  ] as const;
  for (const r of requests) isError(t, await app.inject(r), 401, 'UNAUTHORIZED');
  t.equal(snapshot(app, 'blueai_contacts', org), before);
});

t.test('two tokens see independent contacts', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url, headers: bearer('token-a'), payload: { last_name: '独立' } });
  t.equal(created.statusCode, 201);
  const id = created.json().id as string;
  isError(t, await app.inject({ url: `${url}/${id}`, headers: bearer('token-b') }), 404, 'NOT_FOUND');
  t.equal((await app.inject({ url: `${url}?search=独立`, headers: bearer('token-b') })).json().total, 0);
  t.equal((await app.inject({ url: `${url}?search=独立`, headers: bearer('token-a') })).json().total, 1);

  const deleted = await app.inject({ method: 'DELETE', url: `${url}/${SEED_IDS.contact}`, headers: bearer('token-a') });
  t.equal(deleted.statusCode, 200);
  t.equal((await app.inject({ url: `${url}/${SEED_IDS.contact}`, headers: bearer('token-b') })).statusCode, 200, 'B keeps its seeded copy');
  t.equal(count(app, 'blueai_deals', orgOf(app, 'token-b'), 'contact_id = ?', SEED_IDS.contact), 3, "B's deals stay linked");
});
