import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { API, CS, call, closeAuth, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The seed's eight tasks (seed/generate.mjs), each with its lead.
const SEEDED = CS.leads.flatMap((l) => (l.tasks ?? []).map((x) => ({ ...x, lead_id: l.id, lead_name: l.name })));
const byText = (text: string) => SEEDED.find((x) => x.text === text)!;
const [admin, emily, , yui] = CS.users;
const NOW = Date.parse('2026-11-02T20:00:00Z');
type Task = { id: string; text: string; [k: string]: unknown };
const texts = (res: { json(): { data: Task[] } }) => res.json().data.map((x) => x.text).sort();
const list = async (app: Parameters<typeof call>[0], qs: string, headers: Record<string, string> = {}) =>
  app.inject({ url: `${API}/task/?${qs}`, headers: { ...closeAuth(), ...headers } });
const taskRow = (app: Parameters<typeof call>[0], id: string) => rows(app, `SELECT * FROM close_tasks WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];

t.test('GET /task/ lists the seeded lead tasks due first, dateless last, with lead and user names; two stay with the user who left', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: '/task/' });
  t.equal(res.statusCode, 200);
  const { data, has_more } = res.json() as { data: Task[]; has_more: boolean };
  t.equal(has_more, false);
  t.equal(data.length, 8);
  t.equal(data.at(-1)!.text, 'Prepare the onboarding plan', 'the dateless task comes last');
  t.equal(data[0]!.text, 'Hand over the account notes', 'the earliest due first');
  const renewal = byText('Call back about the renewal');
  t.same(data.find((x) => x.id === renewal.id), {
    id: renewal.id, _type: 'lead', organization_id: closeOrg(app), lead_id: renewal.lead_id, lead_name: renewal.lead_name,
    contact_id: null, contact_name: null, assigned_to: admin!.id, assigned_to_name: 'Kenta Sato', text: renewal.text,
    date: '2026-11-02', due_date: '2026-11-02', is_dateless: false, is_complete: false,
    created_by: admin!.id, created_by_name: 'Kenta Sato', updated_by: admin!.id, updated_by_name: 'Kenta Sato',
    date_created: renewal.date_created, date_updated: renewal.date_updated,
  });
  t.equal(data.filter((x) => x.assigned_to === yui!.id).length, 2, 'the inactive user still owns two');
  t.same((await call(app, { path: '/task/?_limit=2&_skip=1&_fields=id,text' })).json(), { data: data.slice(1, 3).map((x) => ({ id: x.id, text: x.text })), has_more: true });
});

t.test('view: inbox is due by the end of today (dateless too), future from tomorrow, archive the completed; the zone moves the day', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  t.same(texts(await list(app, 'view=inbox')), ['Call back about the renewal', 'Check in after the trial', 'Prepare the onboarding plan']);
  t.same(texts(await list(app, 'view=future')), ['Book the quarterly review', 'Follow up on the demo', 'Send the pricing sheet']);
  t.same(texts(await list(app, 'view=archive')), ['Confirm the contract signatory', 'Hand over the account notes']);
  // At UTC+5 it is already 3 November, 01:00: the task due 3 November 15:30 UTC is due today.
  t.same(texts(await list(app, 'view=inbox', { 'x-tz-offset': '5' })),
    ['Call back about the renewal', 'Check in after the trial', 'Prepare the onboarding plan', 'Send the pricing sheet']);
  t.same(texts(await list(app, 'view=inbox&date__lt=2026-10-01')), texts(await list(app, 'view=inbox')), 'inbox overrides date__lt');
  t.same(texts(await list(app, 'view=future&date__gte=2027-01-01')).length, 3, 'future overrides date__gte');
  // The organization's own clock decides, not the process's.
  await ctl(app, 'PUT', `/orgs/${closeOrg(app)}/clock`, { now: '2026-12-20T00:00:00Z', frozen: true });
  t.same(texts(await list(app, 'view=future')), ['Book the quarterly review']);
  isFieldError(t, await list(app, 'view=today'), 'view');
});

t.test('GET /task/ honours the documented filters and _order_by, and refuses bad values and format by name', async (t) => {
  const app = await build(t);
  const [a, b] = [byText('Send the pricing sheet'), byText('Follow up on the demo')];
  t.same(texts(await list(app, `id=${a.id}`)), [a.text]);
  t.same(texts(await list(app, `id__in=${a.id},${b.id}`)), [b.text, a.text]);
  t.same(texts(await list(app, `lead_id=${b.lead_id}`)), [b.text]);
  t.same(texts(await list(app, `assigned_to=${yui!.id}`)), ['Check in after the trial', 'Hand over the account notes']);
  t.same(texts(await list(app, `assigned_to=${emily!.id}&is_complete=false`)), ['Send the pricing sheet']);
  t.equal((await list(app, 'is_complete=true')).json().data.length, 2);
  t.equal((await list(app, '_type=lead')).json().data.length, 8);
  t.same((await list(app, '_type__in=outgoing_call,voicemail')).json().data, [], 'kinds not emulated match nothing');
  t.same(texts(await list(app, 'date=2026-11-03')), ['Send the pricing sheet'], 'a day matches a task due at a moment of it');
  t.same(texts(await list(app, 'due_date__gte=2026-11-03&due_date__lt=2027-01-01')), ['Follow up on the demo', 'Send the pricing sheet']);
  t.same(texts(await list(app, 'date__lte=2026-09-30T09:00:00Z')), ['Hand over the account notes']);
  t.equal((await list(app, 'date_created__gte=2026-07-01&date_updated__lt=2099-01-01')).json().data.length,
    SEEDED.filter((x) => x.date_created >= '2026-07-01').length);
  const desc = (await list(app, '_order_by=-date&_fields=text')).json().data.map((x: Task) => x.text);
  t.same(desc.slice(0, 2), ['Prepare the onboarding plan', 'Book the quarterly review'], 'descending: dateless first');
  const created = (await list(app, '_order_by=date_created&_fields=date_created')).json().data.map((x: Task) => x.date_created);
  t.same(created, [...created].sort());
  t.equal((await list(app, `organization_id=${closeOrg(app)}`)).json().data.length, 8);
  for (const [qs, name] of [['_type=meeting', '_type'], ['is_complete=maybe', 'is_complete'], ['date__gt=soon', 'date__gt'],
    ['_order_by=text', '_order_by'], ['format=csv', 'format'], ['_limit=1001', '_limit'], ['date=tomorrow', 'date']] as const) {
    isFieldError(t, await list(app, qs), name);
  }
});

t.test('POST /task/ creates a lead task for the key\'s user on the clock; a date-time is kept as a Close timestamp', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const lead = CS.leads[0]!;
  const res = await call(app, { method: 'POST', path: '/task/', payload: { _type: 'lead', lead_id: lead.id, text: 'Call them', date: '2026-11-05T09:30:00+09:00' } });
  t.equal(res.statusCode, 200);
  const task = res.json();
  t.match(task, {
    id: /^task_[0-9A-Za-z]{43}$/, _type: 'lead', lead_id: lead.id, lead_name: lead.name, assigned_to: admin!.id, text: 'Call them',
    date: '2026-11-05T00:30:00.000000+00:00', due_date: '2026-11-05T00:30:00.000000+00:00', is_complete: false, is_dateless: false,
    created_by: admin!.id, date_created: '2026-11-02T20:00:00.000000+00:00',
  });
  t.match(taskRow(app, task.id), { lead_id: lead.id, text: 'Call them', date: '2026-11-05T00:30:00.000000+00:00', is_complete: 0, assigned_to: admin!.id });
  const dateless = (await call(app, { method: 'POST', path: '/task/?_fields=date,is_dateless,assigned_to', payload: { lead_id: lead.id, text: 'Someday', assigned_to: emily!.id } })).json();
  t.same(dateless, { date: null, is_dateless: true, assigned_to: emily!.id });
  const onDay = (await call(app, { method: 'POST', path: '/task/', payload: { lead_id: lead.id, text: 'Due', due_date: '2026-11-09', is_complete: true } })).json();
  t.match(onDay, { date: '2026-11-09', due_date: '2026-11-09', is_complete: true });
});

t.test('POST /task/ refuses a missing or unknown lead, another type, a bad or inactive assignee and bad dates, writing nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const lead = CS.leads[0]!.id;
  const post = (payload: object) => call(app, { method: 'POST', path: '/task/', payload });
  isFieldError(t, await post({ text: 'x' }), 'lead_id');
  isFieldError(t, await post({ lead_id: lead }), 'text');
  isFieldError(t, await post({ lead_id: 'lead_missing', text: 'x' }), 'lead_id');
  isFieldError(t, await post({ _type: 'outgoing_call', lead_id: lead, text: 'x' }), '_type');
  isFieldError(t, await post({ lead_id: lead, text: 'x', assigned_to: yui!.id }), 'assigned_to');
  isFieldError(t, await post({ lead_id: lead, text: 'x', assigned_to: 'user_missing' }), 'assigned_to');
  isFieldError(t, await post({ lead_id: lead, text: 'x', date: 'next week' }), 'date');
  isFieldError(t, await post({ lead_id: lead, text: 'x', date: '2026-02-30' }), 'date');
  isFieldError(t, await post({ lead_id: lead, text: 'x', date: '2026-11-05', due_date: '2026-11-06' }), 'due_date');
  isFieldError(t, await post({ lead_id: lead, text: 'x', date: '2026-11-05', is_dateless: true }), 'is_dateless');
  t.equal(closeState(app), before, 'nothing written');
});

t.test('PUT /task/{id}/ completes a task, edits text, date and assignee on the clock, and refuses the fields it cannot honour by name', async (t) => {
  const app = await build(t, { freezeAt: NOW });
  const task = byText('Check in after the trial');
  const res = await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { is_complete: true } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: task.id, is_complete: true, assigned_to: yui!.id, updated_by: admin!.id, date_updated: '2026-11-02T20:00:00.000000+00:00', text: task.text });
  t.match(taskRow(app, task.id), { is_complete: 1, updated_by: admin!.id });
  t.same(texts(await list(app, 'view=archive')).includes(task.text), true, 'now in the archive');
  const edited = (await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { text: 'Renamed', due_date: '2026-12-01', assigned_to: emily!.id, is_complete: false } })).json();
  t.match(edited, { text: 'Renamed', date: '2026-12-01', assigned_to: emily!.id, is_complete: false });
  t.match((await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { is_dateless: true } })).json(), { date: null, is_dateless: true });
  const before = closeState(app);
  for (const field of ['priority', 'lead_id', 'contact_id', 'resolution', 'created_by', 'agent_config_id']) {
    isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { [field]: field === 'priority' ? 'high' : field === 'resolution' ? 'skipped' : 'x_1', text: 'no' } }), field);
  }
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { assigned_to: yui!.id } }), 'assigned_to');
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { text: '' } }), 'text');
  isFieldError(t, await call(app, { method: 'PUT', path: `/task/${task.id}/`, payload: { date: 'friday' } }), 'date');
  t.equal(closeState(app), before, 'refused updates change nothing');
  isError(t, await call(app, { method: 'PUT', path: '/task/task_missing/', payload: { is_complete: true } }), 404);
});

t.test('GET and DELETE /task/{id}/: one task trimmed by _fields, deleted for good, 404 after', async (t) => {
  const app = await build(t);
  const task = byText('Send the pricing sheet');
  t.same((await call(app, { path: `/task/${task.id}/?_fields=text,assigned_to_name` })).json(), { text: task.text, assigned_to_name: 'Emily Carter' });
  const res = await call(app, { method: 'DELETE', path: `/task/${task.id}/` });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {});
  t.equal(taskRow(app, task.id), undefined);
  isError(t, await call(app, { path: `/task/${task.id}/` }), 404);
  isError(t, await call(app, { method: 'DELETE', path: `/task/${task.id}/` }), 404);
});

t.test('another organization\'s task is 404 to read, update or delete, and never listed', async (t) => {
  const app = await build(t);
  const other = 'another-key';
  const mine = (await call(app, { method: 'POST', path: '/task/', payload: { lead_id: CS.leads[0]!.id, text: 'Mine only' } })).json();
  for (const req of [{ path: `/task/${mine.id}/` }, { method: 'PUT' as const, path: `/task/${mine.id}/`, payload: { is_complete: true } }, { method: 'DELETE' as const, path: `/task/${mine.id}/` }]) {
    isError(t, await call(app, { ...req, key: other }), 404);
  }
  t.equal((await call(app, { path: '/task/', key: other })).json().data.some((x: Task) => x.id === mine.id), false);
  t.match(taskRow(app, mine.id), { is_complete: 0 }, 'untouched');
});

t.test('deleting a lead deletes its tasks', async (t) => {
  const app = await build(t);
  const task = byText('Follow up on the demo');
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${task.lead_id}/` })).statusCode, 200);
  t.equal(rows(app, `SELECT count(*) AS n FROM close_tasks WHERE org_id = ? AND lead_id = ?`, closeOrg(app), task.lead_id)[0]!.n, 0);
  isError(t, await call(app, { path: `/task/${task.id}/` }), 404);
  t.equal((await call(app, { path: '/task/' })).json().data.length, 7);
});

