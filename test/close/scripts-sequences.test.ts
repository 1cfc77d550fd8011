import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';
import { createAction, runActionToEnd } from './bulk-helper.js';
import { leadsQuery } from './seed-ids.js';
import { ctl, digest, isControlError } from '../control/helper.js';

// Issue 29: what Close's sequence scripts read and write: `subscription_counts_by_status` on a sequence
// (export_sequences_data.py), `pause_reason` on a subscription (export_sequence_subscriptions_public.py),
// and a sender change without `status` (change_sequence_sender.py).

shareApps(t);

type App = Awaited<ReturnType<typeof build>>;
const ACCOUNTS = CS.connected_accounts!;
const SUBS = CS.sequence_subscriptions!;
const [trial] = CS.sequences!;
const FREE = CS.leads.flatMap((l) => l.contacts.filter((c) => c.emails.length > 0).map((c) => ({ c, lead: l })))
  .find(({ c }) => !SUBS.some((s) => s.contact_id === c.id))!;
const subRow = (app: App, id: string) => rows(app, `SELECT * FROM close_sequence_subscriptions WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0]!;
/** Counts by status straight from the stored rows, every status present. */
const storedCounts = (app: App, seq: string) => {
  const out: Record<string, number> = { active: 0, paused: 0, finished: 0, goal: 0, error: 0 };
  for (const r of rows(app, `SELECT status, count(*) AS n FROM close_sequence_subscriptions WHERE org_id = ? AND sequence_id = ? GROUP BY status`, closeOrg(app), seq)) {
    out[r['status'] as string] = r['n'] as number;
  }
  return out;
};
const countsOf = async (app: App, seq: string) => (await call(app, { path: `/sequence/${seq}/` })).json().subscription_counts_by_status;

t.test('a sequence\'s subscription_counts_by_status counts its subscriptions per status, after subscribing and pausing', async (t) => {
  const app = await build(t);
  const seeded = SUBS.filter((s) => s.sequence_id === trial!.id);
  const expected = { active: 0, paused: 0, finished: 0, goal: 0, error: 0 } as Record<string, number>;
  for (const s of seeded) expected[s.status]! += 1;
  t.same(await countsOf(app, trial!.id), expected, 'the seed\'s subscriptions');
  t.same(expected, storedCounts(app, trial!.id));
  const sub = await call(app, { method: 'POST', path: '/sequence_subscription/', payload: {
    sequence_id: trial!.id, contact_id: FREE.c.id, contact_email: FREE.c.emails[0]!.email, sender_account_id: ACCOUNTS[0]!.id,
    sender_name: 'Kenta Sato', sender_email: ACCOUNTS[0]!.email,
  } });
  t.equal(sub.statusCode, 201);
  t.same(await countsOf(app, trial!.id), { ...expected, active: expected.active! + 1 }, 'one more active');
  await call(app, { method: 'PUT', path: `/sequence_subscription/${sub.json().id}/`, payload: { status: 'paused' } });
  t.same(await countsOf(app, trial!.id), { ...expected, paused: expected.paused! + 1 }, 'then one more paused');
  t.same(await countsOf(app, trial!.id), storedCounts(app, trial!.id), 'as stored');
  const list = (await call(app, { path: '/sequence/?_fields=id,subscription_counts_by_status' })).json().data as { id: string; subscription_counts_by_status: unknown }[];
  t.same(list.find((s) => s.id === trial!.id)!.subscription_counts_by_status, storedCounts(app, trial!.id), 'the list shows the same');
  const fresh = (await call(app, { method: 'POST', path: '/sequence/', payload: { name: 'Empty' } })).json();
  t.same(fresh.subscription_counts_by_status, { active: 0, paused: 0, finished: 0, goal: 0, error: 0 }, 'a new sequence: zeros');
});

t.test('pause_reason: manual when paused through the API, kept while paused, null once resumed; manual for the seed\'s paused one', async (t) => {
  const app = await build(t);
  const seededPaused = SUBS.find((s) => s.status === 'paused')!;
  t.equal((await call(app, { path: `/sequence_subscription/${seededPaused.id}/` })).json().pause_reason, 'manual');
  const active = SUBS.find((s) => s.status === 'active')!;
  const put = (payload: Record<string, unknown>) => call(app, { method: 'PUT', path: `/sequence_subscription/${active.id}/`, payload });
  t.equal((await call(app, { path: `/sequence_subscription/${active.id}/` })).json().pause_reason, null, 'active: null');
  const paused = await put({ status: 'paused' });
  t.match(paused.json(), { status: 'paused', pause_reason: 'manual' });
  t.match(subRow(app, active.id), { status: 'paused', pause_reason: 'manual' });
  app.tenants.db(closeOrg(app)).prepare(`UPDATE close_sequence_subscriptions SET pause_reason = 'reply-received' WHERE org_id = ? AND id = ?`).run(closeOrg(app), active.id);
  t.equal((await put({ status: 'paused' })).json().pause_reason, 'reply-received', 'pausing a paused one keeps its reason');
  t.match((await put({ status: 'active' })).json(), { status: 'active', pause_reason: null });
  t.match(subRow(app, active.id), { status: 'active', pause_reason: null });
});

t.test('a bulk sequence pause sets pause_reason bulk-action; a bulk resume clears it', async (t) => {
  const app = await build(t);
  const lead = SUBS.find((s) => s.sequence_id === trial!.id && s.status === 'active')!.lead_id;
  const run = async (action_type: string) => {
    const res = await createAction(app, 'sequence_subscription', { action_type, sequence_id: trial!.id, s_query: leadsQuery(lead) }, 'close-resources-key');
    t.equal(res.statusCode, 200, action_type);
    await runActionToEnd(app, 'sequence_subscription', res.json().id, 'close-resources-key');
  };
  const ofLead = () => Object.fromEntries(rows(app, `SELECT id, status, pause_reason FROM close_sequence_subscriptions WHERE org_id = ? AND lead_id = ?
    AND sequence_id = ?`, closeOrg(app), lead, trial!.id).map((r) => [r['id'] as string, { status: r['status'], pause_reason: r['pause_reason'] }]));
  const before = ofLead();
  const wasActive = Object.keys(before).filter((id) => before[id]!.status === 'active');
  t.ok(wasActive.length > 0);
  await run('pause');
  const after = ofLead();
  for (const id of Object.keys(before)) {
    t.same(after[id], wasActive.includes(id) ? { status: 'paused', pause_reason: 'bulk-action' } : before[id], `${id}: bulk-action when it paused it`);
  }
  const api = (await call(app, { path: `/sequence_subscription/?lead_id=${lead}&sequence_id=${trial!.id}` })).json().data as { id: string; pause_reason: string }[];
  t.same(Object.fromEntries(api.map((s) => [s.id, s.pause_reason])), Object.fromEntries(Object.entries(after).map(([id, r]) => [id, r.pause_reason])), 'as the API answers');
  await run('resume');
  for (const id of wasActive) t.same(ofLead()[id], { status: 'active', pause_reason: null }, 'resumed: no reason');
});

t.test('PUT /sequence_subscription/{id}/ changes the sender without status, as Close\'s change-sender script does', async (t) => {
  const app = await build(t);
  const sub = SUBS.find((s) => s.status === 'paused')!;
  const to = ACCOUNTS[1]!;
  const res = await call(app, { method: 'PUT', path: `/sequence_subscription/${sub.id}/`, payload: {
    sender_name: 'Emily Carter', sender_account_id: to.id, sender_email: to.email,
  } });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { sender_account_id: to.id, sender_name: 'Emily Carter', sender_email: to.email, status: 'paused', pause_reason: 'manual' });
  t.match(subRow(app, sub.id), { sender_account_id: to.id, sender_name: 'Emily Carter', sender_email: to.email, status: 'paused', pause_reason: 'manual' });
  t.equal((await call(app, { method: 'PUT', path: `/sequence_subscription/${sub.id}/`, payload: { sender_name: 'E. Carter' } })).json().sender_name, 'E. Carter', 'the name alone');
  t.equal(subRow(app, sub.id)['sender_name'], 'E. Carter');
});

t.test('a bad sender change is a 400 naming the field and changes nothing', async (t) => {
  const app = await build(t);
  const sub = SUBS[0]!;
  const before = closeState(app);
  const put = (payload: Record<string, unknown>) => call(app, { method: 'PUT', path: `/sequence_subscription/${sub.id}/`, payload });
  isFieldError(t, await put({ sender_account_id: 'emailacct_nope', sender_email: ACCOUNTS[1]!.email, sender_name: 'x' }), 'sender_account_id');
  isFieldError(t, await put({ sender_account_id: ACCOUNTS[1]!.id }), 'sender_email');
  isFieldError(t, await put({ sender_email: 'someone@else.example' }), 'sender_email');
  isFieldError(t, await put({ sender_name: '' }), 'sender_name');
  isFieldError(t, await put({ sender_name: 'x', status: 'finished' }), 'status');
  isError(t, await call(app, { method: 'PUT', path: '/sequence_subscription/sub_nope/', payload: { sender_name: 'x' } }), 404);
  t.equal(closeState(app), before);
});

t.test('snapshots carry pause_reason: restored byte-identical; a reason on a subscription that is not paused is a 400', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const [active, other] = SUBS.filter((s) => s.status === 'active');
  await call(app, { method: 'PUT', path: `/sequence_subscription/${active!.id}/`, payload: { status: 'paused' } });
  app.tenants.db(org).prepare(`UPDATE close_sequence_subscriptions SET status = 'paused', pause_reason = 'email-bounced' WHERE org_id = ? AND id = ?`).run(org, other!.id);
  const snap = (await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json();
  const exported = snap.close.sequence_subscriptions as { id: string; pause_reason?: string }[];
  t.equal(exported.find((s) => s.id === active!.id)!.pause_reason, undefined, 'manual on a paused one is implied');
  t.equal(exported.find((s) => s.id === other!.id)!.pause_reason, 'email-bounced');
  const rowsBefore = rows(app, `SELECT id, status, pause_reason FROM close_sequence_subscriptions WHERE org_id = ? ORDER BY id`, org);
  t.equal((await ctl(app, 'PUT', `/orgs/${org}/snapshot`, snap)).statusCode, 200);
  t.same(rows(app, `SELECT id, status, pause_reason FROM close_sequence_subscriptions WHERE org_id = ? ORDER BY id`, org), rowsBefore, 'the same rows');
  t.same((await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json().close, snap.close, 'the same export');
  const before = digest(app, org);
  const finished = exported.findIndex((s) => s.id === SUBS.find((x) => x.status === 'finished')!.id);
  const bad = (x: Record<string, unknown>) => ({ ...snap, close: { ...snap.close, sequence_subscriptions: exported.map((s, i) => (i === finished ? { ...s, ...x } : s)) } });
  const at = new RegExp(`sequence_subscriptions/${finished}/pause_reason`);
  isControlError(t, await ctl(app, 'PUT', `/orgs/${org}/snapshot`, bad({ pause_reason: 'manual' })), 400, 'VALIDATION_ERROR', at);
  isControlError(t, await ctl(app, 'PUT', `/orgs/${org}/snapshot`, bad({ status: 'paused', pause_reason: 'bored' })), 400, 'VALIDATION_ERROR', at);
  t.equal(digest(app, org), before, 'nothing changed');
});
