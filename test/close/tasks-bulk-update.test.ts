import t from 'tap';
import { build, shareApps } from '../helper.js';
import { API, CS, call, closeAuth, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// PUT /task/: Close's bulk update. The GET filters pick the tasks; assigned_to, date and is_complete are set on all of them.
const SEEDED = CS.leads.flatMap((l) => (l.tasks ?? []).map((x) => ({ ...x, lead_id: l.id })));
const byText = (text: string) => SEEDED.find((x) => x.text === text)!;
const [admin, emily, , yui] = CS.users;
const NOW = Date.parse('2026-11-02T20:00:00Z');
const STAMP = '2026-11-02T20:00:00.000000+00:00';
type App = Parameters<typeof call>[0];
const taskRows = (app: App) =>
  rows(app, `SELECT id, assigned_to, date, is_complete, text, updated_by, date_updated FROM close_tasks WHERE org_id = ? ORDER BY id`, closeOrg(app));
const bulk = (app: App, qs: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PUT', url: `${API}/task/?${qs}`, headers: { ...closeAuth(), ...headers }, payload: payload as object });

t.test('PUT /task/?id__in= completes the listed tasks only, on the clock, and answers {}', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const [a, b] = [byText('Send the pricing sheet'), byText('Follow up on the demo')];
  const before = taskRows(app);
  const res = await bulk(app, `id__in=${a.id},${b.id}`, { is_complete: true });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {});
  const after = taskRows(app);
  for (const row of after) {
    const old = before.find((r) => r.id === row.id)!;
    if (row.id === a.id || row.id === b.id) t.same(row, { ...old, is_complete: 1, updated_by: admin!.id, date_updated: STAMP }, `${row.text} completed`);
    else t.same(row, old, `${row.text} untouched`);
  }
  const listed = (await call(app, { path: `/task/?id__in=${a.id},${b.id}` })).json().data;
  t.same(listed.map((x: { is_complete: boolean }) => x.is_complete), [true, true], 'GET shows them complete');
});

t.test('PUT /task/ takes the GET filters: assigned_to and view reassign and reschedule what they match', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const yuis = SEEDED.filter((x) => x.assigned_to === yui!.id).map((x) => x.id).sort();
  t.equal(yuis.length, 2);
  // The user who left hands her tasks to Emily.
  t.equal((await bulk(app, `assigned_to=${yui!.id}`, { assigned_to: emily!.id })).statusCode, 200);
  t.same(rows(app, `SELECT id FROM close_tasks WHERE org_id = ? AND assigned_to = ? ORDER BY id`, closeOrg(app), yui!.id), []);
  for (const id of yuis) t.equal((await call(app, { path: `/task/${id}/` })).json().assigned_to_name, 'Emily Carter');
  // Everything in today's inbox moves to a date; a date-time is kept as a Close timestamp.
  const inbox = (await call(app, { path: '/task/?view=inbox' })).json().data.map((x: { id: string }) => x.id).sort();
  t.equal((await bulk(app, 'view=inbox', { date: '2026-11-20T09:00:00Z' })).statusCode, 200);
  t.same(rows(app, `SELECT id FROM close_tasks WHERE org_id = ? AND date = ? ORDER BY id`, closeOrg(app), '2026-11-20T09:00:00.000000+00:00').map((r) => r.id), inbox);
  t.same((await call(app, { path: '/task/?view=inbox' })).json().data, [], 'the inbox is empty now');
  // A date and `is_complete=false` with `lead_id`; null unassigns; date null leaves a task dateless.
  const task = byText('Book the quarterly review');
  t.equal((await bulk(app, `lead_id=${task.lead_id}&is_complete=false`, { date: '2027-01-15', assigned_to: null })).statusCode, 200);
  t.match(rows(app, `SELECT date, assigned_to FROM close_tasks WHERE org_id = ? AND id = ?`, closeOrg(app), task.id)[0], { date: '2027-01-15', assigned_to: null });
  t.equal((await bulk(app, `id=${task.id}`, { date: null })).statusCode, 200);
  t.match((await call(app, { path: `/task/${task.id}/` })).json(), { date: null, is_dateless: true });
});

