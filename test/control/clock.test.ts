import t from 'tap';
import { build, bearer, seed, SEED_IDS, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const DAY = 86_400_000;

t.test('the default clock can be read, frozen, set and advanced', async (t) => {
  const app = await build(t);
  const now = (await ctl(app, 'GET', '/clock')).json();
  t.match(now, { frozen: false, source: 'default' });
  t.ok(Math.abs(Date.parse(now.now) - Date.now()) < 60_000, 'starts at real time');
  t.same((await ctl(app, 'PUT', '/clock', { now: '2026-02-01T00:00:00Z', frozen: true })).json(), { now: '2026-02-01T00:00:00.000Z', frozen: true, source: 'default' });
  for (const [by, iso] of [['7d', '2026-02-08T00:00:00.000Z'], ['90m', '2026-02-08T01:30:00.000Z'], ['30s', '2026-02-08T01:30:30.000Z'], [500, '2026-02-08T01:30:30.500Z'], ['1h2m3s4ms', '2026-02-08T02:32:33.504Z']] as const) {
    t.equal((await ctl(app, 'POST', '/clock/advance', { by })).json().now, iso, `advance by ${by}`);
  }
  t.equal(app.clock.iso(null), '2026-02-08T02:32:33.504Z', 'business code sees the same instant');
  const running = (await ctl(app, 'PUT', '/clock', { frozen: false })).json();
  t.match(running, { frozen: false, now: /^2026-02-08T02:32/ }, 'unfreezing runs on from where it stood');
});

t.test('bad clock input is a 400 naming the field and leaves the clock alone', async (t) => {
  const app = await build(t);
  await ctl(app, 'PUT', '/clock', { now: '2026-02-01T00:00:00Z', frozen: true });
  const cases: [string, string, unknown, string | RegExp][] = [
    ['PUT', '/clock', {}, /./],
    ['PUT', '/clock', { now: 'tomorrow' }, 'now'],
    ['PUT', '/clock', { now: '2026-02-01' }, 'now'],
    ['PUT', '/clock', { frozen: 'yes' }, 'frozen'],
    ['PUT', '/clock', { speed: 2 }, /./],
    ['POST', '/clock/advance', {}, 'by'],
    ['POST', '/clock/advance', { by: '7 days' }, 'by'],
    ['POST', '/clock/advance', { by: '-1d' }, 'by'],
    ['POST', '/clock/advance', { by: -5 }, 'by'],
    ['POST', '/clock/advance', { by: 1.5 }, 'by'],
    ['POST', '/clock/advance', { by: 'd' }, 'by'],
  ];
  for (const [method, url, body, field] of cases) {
    isControlError(t, await ctl(app, method as 'PUT', url, body), 400, 'VALIDATION_ERROR', field);
  }
  t.same((await ctl(app, 'GET', '/clock')).json(), { now: '2026-02-01T00:00:00.000Z', frozen: true, source: 'default' });
});

t.test('a body key named after an Object.prototype property is a 400 naming that key, and the clock stays', async (t) => {
  const app = await build(t);
  const before = (await ctl(app, 'PUT', '/clock', { now: '2026-02-01T00:00:00Z', frozen: true })).json();
  // Validation messages were gathered in a plain object: `constructor` was "already there", so the
  // 400 said nothing ({"code": "VALIDATION_ERROR", "message": ""}).
  for (const key of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    const res = await ctl(app, 'PUT', '/clock', { [key]: 1 });
    t.equal(res.statusCode, 400, key);
    t.same(res.json(), { error: { code: 'VALIDATION_ERROR', message: `${key} is not an accepted field`, field: key } }, key);
  }
  t.same((await ctl(app, 'GET', '/clock')).json(), before, 'the clock did not move');
});

t.test('a clock cannot be moved past 9999-01-01: a 400 on the field, at any size of step, and nothing moves', async (t) => {
  // Found by the hostile-body property (seed 1792818115): a huge advance took the clock past what a
  // Date can show, and from then on every call that printed the time was a 500, even {"by": 0}.
  const app = await build(t);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/lead/?_limit=1', headers: basic() })).statusCode, 200, 'the organization exists');
  const org = (await ctl(app, 'GET', '/orgs/close-key')).json().id as string;
  await ctl(app, 'PUT', '/clock', { now: '2026-02-01T00:00:00Z', frozen: true });
  const far = [
    ['PUT', '/clock', { now: '9999-06-01T00:00:00Z' }, 'now'],
    ['PUT', '/clock', { now: '9999-01-01T00:00:00.001Z' }, 'now'],
    ['POST', '/clock/advance', { by: Date.UTC(9999, 0, 1) }, 'by'],
    ['POST', '/clock/advance', { by: Number.MAX_SAFE_INTEGER }, 'by'],
    ['POST', '/clock/advance', { by: 1e300 }, 'by'],
    ['POST', '/clock/advance', { by: '3000000d' }, 'by'],
    ['POST', '/clock/advance', { by: `${'9'.repeat(400)}ms` }, 'by'],
    [`PUT`, `/orgs/${org}/clock`, { now: '9999-12-31T23:59:59Z', frozen: true }, 'now'],
    ['POST', `/orgs/${org}/clock/advance`, { by: '500000w' }, 'by'],
  ] as const;
  for (const [method, url, body, field] of far) {
    const res = await ctl(app, method, url, body);
    isControlError(t, res, 400, 'VALIDATION_ERROR', field);
    t.match(res.json().error.message, /9999-01-01T00:00:00\.000Z/, `${method} ${url} ${JSON.stringify(body).slice(0, 40)}: says where the limit is`);
  }
  t.same((await ctl(app, 'GET', '/clock')).json(), { now: '2026-02-01T00:00:00.000Z', frozen: true, source: 'default' }, 'the default did not move');
  t.equal((await ctl(app, 'GET', `/orgs/${org}/clock`)).json().source, 'default', 'a refused move made no own clock');
  t.same(app.db.prepare(`SELECT clock_frozen_at, clock_offset_ms FROM orgs WHERE id = ?`).get(org), { clock_frozen_at: null, clock_offset_ms: null }, 'nothing stored');
  t.equal((await ctl(app, 'POST', '/clock/advance', { by: 0 })).statusCode, 200, 'an advance by 0 still works');

  // Up to the limit is fine, and one millisecond past it is not.
  const upTo = await ctl(app, 'POST', '/clock/advance', { by: Date.UTC(9999, 0, 1) - Date.UTC(2026, 1, 1) });
  t.equal(upTo.json().now, '9999-01-01T00:00:00.000Z');
  isControlError(t, await ctl(app, 'POST', '/clock/advance', { by: 1 }), 400, 'VALIDATION_ERROR', 'by');
  const lead = await app.inject({ method: 'GET', url: `/api/v1/lead/?_limit=1`, headers: basic() });
  t.equal(lead.statusCode, 200, 'vendor calls still answer at the latest instant');
});

t.test('an organization gets its own clock: moving it moves nothing else', async (t) => {
  const app = await build(t);
  await ctl(app, 'PUT', '/clock', { now: '2026-05-01T00:00:00Z', frozen: true });
  const a = (await ctl(app, 'POST', '/orgs', { credential: 'a' })).json();
  await ctl(app, 'POST', '/orgs', { credential: 'b' });
  t.same((await ctl(app, 'GET', '/orgs/a/clock')).json(), { now: '2026-05-01T00:00:00.000Z', frozen: true, source: 'default' }, 'follows the default at first');
  const moved = await ctl(app, 'POST', '/orgs/a/clock/advance', { by: '10d' });
  t.same(moved.json(), { now: '2026-05-11T00:00:00.000Z', frozen: true, source: 'organization' });
  t.same(app.db.prepare(`SELECT clock_frozen_at, clock_offset_ms FROM orgs WHERE id = ?`).get(a.id), { clock_frozen_at: Date.parse('2026-05-11T00:00:00Z'), clock_offset_ms: null }, 'stored');
  t.equal((await ctl(app, 'GET', '/orgs/b/clock')).json().now, '2026-05-01T00:00:00.000Z', 'another organization did not move');
  t.equal((await ctl(app, 'GET', '/clock')).json().now, '2026-05-01T00:00:00.000Z', 'the default did not move');

  const deal = await app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('a'), payload: { name: 'Later' } });
  t.equal(deal.json().updated_at, '2026-05-11T00:00:00.000Z', 'BlueAI updated_at uses its clock');
  const other = await app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('b'), payload: { name: 'Now' } });
  t.equal(other.json().updated_at, '2026-05-01T00:00:00.000Z');
  const lead = await app.inject({ method: 'PUT', url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: basic('a'), payload: { description: 'x' } });
  t.match(lead.json().date_updated, /^2026-05-11T00:00:00\.\d{6}\+00:00$/, 'Close timestamps use its clock');

  t.equal((await ctl(app, 'PUT', '/orgs/a/clock', { now: '2030-01-01T00:00:00Z', frozen: false })).json().frozen, false);
  t.match((await ctl(app, 'GET', '/orgs/a')).json().clock, { source: 'organization', frozen: false, now: /^2030-01-01/ });
  const back = await ctl(app, 'DELETE', '/orgs/a/clock');
  t.same(back.json(), { now: '2026-05-01T00:00:00.000Z', frozen: true, source: 'default' }, 'DELETE follows the default again');
  t.same(app.db.prepare(`SELECT clock_frozen_at, clock_offset_ms FROM orgs WHERE id = ?`).get(a.id), { clock_frozen_at: null, clock_offset_ms: null });
  isControlError(t, await ctl(app, 'POST', '/orgs/a/clock/advance', { by: 'soon' }), 400, 'VALIDATION_ERROR', 'by');
});

