import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { CS, call, closeOrg, closeState, isError, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The seed's two connected accounts, two sequences and six subscriptions (seed/generate.mjs).
const ACCOUNTS = CS.connected_accounts!;
const SEQUENCES = CS.sequences!;
const SUBS = CS.sequence_subscriptions!;
const [kenta, emily] = CS.users;
const [trial, renewal] = SEQUENCES;
/** A contact with an email that no subscription names, and its lead. */
const FREE = CS.leads.flatMap((l) => l.contacts.filter((c) => c.emails.length > 0).map((c) => ({ c, lead: l })))
  .find(({ c }) => !SUBS.some((s) => s.contact_id === c.id))!;
const subRow = (app: Parameters<typeof call>[0], id: string) => rows(app, `SELECT * FROM close_sequence_subscriptions WHERE org_id = ? AND id = ?`, closeOrg(app), id)[0];
const subscribe = (over: Record<string, unknown> = {}) => ({
  sequence_id: trial!.id, contact_id: FREE.c.id, contact_email: FREE.c.emails[0]!.email, sender_account_id: ACCOUNTS[0]!.id,
  sender_name: 'Kenta Sato', sender_email: ACCOUNTS[0]!.email, ...over,
});

t.test('GET /connected_account/ lists the seeded accounts, filters by user_id and trims to _fields; GET one; unknown is a 404', async (t) => {
  const app = await build(t);
  const all = await call(app, { path: '/connected_account/' });
  t.equal(all.statusCode, 200);
  const data = all.json().data as Record<string, unknown>[];
  t.same(data.map((a) => a.id).sort(), ACCOUNTS.map((a) => a.id).sort());
  const one = ACCOUNTS[0]!;
  const identity = { name: one.name, email: one.email };
  t.same(data.find((a) => a.id === one.id), {
    id: one.id, _type: 'google', organization_id: closeOrg(app), user_id: kenta!.id, email: one.email, identities: [identity],
    default_identity: identity, send_status: 'ok', receive_status: 'ok', date_created: one.date_created,
  });
  t.same((await call(app, { path: `/connected_account/?user_id=${emily!.id}&_fields=id,user_id` })).json(),
    { data: [{ id: ACCOUNTS[1]!.id, user_id: emily!.id }], has_more: false });
  t.same((await call(app, { path: `/connected_account/${one.id}/` })).json(), data.find((a) => a.id === one.id));
  isError(t, await call(app, { path: '/connected_account/emailacct_nope/' }), 404);
});

t.test('sequences: list, get, create (stored with step ids), update (steps replaced), delete with its subscriptions', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const list = (await call(app, { path: '/sequence/' })).json();
  t.same(list.data.map((s: { id: string }) => s.id), [trial!.id, renewal!.id]);
  t.equal(list.has_more, false);
  const got = (await call(app, { path: `/sequence/${trial!.id}/` })).json();
  t.match(got, { id: trial!.id, organization_id: org, name: 'Trial follow-up', status: 'active', timezone: 'Asia/Tokyo', steps: trial!.steps, schedule: trial!.schedule });

  const schedule = { ranges: [{ weekday: 1, start: '08:30', end: '12:00' }] };
  const created = await call(app, { method: 'POST', path: '/sequence/', payload: {
    name: 'Cold outreach', timezone: 'Europe/Berlin', schedule, steps: [{ step_type: 'email', delay: 0, email_template_id: 'tmpl_x' }, { step_type: 'call', delay: 3600 }],
  } });
  t.equal(created.statusCode, 200);
  const seq = created.json();
  t.match(seq, { name: 'Cold outreach', status: 'active', timezone: 'Europe/Berlin', schedule, created_by: kenta!.id, updated_by: kenta!.id });
  t.equal(seq.steps.length, 2);
  t.ok(seq.steps.every((s: { id: string }) => /^seqstep_/.test(s.id)), 'each step gets an id');
  const [row] = rows(app, `SELECT name, status, timezone, schedule, steps FROM close_sequences WHERE org_id = ? AND id = ?`, org, seq.id);
  t.same({ ...row, schedule: JSON.parse(row!.schedule as string), steps: JSON.parse(row!.steps as string) },
    { name: 'Cold outreach', status: 'active', timezone: 'Europe/Berlin', schedule, steps: seq.steps });
  t.same((await call(app, { method: 'POST', path: '/sequence/?_fields=id,timezone', payload: { name: 'Bare' } })).json().timezone, 'UTC');

  const updated = await call(app, { method: 'PUT', path: `/sequence/${seq.id}/`, payload: { name: 'Warm outreach', status: 'paused', steps: [seq.steps[1]] } });
  t.equal(updated.statusCode, 200);
  t.match(updated.json(), { name: 'Warm outreach', status: 'paused', timezone: 'Europe/Berlin', schedule, steps: [seq.steps[1]] });
  t.same(JSON.parse(rows(app, `SELECT steps FROM close_sequences WHERE org_id = ? AND id = ?`, org, seq.id)[0]!.steps as string), [seq.steps[1]]);

  t.same((await call(app, { method: 'DELETE', path: `/sequence/${trial!.id}/` })).json(), {});
  t.same(rows(app, `SELECT id FROM close_sequences WHERE org_id = ? AND id = ?`, org, trial!.id), []);
  t.same(rows(app, `SELECT id FROM close_sequence_subscriptions WHERE org_id = ? AND sequence_id = ?`, org, trial!.id), [], 'its subscriptions went with it');
  t.equal(rows(app, `SELECT count(*) AS n FROM close_sequence_subscriptions WHERE org_id = ?`, org)[0]!.n, 2, 'the other sequence keeps its own');
});

