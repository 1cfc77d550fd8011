import t from 'tap';
import { build, bearer, count, seed, SEED_IDS, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl, digest, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const BS = seed.blueai;
const CS = seed.close!;
const seedCounts = {
  blueai: { members: BS.members.length, pipelines: BS.pipelines.length, companies: BS.companies.length, contacts: BS.contacts.length, deals: BS.deals.length, activities: BS.activities.length,
    tags: BS.tags!.length, tag_assignments: BS.tag_assignments!.length,
    custom_field_definitions: BS.custom_field_definitions!.length },
  close: {
    leads: CS.leads.length, contacts: CS.leads.flatMap((l) => l.contacts).length, opportunities: CS.leads.flatMap((l) => l.opportunities).length,
    activities: CS.leads.flatMap((l) => l.activities).length, custom_objects: CS.leads.flatMap((l) => l.custom_objects).length,
    tasks: CS.leads.flatMap((l) => l.tasks ?? []).length,
    bulk_edits: 0, custom_fields: CS.custom_fields.length, users: CS.users.length, pipelines: CS.pipelines!.length,
    connected_accounts: CS.connected_accounts!.length, sequences: CS.sequences!.length, sequence_subscriptions: CS.sequence_subscriptions!.length,
    email_templates: CS.email_templates!.length, email_activities: CS.leads.flatMap((l) => l.emails ?? []).length,
    unsubscribed_emails: CS.unsubscribed_emails!.length, webhooks: 0, events: 0, webhook_deliveries: 0,
    comment_threads: CS.comment_threads!.length, comments: CS.comments!.length, lead_merges: CS.lead_merges!.length,
    recorded_activities: CS.leads.flatMap((l) => l.recorded_activities ?? []).length,
    saved_searches: CS.saved_searches!.length, roles: CS.roles!.length, send_as: CS.send_as!.length, dialer_sessions: CS.dialer_sessions!.length,
    integration_links: CS.integration_links!.length,
    typed_activities: CS.typed_activities!.length,
  },
};

t.test('POST /_mock/orgs creates an organization with a copy of the seed that its credential reaches', async (t) => {
  const app = await build(t);
  const res = await ctl(app, 'POST', '/orgs', { credential: 'suite-a' });
  t.equal(res.statusCode, 201);
  const org = res.json();
  t.match(org, { id: /^orga_[0-9A-Za-z]{43}$/, credentials: ['suite-a'], dataset: 'seed', clock: { source: 'default' }, rate_limit: { limit: 0, source: 'default' } });
  t.same(org.counts, seedCounts);
  t.equal(count(app, 'blueai_deals', org.id), BS.deals.length, 'stored rows');
  t.equal(app.db.prepare(`SELECT org_id FROM credentials WHERE token = 'suite-a'`).pluck().get(), org.id);
  const deal = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('suite-a') });
  t.equal(deal.statusCode, 200, 'the vendor API serves the new organization');
  const me = await app.inject({ url: '/api/v1/me/', headers: basic('suite-a') });
  t.equal(me.json().organizations[0].id, org.id, 'Close sees the same organization');
  t.same((await ctl(app, 'GET', '/orgs')).json().data.map((o: { id: string }) => o.id), [org.id]);
  t.equal((await ctl(app, 'GET', `/orgs/${org.id}`)).json().id, org.id, 'found by id');
  t.equal((await ctl(app, 'GET', '/orgs/suite-a')).json().id, org.id, 'found by credential');
});

t.test('an organization is found by a URL-encoded credential with reserved characters', async (t) => {
  const app = await build(t);
  const credential = 'team:a/b?c#d%';
  const made = await ctl(app, 'POST', '/orgs', { credential });
  t.equal(made.statusCode, 201);
  const res = await ctl(app, 'GET', `/orgs/${encodeURIComponent(credential)}`);
  t.equal(res.statusCode, 200);
  t.same(res.json().credentials, [credential]);
});

t.test('creating an organization for a taken credential is a 409 and changes nothing', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'taken' });
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('used-by-vendor-call') });
  const before = digest(app);
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'taken' }), 409, 'CONFLICT', 'credential');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'used-by-vendor-call' }), 409, 'CONFLICT', 'credential');
  t.equal(digest(app), before);
});

