import t from 'tap';
import { build, count, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Comments and their threads through HTTP, each answer checked against the stored rows.
shareApps(t);

const apiUser = CS.users[0]!.id;
// A lead and an opportunity the seed has no comments on (it has a few, test/control/snapshot-comments.test.ts).
const seeded = new Set((CS.comment_threads ?? []).map((x) => x.object_id));
const lead = CS.leads.find((l) => !seeded.has(l.id) && l.opportunities.every((o) => !seeded.has(o.id)))!;
const opp = CS.leads.find((l) => l !== lead && l.opportunities.length > 0 && !seeded.has(l.id) && !seeded.has(l.opportunities[0]!.id))!.opportunities[0]!;
/** The seed's comments and threads, which every test leaves alone. */
const SEEDED_COMMENTS = (CS.comments ?? []).length;
const SEEDED_THREADS = (CS.comment_threads ?? []).length;

const events = (app: Parameters<typeof closeOrg>[0], objectId: string) =>
  rows(app, `SELECT object_type, action, lead_id, changed_fields FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq`, closeOrg(app), objectId);

t.test('the first comment on a lead creates its thread; the next joins it; both list by object and by thread', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const first = await call(app, { method: 'POST', path: '/comment/', payload: { body: '<body><p>First</p></body>', object_id: lead.id } });
  t.equal(first.statusCode, 200);
  const c1 = first.json();
  t.match(c1, { body: '<body><p>First</p></body>', lead_id: lead.id, created_by: apiUser, updated_by: apiUser, removed_at: null, removed_by: null, mentions: [], organization_id: org });
  t.match(c1.id, /^comm_[0-9A-Za-z]{43}$/);
  t.match(c1.thread_id, /^comthr_[0-9A-Za-z]{43}$/);
  t.same(rows(app, 'SELECT id, object_type, object_id, lead_id FROM close_comment_threads WHERE org_id = ? AND object_id = ?', org, lead.id),
    [{ id: c1.thread_id, object_type: 'lead', object_id: lead.id, lead_id: lead.id }]);
  const c2 = (await call(app, { method: 'POST', path: '/comment/', payload: { body: 'Second', object_id: lead.id } })).json();
  t.equal(c2.thread_id, c1.thread_id, 'the second comment joins the thread');
  t.equal(count(app, 'close_comment_threads', org), SEEDED_THREADS + 1);
  t.same(rows(app, 'SELECT id, body FROM close_comments WHERE org_id = ? AND lead_id = ? ORDER BY date_created', org, lead.id), [{ id: c1.id, body: c1.body }, { id: c2.id, body: 'Second' }]);

  const byObject = await call(app, { path: `/comment/?object_id=${lead.id}` });
  t.equal(byObject.statusCode, 200);
  t.same(byObject.json(), { data: [c1, c2].map((c) => ({ ...c, updated_at: c.updated_at })), has_more: false });
  t.same((await call(app, { path: `/comment/?thread_id=${c1.thread_id}` })).json(), byObject.json());
  t.same((await call(app, { path: `/comment/?thread_id=&object_id=${lead.id}` })).json(), byObject.json(), 'an empty filter is no filter');
  t.same((await call(app, { path: `/comment/${c2.id}/` })).json(), c2);

  const thread = (await call(app, { path: `/comment_thread/${c1.thread_id}/` })).json();
  t.match(thread, { id: c1.thread_id, object_type: 'lead', object_id: lead.id, lead_id: lead.id, num_comments: 2, participating: [apiUser], organization_id: org, created_at: c1.created_at });
  t.same((await call(app, { path: `/comment_thread/?object_ids=${lead.id},${opp.id}` })).json(), { data: [thread], has_more: false });
  t.same((await call(app, { path: `/comment_thread/?ids=${c1.thread_id}` })).json().data, [thread]);
  t.same((await call(app, { path: '/comment_thread/?ids=comthr_unknown' })).json(), { data: [], has_more: false });

  // Events: the thread's created then the comment's; the second comment updates the thread.
  t.same(events(app, c1.thread_id).map((e) => `${e.object_type} ${e.action}`), ['comment_thread created', 'comment_thread updated']);
  t.same(events(app, c1.id).map((e) => `${e.object_type} ${e.action} ${e.lead_id}`), [`comment created ${lead.id}`]);
});

t.test('a comment on an opportunity has its own thread, tied to the lead; deleting the opportunity deletes them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const oppLead = CS.leads.find((l) => l.opportunities.some((o) => o.id === opp.id))!;
  const c = (await call(app, { method: 'POST', path: '/comment/', payload: { body: 'On the deal', object_id: opp.id } })).json();
  t.equal(c.lead_id, oppLead.id);
  t.match((await call(app, { path: `/comment_thread/${c.thread_id}/` })).json(), { object_type: 'opportunity', object_id: opp.id, lead_id: oppLead.id });
  t.equal((await call(app, { method: 'DELETE', path: `/opportunity/${opp.id}/` })).statusCode, 200);
  t.equal(count(app, 'close_comments', org), SEEDED_COMMENTS);
  t.equal(count(app, 'close_comment_threads', org), SEEDED_THREADS);
  isError(t, await call(app, { path: `/comment/${c.id}/` }), 404);
});