t.test('advancing one organization 8 days makes its paused bulk edit unresumable while another organization resumes', async (t) => {
  const app = await build(t);
  const edit = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(CLOSE.acmeInc), send_done_email: false };
  const ids: Record<string, string> = {};
  for (const key of ['late', 'punctual']) {
    await ctl(app, 'POST', '/orgs', { credential: key });
    ids[key] = (await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic(key), payload: edit })).json().id;
    t.equal((await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/edit/${ids[key]}/`, headers: basic(key), payload: { status: 'paused' } })).statusCode, 200);
  }
  await ctl(app, 'POST', '/orgs/late/clock/advance', { by: '8d' });
  const refused = await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/edit/${ids.late}/`, headers: basic('late'), payload: { status: 'resuming' } });
  t.equal(refused.statusCode, 400);
  t.match(refused.json()['field-errors'].status, /7 days/);
  const resumed = await app.inject({ method: 'PUT', url: `/api/v1/bulk_action/edit/${ids.punctual}/`, headers: basic('punctual'), payload: { status: 'resuming' } });
  t.equal(resumed.statusCode, 200);
  t.equal(resumed.json().status, 'resuming');
  t.equal(app.tenants.db(app.tenants.get('late').id).prepare(`SELECT status FROM close_bulk_actions WHERE id = ?`).pluck().get(ids.late), 'paused', 'the refused job stays paused');
});

