import t from 'tap';
import { build, bearer, shareApps } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { ctl, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test("one organization's rate limit, turned on at run time, answers both vendors' 429 shapes", async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'limited' })).json();
  await ctl(app, 'POST', '/orgs', { credential: 'free' });
  await ctl(app, 'PUT', '/orgs/limited/clock', { now: '2026-06-01T00:00:00Z', frozen: true });
  const set = await ctl(app, 'PUT', '/orgs/limited/rate-limit', { limit: 2, window_seconds: 30 });
  t.same(set.json(), { limit: 2, window_seconds: 30, source: 'organization' });
  t.same(app.db.prepare(`SELECT rate_limit, rate_limit_window_seconds FROM orgs WHERE id = ?`).get(org.id), { rate_limit: 2, rate_limit_window_seconds: 30 }, 'stored');

  const ok = await app.inject({ url: '/api/v1/crm/members', headers: bearer('limited') });
  t.equal(ok.statusCode, 200);
  t.match(ok.headers, { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '30' }, 'successful answers carry the headers');
  t.equal(ok.headers['retry-after'], undefined);
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('limited') });
  await ctl(app, 'POST', '/orgs/limited/clock/advance', { by: '10s' });
  const limited = await app.inject({ url: '/api/v1/crm/members', headers: bearer('limited') });
  t.equal(limited.statusCode, 429);
  t.match(limited.headers, { 'retry-after': '20', 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
  t.same(limited.json(), { error: { code: 'RATE_LIMITED', message: limited.json().error.message, details: { retry_after: 20 } } });

  const closeOk = await app.inject({ url: '/api/v1/me/', headers: basic('limited') });
  t.equal(closeOk.headers.ratelimit, 'limit=2, remaining=1, reset=30', 'Close counts its own window, started by its first call');
  await app.inject({ url: '/api/v1/me/', headers: basic('limited') });
  const closeLimited = await app.inject({ url: '/api/v1/me/', headers: basic('limited') });
  t.equal(closeLimited.statusCode, 429);
  t.equal(closeLimited.headers['retry-after'], '30');
  t.equal(closeLimited.headers.ratelimit, 'limit=2, remaining=0, reset=30');
  t.same(closeLimited.json(), { error: { rate_reset: 30, message: closeLimited.json().error.message } });

  const free = await app.inject({ url: '/api/v1/crm/members', headers: bearer('free') });
  t.equal(free.statusCode, 200, 'another organization is not limited');
  t.equal(free.headers['x-ratelimit-limit'], undefined);

  const off = await ctl(app, 'DELETE', '/orgs/limited/rate-limit');
  t.same(off.json(), { limit: 0, window_seconds: 60, source: 'default' });
  const after = await app.inject({ url: '/api/v1/crm/members', headers: bearer('limited') });
  t.equal(after.statusCode, 200, 'off again at once');
  t.equal(after.headers['x-ratelimit-limit'], undefined);
  t.same(app.db.prepare(`SELECT rate_limit FROM orgs WHERE id = ?`).get(org.id), { rate_limit: null });
});

t.test('limit 0 turns limiting off for one organization under a process-wide RATE_LIMIT', async (t) => {
  const app = await build(t, { rateLimit: 1 });
  await ctl(app, 'POST', '/orgs', { credential: 'exempt' });
  t.same((await ctl(app, 'GET', '/orgs/exempt/rate-limit')).json(), { limit: 1, window_seconds: 60, source: 'default' });
  await ctl(app, 'PUT', '/orgs/exempt/rate-limit', { limit: 0 });
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer('exempt') })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer('other') })).statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1/crm/members', headers: bearer('other') })).statusCode, 429, 'others keep the process limit');
});

t.test('bad rate-limit input is a 400 naming the field and changes nothing', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'x' })).json();
  for (const [body, field] of [[{}, 'limit'], [{ limit: -1 }, 'limit'], [{ limit: 'ten' }, 'limit'], [{ limit: 5, window_seconds: 0 }, 'window_seconds'], [{ limit: 5, burst: 2 }, /./]] as const) {
    isControlError(t, await ctl(app, 'PUT', '/orgs/x/rate-limit', body), 400, 'VALIDATION_ERROR', field);
  }
  t.same(app.db.prepare(`SELECT rate_limit FROM orgs WHERE id = ?`).get(org.id), { rate_limit: null });
  t.equal((await ctl(app, 'GET', '/orgs/x/rate-limit')).json().source, 'default');
});