t.test('editing a comment changes its body and records its update; only its author may edit it', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const c = (await call(app, { method: 'POST', path: '/comment/', payload: { body: 'Typo', object_id: lead.id } })).json();
  const res = await call(app, { method: 'PUT', path: `/comment/${c.id}/`, payload: { body: 'Fixed' } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: c.id, body: 'Fixed', updated_by: apiUser });
  t.same(rows(app, 'SELECT body FROM close_comments WHERE org_id = ? AND id = ?', org, c.id), [{ body: 'Fixed' }]);
  t.same(events(app, c.id).map((e) => `${e.action} ${e.changed_fields}`), ['created []', 'updated ["body","updated_at"]']);
  // Another user's comment: 403, nothing changes.
  app.tenants.db(org).prepare('UPDATE close_comments SET created_by = ? WHERE org_id = ? AND id = ?').run(CS.users[1]!.id, org, c.id);
  const before = closeState(app);
  isError(t, await call(app, { method: 'PUT', path: `/comment/${c.id}/`, payload: { body: 'Mine now' } }), 403);
  t.equal(closeState(app), before);
});

t.test('removing a comment empties it while others remain; removing the last deletes the thread and all its comments', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const a = (await call(app, { method: 'POST', path: '/comment/', payload: { body: 'A', object_id: lead.id } })).json();
  const b = (await call(app, { method: 'POST', path: '/comment/', payload: { body: 'B', object_id: lead.id } })).json();
  const del = await call(app, { method: 'DELETE', path: `/comment/${a.id}/` });
  t.equal(del.statusCode, 200);
  t.same(del.json(), {});
  t.match((await call(app, { path: `/comment/${a.id}/` })).json(), { body: '', removed_by: apiUser, removed_at: /^\d{4}-/ });
  t.equal((await call(app, { path: `/comment_thread/${a.thread_id}/` })).json().num_comments, 1);
  isError(t, await call(app, { method: 'DELETE', path: `/comment/${a.id}/` }), 404);
  isFieldError(t, await call(app, { method: 'PUT', path: `/comment/${a.id}/`, payload: { body: 'back' } }), 'body');
  t.equal((await call(app, { method: 'DELETE', path: `/comment/${b.id}/` })).statusCode, 200);
  t.equal(count(app, 'close_comments', org), SEEDED_COMMENTS);
  t.equal(count(app, 'close_comment_threads', org), SEEDED_THREADS);
  // The thread's updates (B added, A removed) consolidate into one, as Close's do within seconds.
  t.same(events(app, a.thread_id).map((e) => e.action), ['created', 'updated', 'deleted']);
  t.same(events(app, b.id).map((e) => e.action), ['created', 'deleted']);
});

t.test("a lead's delete takes its comments and threads, those on its opportunities included", async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const oppLead = CS.leads.find((l) => l.opportunities.some((o) => o.id === opp.id))!;
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'x', object_id: oppLead.id } });
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'y', object_id: opp.id } });
  await call(app, { method: 'POST', path: '/comment/', payload: { body: 'z', object_id: lead.id } });
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${oppLead.id}/` })).statusCode, 200);
  t.same(rows(app, 'SELECT object_id FROM close_comment_threads WHERE org_id = ? AND lead_id IN (?, ?)', org, oppLead.id, lead.id), [{ object_id: lead.id }]);
  t.same(rows(app, 'SELECT body FROM close_comments WHERE org_id = ? AND lead_id IN (?, ?)', org, oppLead.id, lead.id), [{ body: 'z' }]);
});

t.test("the seed's comments read back through the API: a removed one keeps its place with an empty body", async (t) => {
  const app = await build(t);
  t.ok(SEEDED_THREADS >= 4 && SEEDED_COMMENTS >= 4, 'the seed has comments');
  const threads = (await call(app, { path: '/comment_thread/' })).json().data as { id: string; object_id: string; num_comments: number }[];
  t.equal(threads.length, SEEDED_THREADS);
  for (const th of threads) {
    const listed = (await call(app, { path: `/comment/?object_id=${th.object_id}` })).json().data as { thread_id: string; removed_at: string | null }[];
    t.same(listed.map((c) => c.thread_id), listed.map(() => th.id));
    t.equal(th.num_comments, listed.filter((c) => c.removed_at === null).length);
  }
  const removed = CS.comments!.find((c) => c.removed_at !== null)!;
  t.match((await call(app, { path: `/comment/${removed.id}/` })).json(), { body: '', removed_at: removed.removed_at, removed_by: removed.removed_by });
});

t.test('bad comment requests are 400s naming the field, and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/comment/', payload: { body: 'x' } }), 'object_id');
  isFieldError(t, await call(app, { method: 'POST', path: '/comment/', payload: { object_id: lead.id } }), 'body');
  isFieldError(t, await call(app, { method: 'POST', path: '/comment/', payload: { body: '', object_id: lead.id } }), 'body');
  isFieldError(t, await call(app, { method: 'POST', path: '/comment/', payload: { body: 'x', object_id: 'lead_nope' } }), 'object_id');
  isFieldError(t, await call(app, { method: 'POST', path: '/comment/', payload: { body: 'x', object_id: lead.contacts[0]!.id } }), 'object_id');
  isFieldError(t, await call(app, { path: '/comment/' }), 'object_id');
  isFieldError(t, await call(app, { path: `/comment/?object_id=${lead.id}&thread_id=comthr_x` }), 'thread_id');
  isFieldError(t, await call(app, { path: '/comment_thread/?_limit=201' }), '_limit');
  isError(t, await call(app, { path: '/comment/comm_missing/' }), 404);
  isError(t, await call(app, { method: 'PUT', path: '/comment/comm_missing/', payload: { body: 'x' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/comment/comm_missing/' }), 404);
  isError(t, await call(app, { path: '/comment_thread/comthr_missing/' }), 404);
  t.same((await call(app, { path: '/comment/?object_id=lead_unknown' })).json(), { data: [], has_more: false });
  t.equal(closeState(app), before);
});
