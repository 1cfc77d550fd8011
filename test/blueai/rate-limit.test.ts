import t from 'tap';
import { build, bearer, orgOf, row, SEED_IDS, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('rate limiting is off by default: no X-RateLimit headers, no 429', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 30; i++) {
    const res = await app.inject({ url: '/api/v1/crm/members', headers: bearer() });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-ratelimit-limit'], undefined);
  }
});

t.test('over RATE_LIMIT a request gets 429 RATE_LIMITED with Retry-After and changes nothing', async (t) => {
  const app = await build(t, { rateLimit: 3, rateLimitWindowSeconds: 60 });
  app.clock.set(new Date('2026-06-01T00:00:00Z'), true);
  for (const remaining of [2, 1, 0]) {
    const res = await app.inject({ url: '/api/v1/crm/members', headers: bearer() });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['x-ratelimit-limit'], '3');
    t.equal(res.headers['x-ratelimit-remaining'], String(remaining));
  }
  app.clock.advance(20_000);
  const limited = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer(), payload: { ids: [SEED_IDS.deal1] } });
  t.equal(limited.statusCode, 429);
  t.equal(limited.headers['retry-after'], '40');
  t.equal(limited.headers['x-ratelimit-remaining'], '0');
  t.same(limited.json(), { error: { code: 'RATE_LIMITED', message: limited.json().error.message, details: { retry_after: 40 } } });
  t.ok(row(app, 'blueai_deals', orgOf(app), SEED_IDS.deal1), 'the limited delete did not run');

  const other = await app.inject({ url: '/api/v1/crm/members', headers: bearer('another-suite') });
  t.equal(other.statusCode, 200, 'each organization has its own budget');

  app.clock.advance(40_000);
  const next = await app.inject({ url: '/api/v1/crm/members', headers: bearer() });
  t.equal(next.statusCode, 200, 'a new window starts when the clock passes the reset');
  t.equal(next.headers['x-ratelimit-remaining'], '2');
});