t.test('a snapshot carries each lead\'s tasks and restores them; the counts include tasks; an old dataset without tasks loads', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'snap-a' });
  const made = await app.inject({ method: 'POST', url: `${API}/task/`, headers: closeAuth('snap-a'), payload: { lead_id: CS.leads[1]!.id, text: 'Snapshotted' } });
  const snap = (await ctl(app, 'GET', '/orgs/snap-a/snapshot')).json();
  t.same(snap.close.leads[0].tasks !== undefined, true);
  t.equal(snap.close.leads.flatMap((l: { tasks: unknown[] }) => l.tasks).length, 9);
  const b = (await ctl(app, 'POST', '/orgs', { credential: 'snap-b', dataset: snap })).json();
  t.equal(b.counts.close.tasks, 9);
  const back = await app.inject({ url: `${API}/task/${made.json().id}/`, headers: closeAuth('snap-b') });
  t.match(back.json(), { text: 'Snapshotted', date_created: made.json().date_created });
  // Exact but for the organization's own id, which the snapshot names and its events carry.
  const aId = (await ctl(app, 'GET', '/orgs/snap-a')).json().id as string;
  const asB = JSON.parse(JSON.stringify(snap.close).replaceAll(aId, b.id));
  t.same((await ctl(app, 'GET', '/orgs/snap-b/snapshot')).json().close, asB, 'the restore is exact');
  const old = { ...snap, close: { ...snap.close, leads: snap.close.leads.map(({ tasks: _t, ...l }: { tasks: unknown }) => l) } };
  const c = (await ctl(app, 'POST', '/orgs', { credential: 'snap-c', dataset: old })).json();
  t.equal(c.counts.close.tasks, 0);
  const bad = structuredClone(snap);
  bad.close.leads.find((l: { tasks: unknown[] }) => l.tasks.length).tasks[0].assigned_to = 'user_nobody';
  t.equal((await ctl(app, 'POST', '/orgs', { credential: 'snap-d', dataset: bad })).statusCode, 400);
});