t.test('bad organization input is a 400 naming the field, and creates nothing', async (t) => {
  const app = await build(t);
  const before = digest(app);
  isControlError(t, await ctl(app, 'POST', '/orgs', {}), 400, 'VALIDATION_ERROR', 'credential');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: '' }), 400, 'VALIDATION_ERROR', 'credential');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'has space' }), 400, 'VALIDATION_ERROR', 'credential');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 7 }), 400, 'VALIDATION_ERROR', 'credential');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'x', colour: 'red' }), 400, 'VALIDATION_ERROR');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'x', dataset: 'full' }), 400, 'VALIDATION_ERROR', /^dataset/);
  const badRef = structuredClone({ blueai: BS });
  badRef.blueai.deals[0]!.stage = 'no-such-stage';
  const e = isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'x', dataset: badRef }), 400, 'VALIDATION_ERROR', 'dataset/blueai/deals/0/stage');
  t.match(e.message, /no-such-stage/);
  const badType = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: '{"credential": "x", "dataset": {"blueai": {"members": 3}}}', headers: { 'content-type': 'application/json' } });
  isControlError(t, badType, 400, 'VALIDATION_ERROR', /^dataset/);
  isControlError(t, await app.inject({ method: 'POST', url: '/_mock/orgs', payload: '{"credential":', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR');
  t.equal(digest(app), before, 'nothing was stored');
  t.equal((await ctl(app, 'GET', '/orgs')).json().data.length, 0);
});

t.test('a dataset body over DATASET_MAX_BYTES is a 413 in the control envelope and creates nothing, whatever UPLOAD_LIMIT is', async (t) => {
  const app = await build(t, { datasetMaxBytes: 64 * 1024, uploadLimit: 20 * 1024 * 1024 });
  const before = digest(app);
  const body = JSON.stringify({ credential: 'too-big', dataset: { blueai: BS } });
  t.ok(body.length > 64 * 1024, `the seed's BlueAI half is ${body.length} bytes`);
  const res = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: body, headers: { 'content-type': 'application/json' } });
  isControlError(t, res, 413, 'PAYLOAD_TOO_LARGE');
  t.equal(digest(app), before, 'nothing was stored');
  t.equal((await ctl(app, 'GET', '/orgs')).json().data.length, 0);
  isControlError(t, await ctl(app, 'GET', '/orgs/too-big'), 404, 'NOT_FOUND');
  // Under the limit the same route takes a dataset.
  const small = { blueai: { ...BS, companies: [], contacts: [], deals: [], activities: [], tag_assignments: [] } };
  t.ok(JSON.stringify(small).length < 64 * 1024);
  t.equal((await ctl(app, 'POST', '/orgs', { credential: 'small', dataset: small })).statusCode, 201);
});

t.test('a large dataset with an invalid field in every deal is a 400 naming only the first deal', async (t) => {
  const app = await build(t);
  const before = digest(app);
  const deals = Array.from({ length: 10_000 }, (_, i) => ({ ...BS.deals[0]!, id: `deal_${i.toString(16).padStart(32, '0')}`, amount: 'lots' }));
  const res = await ctl(app, 'POST', '/orgs', { credential: 'many-bad', dataset: { blueai: { ...BS, deals } } });
  // `dataset` is a name or an object: one problem per form it could take, not one per deal.
  const e = isControlError(t, res, 400, 'VALIDATION_ERROR', 'dataset');
  t.equal(e.message, 'dataset must be string; dataset.blueai.deals.0.amount must be integer,null');
  t.equal(digest(app), before, 'nothing was stored');
});

t.test('past MAX_ORGS creating an organization is a 403', async (t) => {
  const app = await build(t, { maxOrgs: 1 });
  t.equal((await ctl(app, 'POST', '/orgs', { credential: 'one' })).statusCode, 201);
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'two' }), 403, 'FORBIDDEN');
  t.equal(app.tenants.orgCount(), 1);
});

t.test('dataset "empty" keeps users, pipelines, statuses and fields but no records', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'blank', dataset: 'empty' })).json();
  t.equal(org.dataset, 'empty');
  t.match(org.counts, { blueai: { members: BS.members.length, pipelines: BS.pipelines.length, deals: 0, contacts: 0, companies: 0 }, close: { leads: 0, custom_fields: CS.custom_fields.length } });
  const deals = await app.inject({ url: '/api/v1/crm/deals', headers: bearer('blank') });
  t.same(deals.json().items, []);
  const created = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('blank'), payload: { name: 'First' } });
  t.equal(created.statusCode, 201, 'a deal can be created at once (the default pipeline is there)');
  t.equal((await app.inject({ url: '/api/v1/lead/', headers: basic('blank') })).json().data.length, 0);
});

