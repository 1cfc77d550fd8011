import t from 'tap';
import { build, seed, shareApps } from '../helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { createAction, getAction, orgRows, runActionToEnd } from './bulk-helper.js';

// Close's bulk email (POST /bulk_action/email/) on the shared engine: one email activity and one
// outbox message per recipient, by contact_preference, unsubscribed addresses skipped.
shareApps(t);

type App = Awaited<ReturnType<typeof build>>;
const close = seed.close!;
const followUp = close.email_templates!.find((x) => x.name === 'Follow-up')!.id;
const unsubscribed = close.unsubscribed_emails![0]!.email;
const unsubLead = close.leads.find((l) => l.contacts.some((c) => c.emails.some((e) => e.email.toLowerCase() === unsubscribed)))!.id;
const leads = [...new Set([...close.leads.slice(0, 3).map((l) => l.id), unsubLead])];
const emails = (app: App, jobId: string) => orgRows(app, `SELECT * FROM close_email_activities WHERE org_id = ? AND bulk_action_id = ? ORDER BY lead_id, contact_id, to_addrs`, 'close-key', jobId);
/** Each contact of the leads in creation order with its addresses. */
const contactsOf = (app: App) => (orgRows(app, `SELECT id, lead_id, name, emails FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))
  ORDER BY date_created, id`, 'close-key', JSON.stringify(leads)) as { id: string; lead_id: string; name: string; emails: string }[])
  .map((c) => ({ ...c, addresses: (JSON.parse(c.emails) as { email: string }[]).map((e) => e.email).filter((e) => e.toLowerCase() !== unsubscribed) }));

t.test('contact_preference contact: one email per contact to its first address, rendered, with an outbox message each', async (t) => {
  const app = await build(t, { batchSize: 2 });
  const want = contactsOf(app).filter((c) => c.addresses.length > 0).map((c) => [c.lead_id, c.id, c.addresses[0]]);
  const res = await createAction(app, 'email', { template_id: followUp, contact_preference: 'contact', s_query: leadsQuery(...leads), sender: 'Kenta <kenta.sato@acme-demo.example.com>' });
  t.equal(res.statusCode, 200);
  const job = res.json();
  t.match(job, { status: 'created', template_id: followUp, contact_preference: 'contact', email_account_id: null, sender: 'Kenta <kenta.sato@acme-demo.example.com>' });
  t.match(job.id, /^bulkemail_/);
  t.same(await runActionToEnd(app, 'email', job.id), ['loading', 'processing', 'done']);
  t.match(await getAction(app, 'email', job.id), { n_leads: leads.length, n_objects: want.length, n_objects_processed: want.length, n_leads_processed: leads.length });
  const sent = emails(app, job.id);
  t.same(sent.map((e) => [e.lead_id, e.contact_id, JSON.parse(e.to_addrs as string)[0]]).sort(), want.sort(), 'one per contact, first address');
  t.notOk(sent.some((e) => (e.to_addrs as string).toLowerCase().includes(unsubscribed)), 'the unsubscribed address got nothing');
  for (const e of sent) {
    t.equal(e.status, 'outbox');
    t.equal(e.template_id, followUp);
    t.match(e.subject, /^Following up, /);
  }
  const first = contactsOf(app).find((c) => c.id === sent[0]!.contact_id)!;
  t.equal(sent[0]!.subject, `Following up, ${first.name.split(' ')[0]}`, 'rendered for its contact');
  const outbox = (await app.inject({ url: '/_mock/outbox?org=close-key' })).json().data;
  t.equal(outbox.filter((m: { kind: string }) => m.kind === 'email').length, want.length, 'one outbox message per email');
  t.match(outbox.filter((m: { kind: string }) => m.kind === 'bulk_email_done'), [{ ref_id: job.id }], 'and the done email');
  const api = (await app.inject({ url: `/api/v1/activity/email/?lead_id=${leads[0]}`, headers: basic() })).json();
  t.equal(api.data.length, want.filter((w) => w[0] === leads[0]).length, 'GET /activity/email/ shows them');
});