t.test('sequence writes with bad values are 400s naming the field and change nothing; unknown ids are 404s', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const post = (payload: unknown) => call(app, { method: 'POST', path: '/sequence/', payload });
  isFieldError(t, await post({}), 'name');
  isFieldError(t, await post({ name: '' }), 'name');
  isFieldError(t, await post({ name: 'x', status: 'draft' }), 'status');
  isFieldError(t, await post({ name: 'x', timezone: 'Mars/Olympus' }), 'timezone');
  isFieldError(t, await post({ name: 'x', schedule: { ranges: [{ weekday: 1, start: '17:00', end: '09:00' }] } }), 'schedule');
  isFieldError(t, await post({ name: 'x', schedule: { ranges: [{ weekday: 1, start: '9am', end: '17:00' }] } }), 'schedule');
  isFieldError(t, await post({ name: 'x', steps: [{ step_type: 'fax', delay: 0 }] }), 'steps');
  isFieldError(t, await post({ name: 'x', steps: [{ step_type: 'email', delay: 0 }] }), 'steps');
  isFieldError(t, await post({ name: 'x', steps: [{ step_type: 'call', delay: -1 }] }), 'steps.0.delay');
  isFieldError(t, await call(app, { method: 'PUT', path: `/sequence/${trial!.id}/`, payload: { status: 'done' } }), 'status');
  isFieldError(t, await call(app, { path: `/sequence/${trial!.id}/?_limit=1` }), '_limit');
  isError(t, await call(app, { path: '/sequence/seq_nope/' }), 404);
  isError(t, await call(app, { method: 'PUT', path: '/sequence/seq_nope/', payload: { name: 'y' } }), 404);
  isError(t, await call(app, { method: 'DELETE', path: '/sequence/seq_nope/' }), 404);
  t.equal(closeState(app), before, 'nothing changed');
});