t.test('an organization made from a dataset holds exactly that data, and a reset returns to it', async (t) => {
  const app = await build(t);
  const kept = new Set(BS.deals.slice(0, 2).map((d) => d.id));
  const ds = { blueai: { ...BS, deals: BS.deals.slice(0, 2), activities: BS.activities.filter((a) => a.deal_id !== null && kept.has(a.deal_id)),
    tag_assignments: BS.tag_assignments!.filter((a) => a.resource_type !== 'deal' || kept.has(a.resource_id)) } };
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'custom', dataset: ds })).json();
  t.equal(org.dataset, 'custom');
  t.equal(count(app, 'blueai_deals', org.id), 2);
  t.equal(count(app, 'close_leads', org.id), 0, 'a vendor left out has no data');
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('custom'), payload: { ids: [ds.blueai.deals[0]!.id] } });
  t.equal(count(app, 'blueai_deals', org.id), 1);
  const reset = await ctl(app, 'POST', '/orgs/custom/reset');
  t.equal(reset.statusCode, 200);
  t.equal(count(app, 'blueai_deals', org.id), 2, 'back to its dataset, not the seed');
});

t.test('DELETE /_mock/orgs/{org} removes the organization and everything it owns', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'doomed' })).json();
  const keep = (await ctl(app, 'POST', '/orgs', { credential: 'kept' })).json();
  const kept = digest(app, keep.id);
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('doomed') });
  t.ok(app.orgDbs.peek(org.id), 'it has a database of its own');
  const res = await ctl(app, 'DELETE', '/orgs/doomed');
  t.equal(res.statusCode, 204);
  t.equal(res.body, '');
  t.equal(app.orgDbs.peek(org.id), undefined, 'its database is closed and gone');
  t.throws(() => app.tenants.db(org.id), /does not exist/, 'and cannot be made again');
  for (const table of ['blueai_deals', 'close_leads', 'close_custom_values', 'blueai_stages']) {
    t.equal(app.db.prepare(`SELECT count(*) FROM ${table} WHERE org_id = ?`).pluck().get(org.id), 0, `${table}: nothing in the process-wide database`);
  }
  t.equal(app.db.prepare(`SELECT count(*) FROM orgs WHERE id = ?`).pluck().get(org.id), 0);
  t.equal(app.db.prepare(`SELECT count(*) FROM credentials WHERE token = 'doomed'`).pluck().get(), 0);
  t.equal(digest(app, keep.id), kept, 'another organization is untouched');
  isControlError(t, await ctl(app, 'GET', '/orgs/doomed'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'DELETE', '/orgs/doomed'), 404, 'NOT_FOUND');
  const again = await app.inject({ url: '/api/v1/me/', headers: basic('doomed') });
  t.not(again.json().organizations[0].id, org.id, 'the credential makes a fresh organization next time');
});

t.test('unknown organizations are a 404 on every per-organization route', async (t) => {
  const app = await build(t);
  const routes: [('GET' | 'POST' | 'PUT' | 'DELETE'), string, unknown?][] = [
    ['GET', '/orgs/nobody'], ['DELETE', '/orgs/nobody'], ['POST', '/orgs/nobody/reset'], ['GET', '/orgs/nobody/snapshot'],
    ['PUT', '/orgs/nobody/snapshot', {}], ['GET', '/orgs/nobody/clock'], ['PUT', '/orgs/nobody/clock', { frozen: true }],
    ['POST', '/orgs/nobody/clock/advance', { by: '1d' }], ['DELETE', '/orgs/nobody/clock'], ['GET', '/orgs/nobody/rate-limit'],
    ['PUT', '/orgs/nobody/rate-limit', { limit: 1 }], ['DELETE', '/orgs/nobody/rate-limit'], ['GET', '/orgs/orga_template'],
  ];
  for (const [method, url, payload] of routes) isControlError(t, await ctl(app, method, url, payload), 404, 'NOT_FOUND');
  t.equal(app.tenants.orgCount(), 0, 'no organization was created by asking');
});

