import t, { type Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { build, bearer, orgOf, row, count, snapshot, SEED_IDS, isError, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const url = '/api/v1/crm/members';
const UNKNOWN = 'usr_00000000000000000000000000000000';

type Member = { id: string; name: string; email: string; role: string; created_at: string };

t.test('listing members answers the items envelope, newest first', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url, headers: bearer() });
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.total, count(app, 'blueai_members', orgOf(app)));
  t.equal(body.total, 6);
  t.equal(body.limit, 50);
  t.equal(body.offset, 0);
  const dates = body.items.map((m: Member) => m.created_at);
  t.same(dates, [...dates].sort().reverse());
  t.same(Object.keys(body.items[0]).sort(), ['created_at', 'email', 'id', 'name', 'role']);
  const page = (await app.inject({ url: `${url}?limit=2&offset=1`, headers: bearer() })).json();
  t.same(page.items, body.items.slice(1, 3));
  t.equal(page.total, 6);
});

t.test('members can be searched by name or email and sorted by name', async (t) => {
  const app = await build(t);
  const list = async (q: string) => (await app.inject({ url: `${url}?${q}`, headers: bearer() })).json();
  const byName = await list(`search=${encodeURIComponent('佐藤')}`);
  t.same(byName.items.map((m: Member) => m.id), [SEED_IDS.member]);
  const byEmail = await list('search=kenta.sato');
  t.same(byEmail.items.map((m: Member) => m.id), [SEED_IDS.member]);
  t.equal((await list('search=blueai-demo.example')).total, 6);
  const names = (await list('sort=name&order=asc')).items.map((m: Member) => m.name);
  t.same(names, [...names].sort());
});

t.test('bad member list parameters are a 400 VALIDATION_ERROR', async (t) => {
  const app = await build(t);
  for (const [q, field] of [['limit=201', 'limit'], ['offset=-1', 'offset'], ['sort=role', 'sort'], ['order=sideways', 'order']]) {
    const error = isError(t, await app.inject({ url: `${url}?${q}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
    t.ok(error.details.fields && field! in error.details.fields, `${q} names ${field}`);
  }
});

t.test('getting a member answers it; an unknown id is a 404 NOT_FOUND', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: `${url}/${SEED_IDS.member}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  const { org_id: _org, password_hash: hash, ...stored } = row(app, 'blueai_members', orgOf(app), SEED_IDS.member)!;
  t.same(res.json(), stored, 'the stored member but its password hash');
  t.match(hash, /^[0-9a-f]{32}:[0-9a-f]{128}$/);
  t.notMatch(res.body, String(hash).split(':')[1]!);
  t.match(res.json(), { name: '佐藤 健太', role: 'admin' });
  const error = isError(t, await app.inject({ url: `${url}/${UNKNOWN}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.match(error.message, UNKNOWN);
});

t.test('members are read-only: POST, PATCH and DELETE answer 404 NOT_FOUND and change nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_members', org);
  const requests = [
    { method: 'POST', url, payload: { name: 'x', email: 'x@example.com', role: 'member' } },
    { method: 'PATCH', url: `${url}/${SEED_IDS.member}`, payload: { role: 'member' } },
    { method: 'DELETE', url: `${url}/${SEED_IDS.member}` },
  ] as const;
  for (const r of requests) {
    const error = isError(t, await app.inject({ ...r, headers: bearer() }), 404, 'NOT_FOUND');
    t.match(error.message, r.method);
  }
  t.equal(snapshot(app, 'blueai_members', org), before);
});

t.test('member endpoints, even the missing write routes, answer 401 without a credential', async (t) => {
  const app = await build(t);
  for (const r of [
    { method: 'GET', url },
    { method: 'GET', url: `${url}/${SEED_IDS.member}` },
    { method: 'POST', url, payload: { name: 'x' } },
    { method: 'DELETE', url: `${url}/${SEED_IDS.member}` },
  ] as const) {
    isError(t, await app.inject(r), 401, 'UNAUTHORIZED');
  }
});

t.test('each token lists the members of its own organization', async (t) => {
  const app = await build(t);
  const a = (await app.inject({ url, headers: bearer('token-a') })).json();
  const b = (await app.inject({ url, headers: bearer('token-b') })).json();
  t.same(a.items, b.items, 'both start from the same seeded members');
  t.not(orgOf(app, 'token-a'), orgOf(app, 'token-b'));
  const orgA = orgOf(app, 'token-a');
  app.tenants.db(orgA).prepare(`DELETE FROM blueai_members WHERE org_id = ? AND id = ?`).run(orgA, SEED_IDS.member);
  isError(t, await app.inject({ url: `${url}/${SEED_IDS.member}`, headers: bearer('token-a') }), 404, 'NOT_FOUND');
  t.equal((await app.inject({ url: `${url}/${SEED_IDS.member}`, headers: bearer('token-b') })).statusCode, 200);
});