t.test('GET /sequence_subscription/ filters by sequence_id, contact_id and lead_id; needs one of them', async (t) => {
  const app = await build(t);
  const ids = async (qs: string) => ((await call(app, { path: `/sequence_subscription/?${qs}` })).json().data as { id: string }[]).map((s) => s.id).sort();
  const expect = (f: (s: (typeof SUBS)[number]) => boolean) => SUBS.filter(f).map((s) => s.id).sort();
  t.same(await ids(`sequence_id=${trial!.id}`), expect((s) => s.sequence_id === trial!.id));
  const both = SUBS[0]!.contact_id;
  t.same(await ids(`contact_id=${both}`), expect((s) => s.contact_id === both));
  t.equal((await ids(`contact_id=${both}`)).length, 2, 'one contact in both sequences');
  t.same(await ids(`contact_id=${both}&sequence_id=${renewal!.id}`), expect((s) => s.contact_id === both && s.sequence_id === renewal!.id));
  t.same(await ids(`lead_id=${SUBS[2]!.lead_id}`), expect((s) => s.lead_id === SUBS[2]!.lead_id));
  const page = (await call(app, { path: `/sequence_subscription/?sequence_id=${trial!.id}&_limit=1&_fields=id,status` })).json();
  t.same(page, { data: [{ id: SUBS[0]!.id, status: 'active' }], has_more: true });
  const one = SUBS[3]!;
  t.same((await call(app, { path: `/sequence_subscription/${one.id}/` })).json(), {
    id: one.id, organization_id: closeOrg(app), sequence_id: one.sequence_id, contact_id: one.contact_id, lead_id: one.lead_id,
    contact_email: one.contact_email, sender_account_id: one.sender_account_id, sender_name: one.sender_name, sender_email: one.sender_email,
    status: 'finished', calls_assigned_to: one.calls_assigned_to, created_by_id: one.created_by, updated_by_id: one.updated_by,
    date_created: one.date_created, date_updated: one.date_updated, pause_reason: null,
  });
  isFieldError(t, await call(app, { path: '/sequence_subscription/' }), 'sequence_id');
  isFieldError(t, await call(app, { path: '/sequence_subscription/?_limit=5' }), 'sequence_id');
  isError(t, await call(app, { path: '/sequence_subscription/sub_nope/' }), 404);
});

t.test('POST /sequence_subscription/ subscribes a contact (201, active, the contact\'s lead); a second time is a 400', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/sequence_subscription/', payload: subscribe({ calls_assigned_to: [emily!.id] }) });
  t.equal(res.statusCode, 201);
  const sub = res.json();
  t.match(sub, { sequence_id: trial!.id, contact_id: FREE.c.id, lead_id: FREE.lead.id, status: 'active', calls_assigned_to: [emily!.id], created_by_id: kenta!.id });
  t.match(subRow(app, sub.id), { sequence_id: trial!.id, contact_id: FREE.c.id, lead_id: FREE.lead.id, status: 'active', bulk_action_id: null, created_by: kenta!.id });
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'POST', path: '/sequence_subscription/', payload: subscribe() }), 'contact_id');
  t.equal(closeState(app), before, 'the second subscription was not stored');
  // Another sequence is fine.
  t.equal((await call(app, { method: 'POST', path: '/sequence_subscription/', payload: subscribe({ sequence_id: renewal!.id }) })).statusCode, 201);
});

t.test('POST /sequence_subscription/ with a bad reference or value is a 400 naming it and stores nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const post = (over: Record<string, unknown>) => call(app, { method: 'POST', path: '/sequence_subscription/', payload: subscribe(over) });
  isFieldError(t, await post({ sequence_id: 'seq_nope' }), 'sequence_id');
  isFieldError(t, await post({ contact_id: 'cont_nope' }), 'contact_id');
  isFieldError(t, await post({ contact_email: 'someone@else.example' }), 'contact_email');
  isFieldError(t, await post({ sender_account_id: 'emailacct_nope' }), 'sender_account_id');
  isFieldError(t, await post({ sender_email: ACCOUNTS[1]!.email }), 'sender_email');
  isFieldError(t, await post({ calls_assigned_to: ['user_nope'] }), 'calls_assigned_to');
  isFieldError(t, await post({ sender_name: '' }), 'sender_name');
  isFieldError(t, await call(app, { method: 'POST', path: '/sequence_subscription/', payload: { sequence_id: trial!.id } }), 'contact_id');
  t.equal(closeState(app), before);
});