t.test('resetting one organization restores the seed, keeps id and credentials, and stops its jobs; others are untouched', async (t) => {
  const app = await build(t);
  const a = (await ctl(app, 'POST', '/orgs', { credential: 'suite-a' })).json();
  const b = (await ctl(app, 'POST', '/orgs', { credential: 'suite-b' })).json();
  const pristine = JSON.stringify((await ctl(app, 'GET', '/orgs/suite-b/snapshot')).json().blueai);
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('suite-b'), payload: { ids: [SEED_IDS.deal2] } });
  const bState = digest(app, b.id);

  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('suite-a'), payload: { ids: [SEED_IDS.deal1] } });
  await app.inject({ method: 'PUT', url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: basic('suite-a'), payload: { name: 'Renamed' } });
  const edit = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('suite-a'),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(CLOSE.acmeCorp) },
  });
  t.equal(edit.statusCode, 200);
  await ctl(app, 'POST', `/jobs/${edit.json().id}/run`);
  t.equal((await ctl(app, 'GET', '/outbox?org=suite-a')).json().data.length, 1);
  await ctl(app, 'POST', '/orgs/suite-a/clock/advance', { by: '3d' });
  await ctl(app, 'PUT', '/orgs/suite-a/rate-limit', { limit: 5 });
  const pending = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('suite-a'),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(CLOSE.acmeInc) },
  });

  const res = await ctl(app, 'POST', '/orgs/suite-a/reset');
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: a.id, credentials: ['suite-a'], clock: { source: 'default' }, rate_limit: { limit: 0, source: 'default' } });
  t.same(res.json().counts, seedCounts);
  t.equal(JSON.stringify((await ctl(app, 'GET', '/orgs/suite-a/snapshot')).json().blueai), pristine, 'BlueAI data equals a fresh copy of the seed');
  t.equal((await app.inject({ url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: basic('suite-a') })).json().name, CS.leads.find((l) => l.id === CLOSE.acmeInc)!.name);
  t.equal(count(app, 'close_bulk_actions', a.id), 0, 'its jobs are gone');
  isControlError(t, await ctl(app, 'GET', `/jobs/${pending.json().id}`), 404, 'NOT_FOUND');
  t.same((await ctl(app, 'GET', '/outbox?org=suite-a')).json().data, [], 'its outbox is cleared');
  t.equal(digest(app, b.id), bState, 'the other organization kept its own changes');
});

t.test('POST /_mock/reset brings everything back to a fresh start', async (t) => {
  const app = await build(t, { freezeAt: Date.parse('2026-03-01T00:00:00Z') });
  await ctl(app, 'POST', '/orgs', { credential: 'one' });
  await app.inject({ url: '/api/v1/crm/members', headers: bearer('two') });
  await ctl(app, 'POST', '/clock/advance', { by: '30d' });
  await ctl(app, 'PUT', '/ticker', { running: true, tick_ms: 5000, batch_size: 7 });
  const built = app.orgDbs.stats().built;
  const res = await ctl(app, 'POST', '/reset');
  t.equal(res.statusCode, 204);
  t.same((await ctl(app, 'GET', '/orgs')).json().data, []);
  t.equal(app.db.prepare(`SELECT count(*) FROM credentials`).pluck().get(), 0);
  t.equal(app.orgDbs.stats().open, 0, 'no organization database stays open');
  t.ok(app.orgDbs.stats().images >= 1, 'the seed image stays');
  t.equal((await app.inject({ url: '/api/v1/crm/deals?limit=1', headers: bearer('three') })).json().total, BS.deals.length, 'a new organization has the seed');
  t.equal(app.orgDbs.stats().built, built, 'from the same image: nothing rebuilt');
  t.same((await ctl(app, 'GET', '/clock')).json(), { now: '2026-03-01T00:00:00.000Z', frozen: true, source: 'default' }, 'the default clock restarts at FREEZE_AT');
  t.same((await ctl(app, 'GET', '/ticker')).json(), { running: false, tick_ms: 0, batch_size: 100 }, 'the ticker is back to its settings');
  t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('one') })).statusCode, 200, 'a credential starts a fresh organization');
});

t.test('GET /_mock/orgs?counts=false lists the organizations without their row counts; counts=true or none has them; a bad value is a 400', async (t) => {
  const app = await build(t, { freezeAt: Date.parse('2026-03-01T09:00:00Z') }); // the clock in each answer stays put
  const made = (await ctl(app, 'POST', '/orgs', { credential: 'brief-a' })).json();
  const full = (await ctl(app, 'GET', '/orgs')).json().data;
  t.same(full, [made], 'by default, as each organization answers');
  t.same((await ctl(app, 'GET', '/orgs?counts=true')).json().data, full);
  const brief = await ctl(app, 'GET', '/orgs?counts=false');
  t.equal(brief.statusCode, 200);
  const { counts, ...rest } = made;
  t.ok(counts && Object.keys(counts).length > 0, 'an organization has counts');
  t.same(brief.json().data, [rest], 'the same, but the counts');
  t.same(Object.keys(brief.json().data[0]), Object.keys(rest), 'in the same key order');
  t.equal(app.tenants.list().length, 1, 'reading changed nothing');
  isControlError(t, await ctl(app, 'GET', '/orgs?counts=maybe'), 400, 'VALIDATION_ERROR', 'counts');
  isControlError(t, await ctl(app, 'GET', '/orgs?count=false'), 400, 'VALIDATION_ERROR');
});
