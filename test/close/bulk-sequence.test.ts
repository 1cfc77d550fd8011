import t from 'tap';
import { build, seed, shareApps } from '../helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { actionUrl, createAction, getAction, orgRows, runActionToEnd } from './bulk-helper.js';

// Close's bulk sequence subscription (POST /bulk_action/sequence_subscription/) on the shared engine:
// subscribe, pause, resume and resume_finished, each checked row by row.
shareApps(t);

type App = Awaited<ReturnType<typeof build>>;
const close = seed.close!;
const [trial, renewal] = close.sequences!.map((s) => s.id);
const account = close.connected_accounts![0]!;
const leads = close.leads.slice(0, 4).map((l) => l.id);
const subscribe = (extra: Record<string, unknown> = {}) => ({
  action_type: 'subscribe', sequence_id: trial, sender_account_id: account.id, sender_name: 'Kenta Sato', sender_email: account.email,
  contact_preference: 'contact', s_query: leadsQuery(...leads), ...extra,
});
const subs = (app: App, where = '1 = 1', ...params: unknown[]) =>
  orgRows(app, `SELECT * FROM close_sequence_subscriptions WHERE org_id = ? AND ${where} ORDER BY contact_id, sequence_id`, 'close-key', ...params);
const unsubscribed = new Set(close.unsubscribed_emails!.map((u) => u.email.toLowerCase()));
/** Each contact of the leads that can be emailed, in creation order, with its first address not unsubscribed (the seed unsubscribes one). */
const contactsOf = (app: App, ids: string[]) => (orgRows(app, `SELECT id, lead_id, emails FROM close_contacts
  WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?)) ORDER BY date_created, id`, 'close-key', JSON.stringify(ids)) as { id: string; lead_id: string; emails: string }[])
  .map((c) => ({ ...c, email: (JSON.parse(c.emails) as { email: string }[]).map((e) => e.email).find((e) => !unsubscribed.has(e.toLowerCase())) }))
  .filter((c): c is typeof c & { email: string } => c.email !== undefined);

t.test('subscribe with contact_preference contact subscribes each contact once, with its first address', async (t) => {
  const app = await build(t, { batchSize: 2 });
  const contacts = contactsOf(app, leads);
  t.ok(orgRows(app, `SELECT count(*) AS n FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))`, 'close-key', JSON.stringify(leads))[0]!.n as number > contacts.length,
    'one of these contacts has only an unsubscribed address');
  const res = await createAction(app, 'sequence_subscription', subscribe());
  t.equal(res.statusCode, 200);
  const job = res.json();
  t.match(job, { status: 'created', action_type: 'subscribe', sequence_id: trial, sender_account_id: account.id, sender_name: 'Kenta Sato', contact_preference: 'contact', calls_assigned_to: null, from_phone_number_id: null });
  t.match(job.id, /^bulkseqsub_/);
  t.same(await runActionToEnd(app, 'sequence_subscription', job.id), ['loading', 'processing', 'done']);
  t.match(await getAction(app, 'sequence_subscription', job.id), { n_leads: 4, n_objects: contacts.length, n_objects_processed: contacts.length, n_leads_processed: 4 });
  const made = subs(app, 'bulk_action_id = ?', job.id);
  t.same(made.map((s) => [s.contact_id, s.lead_id, s.contact_email, s.status, s.sequence_id, s.sender_account_id, s.sender_email]).sort(),
    contacts.map((c) => [c.id, c.lead_id, c.email, 'active', trial, account.id, account.email]).sort(), 'one active subscription per contact');

  // The same again: every contact already had this sequence, so nothing is created.
  const again = (await createAction(app, 'sequence_subscription', subscribe())).json();
  await runActionToEnd(app, 'sequence_subscription', again.id);
  t.match(await getAction(app, 'sequence_subscription', again.id), { status: 'done', n_objects: contacts.length, n_objects_processed: 0 });
  t.equal(subs(app, 'sequence_id = ? AND contact_id IN (SELECT value FROM json_each(?))', trial, JSON.stringify(contacts.map((c) => c.id))).length, contacts.length, 'still one each');
  const api = await app.inject({ url: `/api/v1/sequence_subscription/?sequence_id=${trial}&lead_id=${leads[0]}`, headers: basic() });
  t.equal(api.statusCode, 200);
  t.equal(api.json().data.length, contacts.filter((c) => c.lead_id === leads[0]).length, 'the API lists them');
});

t.test('subscribe with contact_preference lead subscribes the lead\'s first contact only', async (t) => {
  const app = await build(t);
  const firsts = new Map<string, string>();
  for (const c of contactsOf(app, leads)) if (!firsts.has(c.lead_id)) firsts.set(c.lead_id, c.id);
  const { id } = (await createAction(app, 'sequence_subscription', subscribe({ contact_preference: 'lead', sequence_id: renewal }))).json();
  await runActionToEnd(app, 'sequence_subscription', id);
  t.same(subs(app, 'bulk_action_id = ?', id).map((s) => s.contact_id).sort(), [...firsts.values()].sort());
  t.match(await getAction(app, 'sequence_subscription', id), { n_leads: 4, n_objects: 4, n_objects_processed: 4 });
});