t.test('PUT /sequence_subscription/{id}/ pauses and resumes; other statuses are 400s; unknown is a 404', async (t) => {
  const app = await build(t);
  const active = SUBS[0]!;
  const paused = await call(app, { method: 'PUT', path: `/sequence_subscription/${active.id}/`, payload: { status: 'paused' } });
  t.equal(paused.statusCode, 200);
  t.equal(paused.json().status, 'paused');
  t.match(subRow(app, active.id), { status: 'paused', updated_by: kenta!.id });
  t.equal((await call(app, { method: 'PUT', path: `/sequence_subscription/${SUBS[3]!.id}/`, payload: { status: 'active' } })).json().status, 'active', 'a finished one restarts');
  const before = closeState(app);
  isFieldError(t, await call(app, { method: 'PUT', path: `/sequence_subscription/${active.id}/`, payload: { status: 'finished' } }), 'status');
  isFieldError(t, await call(app, { method: 'PUT', path: `/sequence_subscription/${active.id}/`, payload: {} }), 'status');
  isError(t, await call(app, { method: 'PUT', path: '/sequence_subscription/sub_nope/', payload: { status: 'paused' } }), 404);
  t.equal(closeState(app), before);
});

t.test('deleting a contact or a lead deletes its subscriptions', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const count = (col: string, id: string) => rows(app, `SELECT count(*) AS n FROM close_sequence_subscriptions WHERE org_id = ? AND ${col} = ?`, org, id)[0]!.n;
  const contact = SUBS[0]!.contact_id;
  t.equal(count('contact_id', contact), 2);
  t.equal((await call(app, { method: 'DELETE', path: `/contact/${contact}/` })).statusCode, 200);
  t.equal(count('contact_id', contact), 0);
  const lead = SUBS[2]!.lead_id;
  t.ok((count('lead_id', lead) as number) > 0);
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${lead}/` })).statusCode, 200);
  t.equal(count('lead_id', lead), 0);
});

t.test('the bulk engine\'s store API: subscribe once per contact and sequence, move statuses and count them', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const store = app.closeStore.sequences;
  const inOrg = <T>(fn: () => T): T => app.tenants.run(org, fn);
  t.equal(inOrg(() => store.sequenceExists(org, trial!.id)), true);
  t.equal(inOrg(() => store.sequenceExists(org, 'seq_nope')), false);
  t.equal(inOrg(() => store.accountExists(org, ACCOUNTS[1]!.id)), true);
  t.equal(inOrg(() => store.accountExists(org, 'emailacct_nope')), false);

  const s = {
    sequenceId: trial!.id, contactId: FREE.c.id, leadId: FREE.lead.id, contactEmail: FREE.c.emails[0]!.email, senderAccountId: ACCOUNTS[0]!.id,
    senderName: 'Kenta Sato', senderEmail: ACCOUNTS[0]!.email, bulkActionId: 'bulkseq_1',
  };
  t.equal(inOrg(() => store.subscribeForBulk(org, kenta!.id, s)), true);
  t.equal(inOrg(() => store.subscribeForBulk(org, kenta!.id, s)), false, 'the second call subscribes nobody');
  t.equal(inOrg(() => store.subscribeForBulk(org, null, { ...s, contactId: SUBS[3]!.contact_id, leadId: SUBS[3]!.lead_id })), false, 'nor one who finished it');
  const [made] = rows(app, `SELECT * FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ?`, org, FREE.c.id);
  t.match(made, { sequence_id: trial!.id, lead_id: FREE.lead.id, status: 'active', bulk_action_id: 'bulkseq_1', created_by: kenta!.id, calls_assigned_to: '[]' });

  const both = SUBS[0]!.contact_id;
  t.equal(inOrg(() => store.setStatusForBulk(org, null, both, null, 'active', 'paused', 'bulkseq_2')), 2, 'every sequence');
  t.same(rows(app, `SELECT DISTINCT status, bulk_action_id FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ?`, org, both),
    [{ status: 'paused', bulk_action_id: 'bulkseq_2' }]);
  t.equal(inOrg(() => store.setStatusForBulk(org, null, both, trial!.id, 'paused', 'active', 'bulkseq_3')), 1, 'one sequence');
  t.equal(inOrg(() => store.setStatusForBulk(org, null, both, trial!.id, 'paused', 'active', 'bulkseq_3')), 0, 'nothing left to move');
  t.equal(inOrg(() => store.setStatusForBulk(org, emily!.id, SUBS[3]!.contact_id, null, 'finished', 'active', 'bulkseq_4')), 1, 'resume_finished');
  t.match(subRow(app, SUBS[3]!.id), { status: 'active', updated_by: emily!.id, bulk_action_id: 'bulkseq_4' });
});

t.test('a dataset whose subscription names an unknown sequence, contact or account is refused', async (t) => {
  const { checkCloseSeed } = await import('../../src/close/seed.js');
  t.equal(checkCloseSeed(CS), null);
  const sub = SUBS[0]!;
  const bad = (over: Record<string, unknown>) => checkCloseSeed({ ...CS, sequence_subscriptions: [{ ...sub, ...over }] });
  t.match(bad({ sequence_id: 'seq_' + 'x'.repeat(43) }), /sequence_id: unknown sequence/);
  t.match(bad({ contact_id: 'cont_' + 'x'.repeat(43) }), /contact_id: unknown contact/);
  t.match(bad({ lead_id: CS.leads.find((l) => l.id !== sub.lead_id)!.id }), /lead_id: not the contact's lead/);
  t.match(bad({ sender_account_id: 'emailacct_' + 'x'.repeat(43) }), /sender_account_id: unknown connected account/);
  t.match(checkCloseSeed({ ...CS, sequence_subscriptions: [sub, { ...sub, id: 'sub_' + 'y'.repeat(43) }] }), /already has a subscription/);
});

t.test('an "empty" organization keeps the connected accounts and sequences, without subscriptions; a snapshot round-trips them', async (t) => {
  const app = await build(t);
  const made = await ctl(app, 'POST', '/orgs', { credential: 'seq-empty', dataset: 'empty' });
  t.equal(made.statusCode, 201);
  t.match(made.json().counts.close, { connected_accounts: ACCOUNTS.length, sequences: SEQUENCES.length, sequence_subscriptions: 0, leads: 0 });
  t.same((await call(app, { path: '/sequence/', key: 'seq-empty' })).json().data.map((s: { id: string }) => s.id), SEQUENCES.map((s) => s.id));

  // Change a sequence and a subscription, then restore the snapshot taken before: both come back.
  const org = closeOrg(app);
  const snap = (await ctl(app, 'GET', `/orgs/${org}/snapshot`)).json();
  t.same(snap.close.sequence_subscriptions, [...SUBS].sort((a, b) => (a.id < b.id ? -1 : 1)), 'in id order');
  await call(app, { method: 'PUT', path: `/sequence/${trial!.id}/`, payload: { name: 'Renamed' } });
  await call(app, { method: 'PUT', path: `/sequence_subscription/${SUBS[0]!.id}/`, payload: { status: 'paused' } });
  t.equal((await ctl(app, 'PUT', `/orgs/${org}/snapshot`, snap)).statusCode, 200);
  t.equal((await call(app, { path: `/sequence/${trial!.id}/` })).json().name, 'Trial follow-up');
  t.equal((await call(app, { path: `/sequence_subscription/${SUBS[0]!.id}/` })).json().status, 'active');
});
