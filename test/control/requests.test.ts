import t from 'tap';
import { build, bearer, orgOf } from '../helper.js';
import { closeAuth } from '../close/helper.js';

const list = async (app: Awaited<ReturnType<typeof build>>, query = '') => {
  const res = await app.inject({ url: `/_mock/requests${query}` });
  t.equal(res.statusCode, 200, `GET /_mock/requests${query}`);
  return res.json() as { data: Record<string, any>[]; total: number };
};

t.test('the journal keeps every vendor call, newest first, and none of the control API calls', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals?limit=2&stage=proposal', headers: bearer('j1') });
  await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('j1'), payload: { name: 'Journal deal' } });
  await app.inject({ url: '/api/v1/me/', headers: closeAuth('j1') });
  await app.inject({ url: '/api/v1/me/' });
  await app.inject({ url: '/nowhere' });
  await app.inject({ url: '/_mock/health' });
  const { data, total } = await list(app);
  t.equal(total, 5);
  t.same(data.map((e) => e.id), [5, 4, 3, 2, 1]);
  t.same(data.map((e) => [e.vendor, e.method, e.path, e.status]), [
    [null, 'GET', '/nowhere', 404],
    ['close', 'GET', '/api/v1/me/', 401],
    ['close', 'GET', '/api/v1/me/', 200],
    ['blueai', 'POST', '/api/v1/crm/deals', 201],
    ['blueai', 'GET', '/api/v1/crm/deals', 200],
  ]);
  const org = orgOf(app, 'j1');
  t.same(data.map((e) => e.org), [null, null, org, org, org], 'org is null when auth failed or never ran');
  const [, unauthorized, , created, listed] = data;
  t.same(listed!.query, { limit: '2', stage: 'proposal' }, 'the query as sent: no coerced values, no defaults');
  t.equal(listed!.request_body, '');
  t.equal(JSON.parse(created!.request_body).name, 'Journal deal');
  t.equal(JSON.parse(created!.response_body).name, 'Journal deal');
  t.equal(created!.request_body_truncated, false);
  t.equal(unauthorized!.response_body, '{"error":"Unauthorized"}');
  t.equal(unauthorized!.nearest_route, null);
  t.ok(data.every((e) => typeof e.duration_ms === 'number' && e.duration_ms >= 0 && !Number.isNaN(Date.parse(e.time))));
  t.same((await app.inject({ url: '/_mock/requests/count' })).json(), { count: 5 });
});

t.test('query keys named after Object.prototype properties are recorded like any other key', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals?__proto__=a&constructor=b&toString=c&limit=1', headers: bearer('j1') });
  const { data } = await list(app);
  // `__proto__` was assigned to the copy's prototype and lost.
  t.same(Object.entries(data[0]!.query), [['__proto__', 'a'], ['constructor', 'b'], ['toString', 'c'], ['limit', '1']]);
});

t.test('a body sent with a request rejected before it was read is recorded as null', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'POST', url: '/api/v1/crm/deals', payload: { name: 'x' } });
  const [entry] = (await list(app)).data;
  t.equal(entry!.status, 401);
  t.equal(entry!.request_body, null);
  t.match(JSON.parse(entry!.response_body), { error: { code: 'UNAUTHORIZED' } });
});

t.test('each filter selects its entries, in GET /_mock/requests and /count alike', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('a') });
  await app.inject({ url: '/api/v1/crm/deals/deal_nope', headers: bearer('a') });
  await app.inject({ method: 'DELETE', url: '/api/v1/crm/contacts/cont_nope', headers: bearer('b') });
  await app.inject({ url: '/api/v1/lead/', headers: closeAuth('b') });
  await app.inject({ url: '/api/v1/crm/nope/deeper', headers: bearer('a') });
  // `since` is inclusive and in ms: wait for the wall clock to pass the ms of the entries above
  // (a tick of the clock, not a fixed delay), so none of them shares `since`'s millisecond.
  const last = Date.now();
  while (Date.now() === last) await new Promise((r) => setImmediate(r));
  const since = new Date().toISOString();
  await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: closeAuth('a'), payload: { name: 'Late lead' } });
  const cases: [string, number[]][] = [
    ['vendor=close', [6, 4]],
    ['vendor=blueai', [5, 3, 2, 1]],
    ['method=delete', [3]],
    ['method=POST', [6]],
    ['path=/api/v1/crm/*', [1]],
    ['path=/api/v1/crm/*/*', [5, 3, 2]],
    ['path=/api/v1/crm/**', [5, 3, 2, 1]],
    ['path=/api/v1/*/', [6, 4]],
    ['status=404', [5, 3, 2]],
    ['status=2xx', [6, 4, 1]],
    ['status=4XX', [5, 3, 2]],
    ['org=a', [6, 5, 2, 1]],
    [`org=${orgOf(app, 'b')}`, [4, 3]],
    [`since=${encodeURIComponent(since)}`, [6]],
    ['vendor=blueai&status=404&org=a', [5, 2]],
    ['after=4', [6, 5]],
    ['after=0', [6, 5, 4, 3, 2, 1]],
    ['after=6', []],
    ['after=2&vendor=blueai', [5, 3]],
  ];
  for (const [q, ids] of cases) {
    const { data, total } = await list(app, `?${q}`);
    t.same(data.map((e) => e.id), ids, q);
    t.equal(total, ids.length, `${q}: total`);
    t.same((await app.inject({ url: `/_mock/requests/count?${q}` })).json(), { count: ids.length }, `${q}: count`);
  }
  const limited = await list(app, '?limit=2');
  t.same(limited.data.map((e) => e.id), [6, 5]);
  t.equal(limited.total, 6, 'total counts every match, not just the page');
});