t.test('pause, resume and resume_finished move the matched contacts\' subscriptions, per sequence or all', async (t) => {
  const app = await build(t);
  const subLeads = [...new Set(close.sequence_subscriptions!.map((s) => s.lead_id))];
  const status = () => Object.fromEntries(subs(app, 'lead_id IN (SELECT value FROM json_each(?))', JSON.stringify(subLeads)).map((s) => [s.id, s.status]));
  const before = status();
  const run = async (body: Record<string, unknown>) => {
    const res = await createAction(app, 'sequence_subscription', { s_query: leadsQuery(...subLeads), ...body });
    t.equal(res.statusCode, 200, JSON.stringify(res.json()));
    await runActionToEnd(app, 'sequence_subscription', res.json().id);
    return getAction(app, 'sequence_subscription', res.json().id);
  };
  const seeded = close.sequence_subscriptions!;
  const ofSeq = (seq: string, st: string) => seeded.filter((s) => s.sequence_id === seq && s.status === st).map((s) => s.id);

  const paused = await run({ action_type: 'pause', sequence_id: trial });
  t.equal(paused.n_objects_processed, new Set(seeded.filter((s) => s.sequence_id === trial && s.status === 'active').map((s) => s.contact_id)).size);
  let now = status();
  for (const id of ofSeq(trial, 'active')) t.equal(now[id], 'paused', `${id} paused`);
  for (const id of ofSeq(renewal, 'active')) t.equal(now[id], 'active', 'the other sequence is untouched');
  t.equal(now[ofSeq(trial, 'finished')[0]!], 'finished', 'finished stays finished');

  await run({ action_type: 'resume_finished' });
  now = status();
  t.equal(now[ofSeq(trial, 'finished')[0]!], 'active', 'resume_finished without a sequence: every sequence');
  for (const id of ofSeq(trial, 'active')) t.equal(now[id], 'paused', 'paused ones are not resumed by resume_finished');

  await run({ action_type: 'resume', sequence_id: trial });
  now = status();
  for (const id of [...ofSeq(trial, 'active'), ...ofSeq(trial, 'paused')]) t.equal(now[id], 'active', `${id} active again`);

  await run({ action_type: 'pause' });
  now = status();
  for (const id of Object.keys(before)) t.equal(now[id], 'paused', 'pause without a sequence pauses every active subscription');
  t.same(subs(app, `bulk_action_id IS NOT NULL AND lead_id IN (SELECT value FROM json_each(?))`, JSON.stringify(subLeads)).length, Object.keys(before).length, 'each names the bulk action that moved it');
});

t.test('bad bulk sequence subscriptions are refused with a 400 naming each field, and store nothing', async (t) => {
  const app = await build(t);
  const cases: [Record<string, unknown>, string[]][] = [
    [{ s_query: leadsQuery(leads[0]!) }, ['action_type']],
    [{ s_query: leadsQuery(leads[0]!), action_type: 'subscribe' }, ['sequence_id', 'sender_account_id', 'sender_name', 'sender_email', 'contact_preference']],
    [subscribe({ sequence_id: 'seq_nope' }), ['sequence_id']],
    [subscribe({ sender_account_id: 'emailacct_nope' }), ['sender_account_id']],
    [{ s_query: leadsQuery(leads[0]!), action_type: 'reassign', calls_assigned_to: [close.users[0]!.id] }, ['action_type', 'calls_assigned_to']],
    [{ s_query: leadsQuery(leads[0]!), action_type: 'pause', sender_name: 'x', contact_preference: 'lead' }, ['sender_name', 'contact_preference']],
    [{ s_query: leadsQuery(leads[0]!), action_type: 'pause', from_phone_number_id: 'phone_1' }, ['from_phone_number_id']],
  ];
  for (const [payload, fields] of cases) {
    const res = await createAction(app, 'sequence_subscription', payload);
    t.equal(res.statusCode, 400, JSON.stringify(payload));
    t.same(Object.keys(res.json()['field-errors']).sort(), [...fields].sort(), `names ${fields.join(', ')}`);
  }
  const badEnum = await createAction(app, 'sequence_subscription', subscribe({ contact_preference: 'all' }));
  t.equal(badEnum.statusCode, 400, 'all is a bulk email preference only');
  t.equal(orgRows(app, `SELECT count(*) AS n FROM close_bulk_actions WHERE org_id = ?`)[0]!.n, 0, 'nothing stored');
});

t.test('a sequence deleted before the job runs puts it in error; PUT pauses and resumes it', async (t) => {
  const app = await build(t);
  const { id } = (await createAction(app, 'sequence_subscription', subscribe())).json();
  const put = (status: string) => app.inject({ method: 'PUT', url: `${actionUrl('sequence_subscription')}${id}/`, headers: basic(), payload: { status } });
  t.equal((await put('paused')).json().status, 'paused');
  t.equal((await put('resuming')).json().status, 'resuming');
  app.closeJobs.tick(); // resuming → created
  app.closeJobs.tick(); // created → loading
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/sequence/${trial}/`, headers: basic() })).statusCode, 200);
  app.closeJobs.tick();
  const job = (await app.inject({ url: `/_mock/jobs/${id}?org=close-key` })).json();
  t.match(job, { status: 'error', kind: 'sequence_subscription', error_reason: /sequence .* was deleted/ });
  t.equal(subs(app, 'bulk_action_id = ?', id).length, 0, 'nobody subscribed');
});