t.test("moment_range's now follows the organization's clock in search", async (t) => {
  const app = await build(t);
  const leads = seed.close!.leads;
  await ctl(app, 'POST', '/orgs', { credential: 'early' });
  await ctl(app, 'POST', '/orgs', { credential: 'late' });
  await ctl(app, 'PUT', '/orgs/early/clock', { now: '2025-06-01T00:00:00Z', frozen: true });
  await ctl(app, 'PUT', '/orgs/late/clock', { now: '2026-07-06T00:00:00Z', frozen: true });
  const created = { type: 'regular_field', object_type: 'lead', field_name: 'date_created' };
  const recent = { type: 'field_condition', field: created, condition: { type: 'moment_range', on_or_after: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { days: 30 } } } };
  const total = async (key: string) =>
    (await app.inject({ method: 'POST', url: '/api/v1/data/search/', headers: basic(key), payload: { query: recent, include_counts: true, _limit: 1 } })).json().count.total;
  const at = (iso: string) => leads.filter((l) => Date.parse(l.date_created) >= Date.parse(iso) - 30 * DAY).length;
  t.equal(await total('early'), at('2025-06-01T00:00:00Z'));
  t.equal(await total('late'), at('2026-07-06T00:00:00Z'));
  t.not(at('2025-06-01T00:00:00Z'), at('2026-07-06T00:00:00Z'), 'the two clocks give different answers');
});

t.test("resetting an organization drops its own clock: it follows the default again", async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'own-clock' });
  await ctl(app, 'PUT', '/clock', { now: '2026-03-01T00:00:00Z', frozen: true });
  t.same((await ctl(app, 'PUT', '/orgs/own-clock/clock', { now: '2030-01-01T00:00:00Z', frozen: true })).json(), { now: '2030-01-01T00:00:00.000Z', frozen: true, source: 'organization' });
  t.equal((await ctl(app, 'POST', '/orgs/own-clock/reset')).statusCode, 200);
  const after = await ctl(app, 'GET', '/orgs/own-clock/clock');
  t.equal(after.statusCode, 200);
  t.same(after.json(), { now: '2026-03-01T00:00:00.000Z', frozen: true, source: 'default' });
  t.equal(app.clock.nowMs((await ctl(app, 'GET', '/orgs/own-clock')).json().id), Date.parse('2026-03-01T00:00:00Z'), 'the org clock in memory');
});