t.test('bad filter values are a 400 naming the field; an unknown org is a 404', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('x') });
  const bad: [string, string][] = [
    ['vendor=hubspot', 'vendor'],
    ['method=FETCH', 'method'],
    ['path=api/v1/*', 'path'],
    ['status=4x', 'status'],
    ['status=600', 'status'],
    ['since=yesterday', 'since'],
    ['since=2026-13-45T00:00:00Z', 'since'],
    ['after=-1', 'after'],
    ['after=x', 'after'],
  ];
  for (const url of ['/_mock/requests', '/_mock/requests/count']) {
    for (const [q, field] of [...bad, ['limit=0', 'limit'], ['limit=1001', 'limit'], ['limit=ten', 'limit']] as [string, string][]) {
      if (url.endsWith('count') && field === 'limit') continue;
      const res = await app.inject({ url: `${url}?${q}` });
      t.equal(res.statusCode, 400, `${url}?${q}`);
      t.equal(res.json().error.code, 'VALIDATION_ERROR');
      t.equal(res.json().error.field, field, `${url}?${q} names ${field}`);
    }
    const unknown = await app.inject({ url: `${url}?org=never-used` });
    t.equal(unknown.statusCode, 404);
    t.equal(unknown.json().error.code, 'NOT_FOUND');
  }
  for (const [q, field] of bad) {
    const res = await app.inject({ method: 'DELETE', url: `/_mock/requests?${q}` });
    t.equal(res.statusCode, 400, `DELETE ?${q}`);
    t.equal(res.json().error.field, field);
  }
  t.equal((await app.inject({ method: 'DELETE', url: '/_mock/requests?org=never-used' })).statusCode, 404);
  t.equal((await list(app)).total, 1, 'rejected deletes removed nothing');
  t.equal(app.tenants.find('never-used'), undefined, 'looking up an org never creates one');
});

t.test('after=<id> tails the journal: only newer entries, even after others were cleared', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 4; i++) await app.inject({ url: '/api/v1/crm/deals', headers: bearer(i % 2 ? 'odd' : 'even') });
  const newest = (await list(app, '?limit=1')).data[0]!.id;
  t.equal(newest, 4);
  t.equal((await app.inject({ method: 'DELETE', url: '/_mock/requests?org=odd' })).statusCode, 204);
  await app.inject({ url: '/api/v1/crm/companies', headers: bearer('odd') });
  const tail = await list(app, `?after=${newest}`);
  t.same(tail.data.map((e) => [e.id, e.path]), [[5, '/api/v1/crm/companies']], 'ids are never reused');
  t.equal(tail.total, 1);
  t.same((await list(app, '?after=2')).data.map((e) => e.id), [5, 3], 'older survivors of a clear stay in order');
});

t.test('DELETE /_mock/requests clears the matching entries, or all of them without filters', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('d') });
  await app.inject({ url: '/api/v1/me/', headers: closeAuth('d') });
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('d') });
  const cleared = await app.inject({ method: 'DELETE', url: '/_mock/requests?vendor=blueai' });
  t.equal(cleared.statusCode, 204);
  t.equal(cleared.body, '');
  t.same((await list(app)).data.map((e) => e.path), ['/api/v1/me/']);
  t.equal((await app.inject({ method: 'DELETE', url: '/_mock/requests' })).statusCode, 204);
  t.equal((await list(app)).total, 0);
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('d') });
  t.same((await list(app)).data.map((e) => e.id), [4], 'ids keep increasing after a clear');
});

