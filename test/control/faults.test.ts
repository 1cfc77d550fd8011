import t from 'tap';
import { build, bearer, orgOf, shareApps } from '../helper.js';
import { closeAuth } from '../close/helper.js';

import { addFault, deals, faultRows, me } from './fault-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('a 503 rule fails the next Close call in Close\'s shape and the next BlueAI call in BlueAI\'s', async (t) => {
  const app = await build(t);
  const rule = await addFault(t, app, { status: 503 });
  t.match(rule, { id: /^fault_/, vendor: null, status: 503, probability: 1, times: null, remaining: null, hits: 0, draws: 0, drop: false, latency_ms: null });
  t.type(rule.seed, 'number', 'a seed is drawn and returned when none is given');
  const close = await me(app);
  t.equal(close.statusCode, 503);
  t.same(close.json(), { error: `Injected fault (rule ${rule.id})` });
  const blueai = await deals(app);
  t.equal(blueai.statusCode, 503);
  t.same(blueai.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: `Injected fault (rule ${rule.id})`, details: {} } });
  const health = await app.inject({ url: '/_mock/health' });
  t.equal(health.statusCode, 200, 'the control API is never affected');
  const [listed] = (await app.inject({ url: '/_mock/faults' })).json().data;
  t.match(listed, { id: rule.id, hits: 2, remaining: null });
  t.match(faultRows(app)[0], { id: rule.id, hits: 2, org_id: null });
  const journal = (await app.inject({ url: '/_mock/requests' })).json().data;
  t.same(journal.map((e: any) => [e.status, e.fault]), [[503, rule.id], [503, rule.id]]);
});

t.test('an injected 429 carries Retry-After and each vendor\'s rate-limit body', async (t) => {
  const app = await build(t);
  const rule = await addFault(t, app, { status: 429 });
  const close = await me(app);
  t.equal(close.statusCode, 429);
  t.equal(close.headers['retry-after'], '1');
  t.same(close.json(), { error: { rate_reset: 1, message: `Injected fault (rule ${rule.id})` } });
  const blueai = await deals(app);
  t.equal(blueai.statusCode, 429);
  t.equal(blueai.headers['retry-after'], '1');
  t.same(blueai.json().error, { code: 'RATE_LIMITED', message: `Injected fault (rule ${rule.id})`, details: { retry_after: 1 } });
});

t.test('each injected status gets its error code', async (t) => {
  const app = await build(t);
  const codes: [number, string][] = [
    [400, 'VALIDATION_ERROR'], [401, 'UNAUTHORIZED'], [403, 'FORBIDDEN'], [404, 'NOT_FOUND'], [409, 'CONFLICT'],
    [418, 'VALIDATION_ERROR'], [500, 'INTERNAL_ERROR'], [502, 'BAD_GATEWAY'], [504, 'GATEWAY_TIMEOUT'], [507, 'INTERNAL_ERROR'],
  ];
  for (const [status, code] of codes) {
    await addFault(t, app, { status, times: 1 });
    const res = await deals(app);
    t.equal(res.statusCode, status);
    t.equal(res.json().error.code, code, `${status} → ${code}`);
  }
  await addFault(t, app, { status: 401, times: 1 });
  t.same((await me(app)).json(), { error: 'Unauthorized' }, "Close's 401 body is always the same");
});

t.test('times: 1 fires once, then calls succeed; the rule stays listed with remaining 0', async (t) => {
  const app = await build(t);
  const rule = await addFault(t, app, { vendor: 'blueai', status: 500, times: 1 });
  t.equal(rule.remaining, 1);
  t.equal((await deals(app)).statusCode, 500);
  t.equal((await deals(app)).statusCode, 200);
  t.equal((await deals(app)).statusCode, 200);
  t.match((await app.inject({ url: '/_mock/faults' })).json().data[0], { hits: 1, remaining: 0, times: 1 });
  t.match(faultRows(app)[0], { hits: 1, remaining: 0 });
});

t.test('vendor, method, path and org narrow a rule to the calls they name', async (t) => {
  const app = await build(t);
  orgOf(app, 'other');
  orgOf(app, 'target');
  const byOrg = await addFault(t, app, { org: 'target', status: 503 });
  t.equal(byOrg.org, orgOf(app, 'target'), 'the credential is stored as the organization id');
  t.equal(faultRows(app)[0]!.org_id, orgOf(app, 'target'));
  t.equal((await deals(app, 'target')).statusCode, 503);
  t.equal((await me(app, 'target')).statusCode, 503);
  t.equal((await deals(app, 'other')).statusCode, 200, 'another organization is untouched');
  await app.inject({ method: 'DELETE', url: '/_mock/faults' });

  await addFault(t, app, { vendor: 'close', method: 'post', path: '/api/v1/lead/', status: 400 });
  t.equal((await me(app)).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/lead/', headers: closeAuth('f') })).statusCode, 200, 'GET: another method');
  const post = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: closeAuth('f'), payload: { name: 'x' } });
  t.equal(post.statusCode, 400);
  t.match(post.json(), { error: /^Injected fault/ });
  await app.inject({ method: 'DELETE', url: '/_mock/faults' });

  await addFault(t, app, { path: '/api/v1/crm/deals/*', status: 502 });
  t.equal((await deals(app)).statusCode, 200, '* does not match an empty segment list');
  t.equal((await app.inject({ url: '/api/v1/crm/deals/deal_x', headers: bearer('f') })).statusCode, 502);
  t.equal((await app.inject({ url: '/api/v1/crm/deals/deal_x/activities', headers: bearer('f') })).statusCode, 404, '* stays within one segment');
});

