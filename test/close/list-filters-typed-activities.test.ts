import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { CS, call, closeOrg, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const [u0, u1] = [CS.users[0]!.id, CS.users[1]!.id];
const typed = CS.typed_activities!;
const seeded = (type: string) => typed.filter((a) => a._type === type);

async function post(app: FastifyInstance, path: string, payload: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  const res = await call(app, { method: 'POST', path, payload });
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return res.json();
}
const ids = async (app: FastifyInstance, path: string) => {
  const res = await call(app, { path });
  if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
  return (res.json().data as { id: string }[]).map((a) => a.id);
};

/** Two new leads (A with two contacts, B with one) and three activities of `segment` on them at known dates. */
async function fixture(app: FastifyInstance, segment: string, extra: Record<string, unknown>) {
  const a = await post(app, '/lead/', { name: 'Filter A', contacts: [{ name: 'A1' }, { name: 'A2' }] });
  const b = await post(app, '/lead/', { name: 'Filter B', contacts: [{ name: 'B1' }] });
  const [a1, a2] = (a.contacts as { id: string }[]).map((c) => c.id);
  const b1 = (b.contacts as { id: string }[])[0]!.id;
  const one = await post(app, `/activity/${segment}/`, { ...extra, lead_id: a.id, contact_id: a1, user_id: u0, date_created: '2026-01-01T00:00:00Z' });
  const two = await post(app, `/activity/${segment}/`, { ...extra, lead_id: a.id, contact_id: a2, user_id: u1, date_created: '2026-02-01T00:00:00Z' });
  const three = await post(app, `/activity/${segment}/`, {
    ...extra, lead_id: b.id, contact_id: b1, user_id: u0, date_created: '2026-03-01T00:00:00Z', activity_at: '2025-12-01T00:00:00Z',
  });
  return { A: a.id, B: b.id, a2, c1: one.id, c2: two.id, c3: three.id };
}

for (const [segment, type, extra] of [['note', 'Note', { note: 'n' }], ['call', 'Call', { duration: 5 }], ['sms', 'SMS', { status: 'sent', text: 't' }]] as const) {
  t.test(`GET /activity/${segment}/ honours each documented filter (literal ids, newest first)`, async (t) => {
    const app = await build(t);
    const f = await fixture(app, segment, extra);
    const both = `lead_id=${f.A},${f.B}`;
    const cases: [string, string[]][] = [
      [`lead_id=${f.A}`, [f.c2, f.c1]],
      [both, [f.c3, f.c2, f.c1]],
      [`${both}&contact_id=${f.a2}`, [f.c2]],
      [`${both}&user_id=${u1}`, [f.c2]],
      [`${both}&user_id=${u0},${u1}`, [f.c3, f.c2, f.c1]],
      [`id__in=${f.c1},${f.c3}`, [f.c3, f.c1]],
      [`${both}&date_created__gt=2026-01-01T00:00:00Z`, [f.c3, f.c2]],
      [`${both}&date_created__gte=2026-01-01`, [f.c3, f.c2, f.c1]],
      [`${both}&date_created__lt=2026-02-01T00:00:00Z`, [f.c1]],
      [`${both}&date_created__lte=2026-02-01T00:00:00Z`, [f.c2, f.c1]],
      [`${both}&activity_at__lt=2026-01-01`, [f.c3]],
      [`${both}&activity_at__gte=2026-01-01`, [f.c2, f.c1]],
      [`${both}&_type=${type}`, [f.c3, f.c2, f.c1]],
      [`${both}&_limit=1&_skip=1`, [f.c2]],
      [`${both}&organization_id=${closeOrg(app)}`, [f.c3, f.c2, f.c1]],
      [`${both}&organization_id=orga_other`, []],
    ];
    for (const [qs, expected] of cases) t.same(await ids(app, `/activity/${segment}/?${qs}`), expected, qs);
    const trimmed = (await call(app, { path: `/activity/${segment}/?lead_id=${f.B}&_fields=id,_type` })).json();
    t.same(trimmed, { data: [{ id: f.c3, _type: type }], has_more: false });
    isFieldError(t, await call(app, { path: `/activity/${segment}/?_type=Email` }), '_type');
    isFieldError(t, await call(app, { path: `/activity/${segment}/?date_created__gt=soon` }), 'date_created__gt');
    isFieldError(t, await call(app, { path: `/activity/${segment}/?_limit=201` }), '_limit');
    // Each typed list holds only its own type; /activity/ holds them all (the lead's Created activity too).
    const created = await ids(app, `/activity/created/?lead_id=${f.B}`);
    t.equal(created.length, 1, 'POST /lead/ recorded the lead\'s Created activity');
    t.same((await ids(app, `/activity/?lead_id=${f.B}`)).sort(), [f.c3, ...created].sort());
    // `_type` naming only calls, meetings or SMS reads their own table: the same filters and order.
    t.same(await ids(app, `/activity/?_type=${type}&${both}`), [f.c3, f.c2, f.c1], '/activity/ _type');
    t.same(await ids(app, `/activity/?_type__in=${type},Meeting&_type=${type}&${both}&_order_by=date_created`), [f.c1, f.c2, f.c3], '/activity/ _type and _type__in, oldest first');
    t.same(await ids(app, `/activity/?_type=${type}&${both}&user_id=${u1}&date_created__gte=2026-01-15`), [f.c2], '/activity/ _type with filters');
  });
}

t.test('meetings come from the seed: listed, filtered, read, updated and deleted with events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const all = seeded('Meeting');
  t.ok(all.length >= 3);
  const newestFirst = [...all].sort((a, b) => (b.date_created + b.id).localeCompare(a.date_created + a.id)).map((m) => m.id);
  t.same(await ids(app, '/activity/meeting/'), newestFirst);
  const m = all[0]! as Extract<typeof all[number], { _type: 'Meeting' }>;
  t.same(await ids(app, `/activity/meeting/?lead_id=${m.lead_id}`), newestFirst.filter((id) => all.find((x) => x.id === id)!.lead_id === m.lead_id));
  t.same(await ids(app, `/activity/meeting/?id__in=${m.id}`), [m.id]);
  const got = (await call(app, { path: `/activity/meeting/${m.id}/` })).json();
  t.match(got, { id: m.id, _type: 'Meeting', title: m.title, starts_at: m.starts_at, ends_at: m.ends_at, attendees: m.attendees, source: 'calendar' });
  t.equal(got.duration, (Date.parse(m.ends_at!) - Date.parse(m.starts_at!)) / 1000);
  const up = await call(app, { method: 'PUT', path: `/activity/meeting/${m.id}/`, payload: { title: 'Renamed', status: 'canceled', location: 'Room 4' } });
  t.equal(up.statusCode, 200, up.body);
  t.match(up.json(), { title: 'Renamed', status: 'canceled', location: 'Room 4', updated_by: u0 });
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/meeting/${m.id}/`, payload: { status: 'postponed' } }), 'status');
  isFieldError(t, await call(app, { method: 'PUT', path: `/activity/meeting/${m.id}/`, payload: { starts_at: 'tomorrow' } }), 'starts_at');
  isError(t, await call(app, { method: 'POST', path: '/activity/meeting/', payload: { lead_id: m.lead_id } }), 404);
  t.same((await call(app, { method: 'DELETE', path: `/activity/meeting/${m.id}/` })).json(), {});
  t.same(rows(app, 'SELECT object_type, action FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq', org, m.id),
    [{ object_type: 'activity.meeting', action: 'updated' }, { object_type: 'activity.meeting', action: 'deleted' }]);
  isError(t, await call(app, { path: `/activity/meeting/${m.id}/` }), 404);
});

t.test('GET /activity/ lists calls, meetings and SMS among the others, newest first, and filters them by _type', async (t) => {
  const app = await build(t);
  const all: { id: string; _type: string; date_created: string }[] = [];
  for (let skip = 0; ; skip += 200) {
    const page = (await call(app, { path: `/activity/?_limit=200&_skip=${skip}` })).json();
    all.push(...page.data);
    if (!page.has_more) break;
  }
  const keys = all.map((a) => `${a.date_created}|${a.id}`);
  t.same(keys, [...keys].sort().reverse(), 'newest first');
  for (const type of ['Call', 'Meeting', 'SMS']) {
    t.same(all.filter((a) => a._type === type).map((a) => a.id).sort(), seeded(type).map((a) => a.id).sort(), `${type} in /activity/`);
    t.same((await ids(app, `/activity/?_type=${type}&_limit=200`)).sort(), seeded(type).map((a) => a.id).sort(), `_type=${type}`);
  }
  const callsAndSms = await ids(app, '/activity/?_type__in=Call,SMS&_limit=200');
  t.same([...callsAndSms].sort(), [...seeded('Call'), ...seeded('SMS')].map((a) => a.id).sort());
  const notes = await ids(app, '/activity/?_type=Note,Meeting&_limit=200');
  t.equal(notes.length, CS.leads.flatMap((l) => l.activities).filter((a) => a.custom_activity_type_id === null).length + seeded('Meeting').length);
  const one = seeded('SMS')[0]!;
  t.match((await call(app, { path: `/activity/${one.id}/` })).json(), { id: one.id, _type: 'SMS', lead_id: one.lead_id });
});

t.test('deleting a lead, alone or in a bulk delete, deletes its calls, meetings and SMS with their events', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const leadOf = seeded('Meeting')[0]!.lead_id;
  const mine = typed.filter((a) => a.lead_id === leadOf).map((a) => a.id);
  const call1 = await post(app, '/activity/call/', { lead_id: leadOf });
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${leadOf}/` })).statusCode, 200);
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND lead_id = ?', org, leadOf), []);
  const deleted = rows(app, `SELECT object_id, object_type FROM close_events WHERE org_id = ? AND action = 'deleted' AND object_type IN ('activity.call', 'activity.meeting', 'activity.sms')`, org);
  t.same(deleted.map((e) => e.object_id).sort(), [...mine, call1.id].sort());

  const other = seeded('SMS').find((a) => a.lead_id !== leadOf)!.lead_id;
  const res = await call(app, { method: 'POST', path: '/bulk_action/delete/', payload: { s_query: leadsQuery(other) } });
  t.equal(res.statusCode, 200, res.body);
  for (let i = 0; i < 100 && rows(app, 'SELECT 1 FROM close_leads WHERE org_id = ? AND id = ?', org, other).length > 0; i++) app.closeJobs.tick();
  t.same(rows(app, 'SELECT id FROM close_typed_activities WHERE org_id = ? AND lead_id = ?', org, other), []);
});