t.test('contact_preference lead sends one email per lead; all sends every address', async (t) => {
  const app = await build(t);
  const contacts = contactsOf(app);
  const lead = (await createAction(app, 'email', { template_id: followUp, s_query: leadsQuery(...leads) })).json();
  t.equal(lead.contact_preference, 'lead', 'lead is the default');
  await runActionToEnd(app, 'email', lead.id);
  const firstOf = new Map<string, string>();
  for (const c of contacts) if (c.addresses.length > 0 && !firstOf.has(c.lead_id)) firstOf.set(c.lead_id, c.addresses[0]!);
  t.same(emails(app, lead.id).map((e) => [e.lead_id, JSON.parse(e.to_addrs as string)[0]]).sort(), [...firstOf].sort());

  const all = (await createAction(app, 'email', { template_id: followUp, contact_preference: 'all', s_query: leadsQuery(...leads), send_done_email: false })).json();
  await runActionToEnd(app, 'email', all.id);
  const every = contacts.flatMap((c) => c.addresses.map((a) => [c.id, a]));
  t.same(emails(app, all.id).map((e) => [e.contact_id, JSON.parse(e.to_addrs as string)[0]]).sort(), every.sort());
  t.match(await getAction(app, 'email', all.id), { n_objects: every.length, n_objects_processed: every.length });
  const list = (await app.inject({ url: `/api/v1/bulk_action/email/?template_id=${followUp}`, headers: basic() })).json();
  t.same(list.data.map((a: { id: string }) => a.id).sort(), [lead.id, all.id].sort(), 'the list filters by template_id');
  t.same((await app.inject({ url: '/api/v1/bulk_action/email/?template_id=tmpl_other', headers: basic() })).json().data, []);
});

t.test('an address unsubscribed after the set froze is skipped when its batch runs', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const { id } = (await createAction(app, 'email', { template_id: followUp, contact_preference: 'contact', s_query: leadsQuery(leads[0]!) })).json();
  app.closeJobs.tick(); app.closeJobs.tick(); // loading, then frozen
  const frozen = orgRows(app, `SELECT detail FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ? ORDER BY seq`, 'close-key', id).map((r) => r.detail as string);
  const res = await app.inject({ method: 'POST', url: '/api/v1/unsubscribe/email/', headers: basic(), payload: { email: frozen.at(-1)!.toUpperCase() } });
  t.equal(res.statusCode, 201);
  await runActionToEnd(app, 'email', id);
  t.match(await getAction(app, 'email', id), { n_objects: frozen.length, n_objects_processed: frozen.length - 1 });
  t.same(emails(app, id).map((e) => JSON.parse(e.to_addrs as string)[0]).sort(), frozen.slice(0, -1).sort());
});

t.test('a contact deleted after the set froze gets nothing, and the job still finishes', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const { id } = (await createAction(app, 'email', { template_id: followUp, contact_preference: 'contact', s_query: leadsQuery(leads[0]!) })).json();
  app.closeJobs.tick(); app.closeJobs.tick();
  const frozen = orgRows(app, `SELECT object_id FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ? ORDER BY seq`, 'close-key', id).map((r) => r.object_id as string);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/contact/${frozen.at(-1)}/`, headers: basic() })).statusCode, 200);
  await runActionToEnd(app, 'email', id);
  t.match(await getAction(app, 'email', id), { status: 'done', n_objects: frozen.length, n_objects_processed: frozen.length - 1 });
  t.same(emails(app, id).map((e) => e.contact_id).sort(), frozen.slice(0, -1).sort());
});

t.test('bad bulk emails are refused with a 400 naming the field; a template deleted before the job runs is an error', async (t) => {
  const app = await build(t);
  for (const [payload, field] of [
    [{ s_query: leadsQuery(leads[0]!) }, 'template_id'],
    [{ s_query: leadsQuery(leads[0]!), template_id: 'tmpl_nope' }, 'template_id'],
    [{ s_query: leadsQuery(leads[0]!), template_id: followUp, email_account_id: 'emailacct_nope' }, 'email_account_id'],
  ] as const) {
    const res = await createAction(app, 'email', payload);
    t.equal(res.statusCode, 400);
    t.type(res.json()['field-errors'][field], 'string', `names ${field}`);
  }
  t.equal((await createAction(app, 'email', { s_query: leadsQuery(leads[0]!), template_id: followUp, contact_preference: 'everyone' })).statusCode, 400);
  t.equal(orgRows(app, `SELECT count(*) AS n FROM close_bulk_actions WHERE org_id = ?`)[0]!.n, 0, 'nothing stored');

  const { id } = (await createAction(app, 'email', { template_id: followUp, s_query: leadsQuery(leads[0]!) })).json();
  app.closeJobs.tick();
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/email_template/${followUp}/`, headers: basic() })).statusCode, 200);
  app.closeJobs.tick();
  t.match((await app.inject({ url: `/_mock/jobs/${id}?org=close-key` })).json(), { status: 'error', kind: 'email', error_reason: /email template .* was deleted/ });
  t.equal(emails(app, id).length, 0, 'nothing sent');
});
