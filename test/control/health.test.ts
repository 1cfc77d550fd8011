import t from 'tap';
import { build, bearer, shareApps } from '../helper.js';
import { MIGRATIONS } from '../../src/migrations.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

t.test('health answers 200 {"status":"ok"} once the database is migrated, and counts organizations', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/_mock/health' });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { status: 'ok', organizations: 0 });
  t.equal(app.db.prepare('SELECT count(*) FROM schema_migrations').pluck().get(), MIGRATIONS.reduce((n, s) => n + s.migrations.length, 0), 'every migration ran');
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('x') });
  t.equal((await app.inject({ url: '/_mock/health' })).json().organizations, 1);
});

t.test('health needs no credential and answers 503 when the database is not open', async (t) => {
  const app = await build(t);
  app.db.close();
  const res = await app.inject({ url: '/_mock/health' });
  t.equal(res.statusCode, 503);
  t.equal(res.json().status, 'unavailable');
});