t.test('a snapshot keeps calls, meetings, SMS and notes\' own keys: restored, the same bytes', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'typed-snap' });
  const headers = basic('typed-snap');
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });
  const lead = typed[0]!.lead_id;
  t.equal((await api('POST', '/activity/note/', { lead_id: lead, title: 'T', note_html: '<p>x</p>', pinned: true })).statusCode, 200);
  const c = (await api('POST', '/activity/call/', { lead_id: lead, phone: '+14155550123', activity_at: '2026-01-01T00:00:00Z' })).json();
  t.equal((await api('PUT', `/activity/call/${c.id}/`, { status: 'busy' })).statusCode, 200);
  const reads = async () => Promise.all(['/activity/?_limit=200', '/activity/call/', '/activity/meeting/', '/activity/sms/', '/activity/note/?_limit=200']
    .map(async (u) => (await api('GET', u)).body));
  const before = await reads();
  const snap = (await ctl(app, 'GET', '/orgs/typed-snap/snapshot')).json();
  t.equal(snap.close.typed_activities.length, typed.length + 1);
  t.equal((await ctl(app, 'PUT', '/orgs/typed-snap/snapshot', snap)).statusCode, 200);
  t.same(await reads(), before, 'the same answers');
  t.same((await ctl(app, 'GET', '/orgs/typed-snap/snapshot')).json(), snap, 'the same snapshot');
  t.equal((await ctl(app, 'GET', '/orgs/typed-snap')).json().counts.close.typed_activities, typed.length + 1, 'counted');
  const bad = structuredClone(snap);
  bad.close.typed_activities[0].lead_id = 'lead_missing';
  t.equal((await ctl(app, 'PUT', '/orgs/typed-snap/snapshot', bad)).statusCode, 400);
  const badType = structuredClone(snap);
  badType.close.typed_activities[0].status = 'maybe';
  t.equal((await ctl(app, 'PUT', '/orgs/typed-snap/snapshot', badType)).statusCode, 400);
});