t.test('PUT /task/ with no filter (paging is none) updates every task of the organization; one matching nothing changes nothing', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  t.equal((await bulk(app, 'id=task_missing', { is_complete: true })).statusCode, 200);
  t.equal(rows(app, `SELECT count(*) AS n FROM close_tasks WHERE org_id = ? AND date_updated = ?`, closeOrg(app), STAMP)[0]!.n, 0);
  // _limit is no filter (Close lists no paging for PUT /task/): every task is updated.
  t.equal((await bulk(app, '_limit=1', { is_complete: false })).statusCode, 200);
  const all = rows(app, `SELECT DISTINCT is_complete, date_updated FROM close_tasks WHERE org_id = ?`, closeOrg(app));
  t.equal(all.length, 1, 'every task got the same update at the same moment');
  t.match(all[0], { is_complete: 0, date_updated: /^2026-11-02T20:00:00\.\d{6}\+00:00$/ });
});

t.test('PUT /task/ refuses bad filters, bad values, an empty update and the fields Close does not update in bulk, updating nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const a = byText('Send the pricing sheet');
  for (const field of ['text', 'priority', 'resolution', 'organization_id']) {
    const res = await bulk(app, `id=${a.id}`, { is_complete: true, [field]: field === 'priority' ? 'high' : field === 'resolution' ? 'skipped' : 'x' });
    isFieldError(t, res, field);
    t.match(res.json()['field-errors'][field], /only assigned_to, date and is_complete/);
  }
  isFieldError(t, await bulk(app, `id=${a.id}`, { assigned_to: yui!.id }), 'assigned_to');
  isFieldError(t, await bulk(app, `id=${a.id}`, { assigned_to: 'user_missing' }), 'assigned_to');
  isFieldError(t, await bulk(app, `id=${a.id}`, { date: 'friday' }), 'date');
  isFieldError(t, await bulk(app, `id=${a.id}`, { date: '2026-02-30' }), 'date');
  isFieldError(t, await bulk(app, `id=${a.id}`, { is_complete: 'yes' }), 'is_complete');
  t.match(isError(t, await bulk(app, `id=${a.id}`, {}), 400), /Nothing to update/);
  isFieldError(t, await bulk(app, 'view=today', { is_complete: true }), 'view');
  isFieldError(t, await bulk(app, 'is_complete=maybe', { is_complete: true }), 'is_complete');
  isFieldError(t, await bulk(app, '_type=email', { is_complete: true }), '_type');
  isFieldError(t, await bulk(app, 'format=csv', { is_complete: true }), 'format');
  const badJson = await app.inject({ method: 'PUT', url: `${API}/task/`, headers: { ...closeAuth(), 'content-type': 'application/json' }, payload: '{' });
  t.same(badJson.json(), { error: 'The request contains invalid JSON.' });
  t.equal(closeState(app), before, 'nothing updated');
});

t.test("PUT /task/ from another organization never reaches this one's tasks", async (t) => {
  const app = await build(t);
  const mine = (await call(app, { method: 'POST', path: '/task/', payload: { lead_id: CS.leads[0]!.id, text: 'Mine only' } })).json();
  const before = closeState(app);
  const res = await call(app, { method: 'PUT', path: `/task/?id=${mine.id}`, payload: { is_complete: true }, key: 'another-key' });
  t.equal(res.statusCode, 200, 'a filter matching none of its tasks is not an error');
  t.equal((await call(app, { method: 'PUT', path: `/task/?organization_id=${closeOrg(app)}`, payload: { is_complete: true }, key: 'another-key' })).statusCode, 200);
  t.equal(closeState(app), before, 'my tasks are unchanged');
});