/** One BlueAI call as `cred`: its status and X-RateLimit-Remaining. */
async function call(app: Awaited<ReturnType<typeof build>>, cred: string): Promise<[number, string | undefined]> {
  const res = await app.inject({ url: '/api/v1/crm/members', headers: bearer(cred) });
  return [res.statusCode, res.headers['x-ratelimit-remaining'] as string | undefined];
}

/** An app whose organization `lim` (clock frozen at 2026-06-01T00:00:00Z, limit 1 per 60 s) has spent its window. */
async function spentWindow(t: Parameters<typeof build>[0]): Promise<Awaited<ReturnType<typeof build>>> {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'lim' });
  await ctl(app, 'PUT', '/orgs/lim/clock', { now: '2026-06-01T00:00:00Z', frozen: true });
  await ctl(app, 'PUT', '/orgs/lim/rate-limit', { limit: 1, window_seconds: 60 });
  t.same(await call(app, 'lim'), [200, '0']);
  t.same(await call(app, 'lim'), [429, '0'], 'the window is spent');
  return app;
}

t.test('a new rate-limit setting for an organization starts a new window at once', async (t) => {
  const app = await spentWindow(t);
  await ctl(app, 'PUT', '/orgs/lim/rate-limit', { limit: 1, window_seconds: 60 });
  t.same(await call(app, 'lim'), [200, '0'], 'the same setting again restarts the window');
  t.same(app.db.prepare(`SELECT rate_limit, rate_limit_window_seconds FROM orgs JOIN credentials ON credentials.org_id = orgs.id WHERE credentials.token = ?`).get('lim'), { rate_limit: 1, rate_limit_window_seconds: 60 }, 'stored');
});

t.test("moving an organization's clock back starts a new rate-limit window", async (t) => {
  const app = await spentWindow(t);
  await ctl(app, 'PUT', '/orgs/lim/clock', { now: '2026-05-31T23:59:00Z', frozen: true });
  const res = await app.inject({ url: '/api/v1/crm/members', headers: bearer('lim') });
  t.equal(res.statusCode, 200, 'a minute earlier is a new window, not the old one');
  t.equal(res.headers['x-ratelimit-reset'], '60');
});

t.test("resetting an organization restarts its rate-limit windows and drops its own limit", async (t) => {
  const app = await build(t, { rateLimit: 1 });
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'lim' })).json();
  t.same(await call(app, 'lim'), [200, '0']);
  t.same(await call(app, 'lim'), [429, '0']);
  await ctl(app, 'PUT', '/orgs/lim/rate-limit', { limit: 5, window_seconds: 60 });
  t.same(await call(app, 'lim'), [200, '4']);
  t.equal((await ctl(app, 'POST', '/orgs/lim/reset')).statusCode, 200);
  t.same((await ctl(app, 'GET', '/orgs/lim/rate-limit')).json(), { limit: 1, window_seconds: 60, source: 'default' });
  t.same(app.db.prepare(`SELECT rate_limit FROM orgs WHERE id = ?`).get(org.id), { rate_limit: null });
  t.same(await call(app, 'lim'), [200, '0'], 'the process limit again, in a new window');
  t.same(await call(app, 'lim'), [429, '0']);
});

t.test('a full reset drops every rate-limit window and organization limit', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'lim' });
  await ctl(app, 'PUT', '/orgs/lim/rate-limit', { limit: 1, window_seconds: 60 });
  t.same(await call(app, 'lim'), [200, '0']);
  t.same(await call(app, 'lim'), [429, '0']);
  t.equal((await ctl(app, 'POST', '/reset')).statusCode, 204);
  const after = (await ctl(app, 'POST', '/orgs', { credential: 'lim' })).json();
  t.same((await ctl(app, 'GET', '/orgs/lim/rate-limit')).json(), { limit: 0, window_seconds: 60, source: 'default' });
  t.same(await call(app, 'lim'), [200, undefined], 'no limit after the reset');
  t.same(app.db.prepare(`SELECT rate_limit FROM orgs WHERE id = ?`).get(after.id), { rate_limit: null });
});
