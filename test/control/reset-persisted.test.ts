import t from 'tap';
import { build, shareApps } from '../helper.js';
import { readDb, startServer, tempDb, type ServerProcess } from '../process-helper.js';
import { ctl } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// An organization's own clock, own rate limit and fault rules live in the database (so they survive a
// restart); a reset or delete must clear them there, in the transaction that replaces its data, or a
// restart brings them back.

const SETTINGS = `SELECT clock_offset_ms, clock_frozen_at, rate_limit, rate_limit_window_seconds FROM orgs WHERE id = ?`;
const CLEARED = { clock_offset_ms: null, clock_frozen_at: null, rate_limit: null, rate_limit_window_seconds: null };

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + '/_mock' + path, {
    method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

t.test('a reset organization comes back after a crash and restart with the default clock, no own rate limit and no fault rules', async (t) => {
  t.setTimeout(90_000);
  const db = tempDb('reset-sticks');
  const env = { DB: db, TICK_MS: '0', FREEZE_AT: '2026-01-15T09:00:00Z' };
  const first = await startServer(t, env);
  const org = await call(first, 'POST', '/orgs', { credential: 'sticky', dataset: 'empty' });
  await call(first, 'PUT', '/orgs/sticky/clock', { now: '2030-06-01T00:00:00Z', frozen: true });
  await call(first, 'PUT', '/orgs/sticky/rate-limit', { limit: 3, window_seconds: 10 });
  await call(first, 'POST', '/faults', { org: 'sticky', vendor: 'blueai', status: 503 });
  const global = await call(first, 'POST', '/faults', { vendor: 'close', path: '/api/v1/nowhere/', status: 502 });
  const reset = await call(first, 'POST', '/orgs/sticky/reset');
  t.match(reset, { clock: { source: 'default' }, rate_limit: { source: 'default' } }, 'the reset answer shows the defaults');
  first.child.kill('SIGKILL');
  t.equal(await first.exited, 'SIGKILL');

  const second = await startServer(t, env);
  t.teardown(() => second.stop());
  const after = await call(second, 'GET', `/orgs/${org.id}`);
  t.same(after.clock, { now: '2026-01-15T09:00:00.000Z', frozen: true, source: 'default' }, 'it follows the default clock again');
  t.same(after.rate_limit, { limit: 0, window_seconds: 60, source: 'default' }, 'and has no rate limit of its own');
  t.same((await call(second, 'GET', '/faults')).data.map((r: { id: string }) => r.id), [global.id], 'only the rule for no organization is left');
  const stored = readDb(t, db);
  t.same(stored.prepare(SETTINGS).get(org.id), CLEARED, 'its orgs row holds no own clock or rate limit');
});

t.test('org reset clears the own clock, rate limit and fault rules in the orgs row and control_faults', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'row' })).json();
  const other = (await ctl(app, 'POST', '/orgs', { credential: 'other' })).json();
  for (const credential of ['row', 'other']) {
    await ctl(app, 'POST', `/orgs/${credential}/clock/advance`, { by: '2d' });
    await ctl(app, 'PUT', `/orgs/${credential}/rate-limit`, { limit: 7, window_seconds: 5 });
    await ctl(app, 'POST', '/faults', { org: credential, status: 500 });
  }
  t.not(app.db.prepare(SETTINGS).get(org.id), CLEARED, 'stored before the reset');

  t.equal((await ctl(app, 'POST', '/orgs/row/reset')).statusCode, 200);
  t.same(app.db.prepare(SETTINGS).get(org.id), CLEARED, 'the row is cleared');
  t.equal(app.db.prepare(`SELECT count(*) FROM control_faults WHERE org_id = ?`).pluck().get(org.id), 0, 'its rules are deleted');
  t.match(app.db.prepare(SETTINGS).get(other.id), { rate_limit: 7, rate_limit_window_seconds: 5 }, 'another organization keeps its settings');
  t.equal(app.db.prepare(`SELECT count(*) FROM control_faults WHERE org_id = ?`).pluck().get(other.id), 1, 'and its rule');
  t.match((await ctl(app, 'GET', '/orgs/other')).json(), { clock: { source: 'organization' }, rate_limit: { limit: 7, source: 'organization' } });
});

t.test('org delete and global reset leave no stored clock, rate limit or fault rule behind', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'gone' })).json();
  await ctl(app, 'PUT', '/orgs/gone/clock', { now: '2030-01-01T00:00:00Z', frozen: true });
  await ctl(app, 'POST', '/faults', { org: 'gone', status: 500 });
  t.equal((await ctl(app, 'DELETE', '/orgs/gone')).statusCode, 204);
  t.equal(app.db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(org.id), 0);
  t.equal(app.db.prepare(`SELECT count(*) FROM control_faults`).pluck().get(), 0, 'its rule went with it');
  t.same((await ctl(app, 'GET', '/faults')).json().data, []);

  await ctl(app, 'POST', '/orgs', { credential: 'kept' });
  await ctl(app, 'PUT', '/orgs/kept/rate-limit', { limit: 2 });
  await ctl(app, 'POST', '/faults', { status: 503 });
  t.equal((await ctl(app, 'POST', '/reset')).statusCode, 204);
  t.equal(app.db.prepare(`SELECT count(*) FROM orgs WHERE is_template = 0`).pluck().get(), 0);
  t.equal(app.db.prepare(`SELECT count(*) FROM control_faults`).pluck().get(), 0, 'every rule is deleted');
  t.same((await ctl(app, 'GET', '/faults')).json().data, []);
});