t.test('journal.clearOrg forgets one organization and keeps the others', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('keep') });
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('drop') });
  await app.inject({ url: '/api/v1/me/', headers: closeAuth('drop') });
  t.equal(app.journal.clearOrg(orgOf(app, 'drop')), 2);
  t.same((await list(app)).data.map((e) => e.org), [orgOf(app, 'keep')]);
});

t.test('bodies are cut to JOURNAL_BODY_LIMIT bytes at a character boundary and flagged', async (t) => {
  const app = await build(t, { journalBodyLimit: 10 });
  await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('tr'), payload: { name: '日本語の案件名' } });
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('tr') });
  await app.inject({ url: '/api/v1/crm/bulk/deals/export', headers: bearer('tr') });
  await app.inject({ url: '/api/v1/crm/nope/', headers: bearer('tr') });
  const [notFound, exported, members, created] = (await list(app)).data;
  t.equal(created!.request_body, '{"name":"', 'the 10th byte starts a 3-byte character: it is left out');
  t.equal(created!.request_body_truncated, true);
  t.equal(Buffer.byteLength(created!.response_body), 10);
  t.equal(created!.response_body_truncated, true);
  t.equal(members!.response_body, '{"items":[');
  t.equal(members!.response_body_truncated, true);
  t.equal(exported!.response_body, '\uFEFFid,name', 'a streamed CSV export is cut too (BOM = 3 bytes)');
  t.equal(exported!.response_body_truncated, true);
  t.equal(notFound!.request_body, '');
  t.equal(notFound!.request_body_truncated, false);
});

t.test('a short body is kept whole and unflagged', async (t) => {
  const app = await build(t, { journalBodyLimit: 4096 });
  const payload = JSON.stringify({ ids: ['deal_x'], stage: 'proposal' });
  const res = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: { ...bearer('s'), 'content-type': 'application/json' }, payload });
  const [entry] = (await list(app)).data;
  t.equal(entry!.request_body, payload);
  t.equal(entry!.response_body, res.body);
  t.equal(entry!.response_body_truncated, false);
});

t.test('requests that hit no route are kept with the nearest route, which both vendors\' 404s name', async (t) => {
  const app = await build(t);
  const blueai = await app.inject({ url: '/api/v1/crm/deal', headers: bearer('nr') });
  t.equal(blueai.statusCode, 404);
  t.same(blueai.json(), {
    error: { code: 'NOT_FOUND', message: 'Route GET /api/v1/crm/deal not found; nearest: GET /api/v1/crm/deals', details: { nearest_route: 'GET /api/v1/crm/deals' } },
  });
  const close = await app.inject({ method: 'PUT', url: '/api/v1/leads/lead_x/', headers: closeAuth('nr'), payload: {} });
  t.equal(close.statusCode, 404);
  t.same(close.json(), { error: 'Not found: PUT /api/v1/leads/lead_x/ is not emulated; nearest: PUT /api/v1/lead/:id/' }, "Close's envelope stays a bare string");
  const readOnly = await app.inject({ method: 'POST', url: '/api/v1/crm/members', headers: bearer('nr'), payload: {} });
  t.equal(readOnly.json().error.details.nearest_route, 'GET /api/v1/crm/members', 'the same path under another method beats another path');
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('nr') });
  const { data } = await list(app);
  t.same(data.map((e) => e.nearest_route), [null, 'GET /api/v1/crm/members', 'PUT /api/v1/lead/:id/', 'GET /api/v1/crm/deals']);
  t.same(data.map((e) => e.status), [200, 404, 404, 404]);
});

t.test('the ring never holds more than JOURNAL_SIZE entries: the newest are kept', async (t) => {
  const app = await build(t, { journalSize: 5 });
  for (let i = 0; i < 20; i++) await app.inject({ url: `/api/v1/crm/deals?offset=${i}`, headers: bearer('ring') });
  const { data, total } = await list(app, '?limit=1000');
  t.equal(total, 5);
  t.same(data.map((e) => e.id), [20, 19, 18, 17, 16]);
  t.same(data.map((e) => e.query.offset), ['19', '18', '17', '16', '15']);
});

t.test('JOURNAL_SIZE=0 turns the journal off', async (t) => {
  const app = await build(t, { journalSize: 0 });
  await app.inject({ url: '/api/v1/crm/deals', headers: bearer('off') });
  t.same(await list(app), { data: [], total: 0 });
  t.same((await app.inject({ url: '/api/v1/crm/deal', headers: bearer('off') })).json().error.details, { nearest_route: 'GET /api/v1/crm/deals' }, '404s still name the nearest route');
});