t.test('the first matching rule in creation order fires; one whose draw misses lets the next one fire', async (t) => {
  const app = await build(t);
  const never = await addFault(t, app, { status: 500, probability: 0 });
  await addFault(t, app, { status: 502 });
  await addFault(t, app, { status: 503 });
  t.equal((await deals(app)).statusCode, 502);
  t.match((await app.inject({ url: '/_mock/faults' })).json().data.map((r: any) => r.hits), [0, 1, 0]);
  t.equal(never.draws, 0);
});

t.test('DELETE /_mock/faults/{id} removes one rule, DELETE /_mock/faults all; an unknown id is a 404', async (t) => {
  const app = await build(t);
  const a = await addFault(t, app, { status: 500 });
  const b = await addFault(t, app, { status: 502 });
  const del = await app.inject({ method: 'DELETE', url: `/_mock/faults/${a.id}` });
  t.equal(del.statusCode, 204);
  t.same(faultRows(app).map((r) => r.id), [b.id]);
  t.equal((await deals(app)).statusCode, 502);
  const again = await app.inject({ method: 'DELETE', url: `/_mock/faults/${a.id}` });
  t.equal(again.statusCode, 404);
  t.equal(again.json().error.code, 'NOT_FOUND');
  t.equal((await app.inject({ method: 'DELETE', url: '/_mock/faults' })).statusCode, 204);
  t.same(faultRows(app), []);
  t.same((await app.inject({ url: '/_mock/faults' })).json(), { data: [] });
  t.equal((await deals(app)).statusCode, 200);
});

t.test('an organization\'s forgotten rules are gone from the table and stop firing; other rules stay', async (t) => {
  const app = await build(t);
  orgOf(app, 'gone');
  orgOf(app, 'stays');
  await addFault(t, app, { org: 'gone', status: 500 });
  const kept = await addFault(t, app, { org: 'stays', status: 500 });
  const global = await addFault(t, app, { path: '/nowhere', status: 500 });
  app.faults.deleteStored(orgOf(app, 'gone'));
  t.same(faultRows(app).map((r) => r.id), [kept.id, global.id]);
  app.faults.forget(orgOf(app, 'gone'));
  t.same((await app.inject({ url: '/_mock/faults' })).json().data.map((r: { id: string }) => r.id), [kept.id, global.id]);
  t.equal((await deals(app, 'gone')).statusCode, 200);
});

t.test('a bad rule is a 400 naming the field (an unknown org a 404), and nothing is stored', async (t) => {
  const app = await build(t);
  const existing = await addFault(t, app, { path: '/nowhere', status: 500 });
  const before = JSON.stringify(faultRows(app));
  const bad: [Record<string, unknown>, string][] = [
    [{}, 'status'],
    [{ vendor: 'close' }, 'status'],
    [{ drop: false }, 'status'],
    [{ status: 399 }, 'status'],
    [{ status: 600 }, 'status'],
    [{ status: '503' }, 'status'],
    [{ status: 503.5 }, 'status'],
    [{ latency_ms: -1 }, 'latency_ms'],
    [{ latency_ms: 'slow' }, 'latency_ms'],
    [{ latency_ms: [1] }, 'latency_ms'],
    [{ latency_ms: [1, 2, 3] }, 'latency_ms'],
    [{ latency_ms: [50, 10] }, 'latency_ms'],
    [{ latency_ms: 600_001 }, 'latency_ms'],
    [{ drop: 'yes' }, 'drop'],
    [{ drop: true, status: 503 }, 'drop'],
    [{ status: 503, probability: 1.5 }, 'probability'],
    [{ status: 503, probability: -0.1 }, 'probability'],
    [{ status: 503, times: 0 }, 'times'],
    [{ status: 503, times: 1.5 }, 'times'],
    [{ status: 503, seed: -1 }, 'seed'],
    [{ status: 503, seed: 2 ** 32 }, 'seed'],
    [{ status: 503, seed: 'abc' }, 'seed'],
    [{ status: 503, vendor: 'hubspot' }, 'vendor'],
    [{ status: 503, method: 'FETCH' }, 'method'],
    [{ status: 503, method: '' }, 'method'],
    [{ status: 503, path: 'api/v1/*' }, 'path'],
    [{ status: 503, org: '' }, 'org'],
    [{ status: 503, statuss: 500 }, 'statuss'],
  ];
  for (const [rule, field] of bad) {
    const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: rule });
    t.equal(res.statusCode, 400, JSON.stringify(rule));
    t.equal(res.json().error.code, 'VALIDATION_ERROR');
    t.equal(res.json().error.field, field, `${JSON.stringify(rule)} names ${field}`);
  }
  const notJson = await app.inject({ method: 'POST', url: '/_mock/faults', headers: { 'content-type': 'application/json' }, payload: '{"status":' });
  t.equal(notJson.statusCode, 400);
  const unknownOrg = await app.inject({ method: 'POST', url: '/_mock/faults', payload: { status: 503, org: 'never-used' } });
  t.equal(unknownOrg.statusCode, 404);
  t.equal(unknownOrg.json().error.code, 'NOT_FOUND');
  t.equal(app.tenants.find('never-used'), undefined);
  t.equal(JSON.stringify(faultRows(app)), before, 'the table is unchanged');
  t.same((await app.inject({ url: '/_mock/faults' })).json().data.map((r: any) => r.id), [existing.id]);
});
