import t from 'tap';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { ACME_QUERY, basic, CLOSE, leadsQuery } from './seed-ids.js';
import { createEdit, editCount, EDIT_URL, getEdit, leadStatus, runToEnd } from './bulk-helper.js';
import { bulkEditActionKeys, contractErrors } from './contract.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The seed documentation's Python example payload, verbatim.
const EXAMPLE = {
  lead_status_id: 'stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8',
  results_limit: null,
  s_query: ACME_QUERY,
  sort: [{ direction: 'desc', field: { field_name: 'date_created', object_type: 'lead', type: 'regular_field' } }],
  type: 'set_lead_status',
};

t.test("the documentation's example creates a job that reaches done and sets the status of exactly the matching leads", async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-key');
  app.clock.set(new Date('2026-11-20T10:00:00.123Z'), true);
  const before = app.tenants.db(org).prepare(`SELECT id, status_id FROM close_leads WHERE org_id = ? ORDER BY id`).all(org) as { id: string; status_id: string }[];
  const res = await createEdit(app, EXAMPLE);
  t.equal(res.statusCode, 200);
  const created = res.json();
  t.equal(contractErrors(created), null, 'a valid BulkEditAction');
  t.same(Object.keys(created).sort(), [...bulkEditActionKeys].sort(), 'every key of the schema, nothing else');
  t.match(created, {
    id: /^bulkedit_[0-9A-Za-z]{43}$/, type: 'set_lead_status', status: 'created', organization_id: org,
    created_by: CLOSE.user, updated_by: CLOSE.user, date_created: '2026-11-20T10:00:00.123000+00:00',
    lead_status_id: EXAMPLE.lead_status_id, custom_field_name: null, custom_field_value: null,
    n_leads: null, n_objects: null, n_leads_processed: 0, n_objects_processed: 0,
    query: null, results_limit: null, send_done_email: true,
  });
  t.same(created.s_query, ACME_QUERY);
  t.same(created.sort, EXAMPLE.sort);
  t.equal(editCount(app), 1);

  const statuses = await runToEnd(app, created.id);
  t.same(statuses, ['loading', 'processing', 'done']);
  const done = await getEdit(app, created.id);
  t.match(done, { status: 'done', n_leads: 2, n_objects: 2, n_leads_processed: 2, n_objects_processed: 2 });
  const after = app.tenants.db(org).prepare(`SELECT id, status_id FROM close_leads WHERE org_id = ? ORDER BY id`).all(org) as { id: string; status_id: string }[];
  const changed = after.filter((l, i) => l.status_id !== before[i]!.status_id).map((l) => l.id).sort();
  t.same(changed, [CLOSE.acmeInc, CLOSE.incAcmeHoldings].sort(), 'exactly the two matching leads changed');
  t.equal(leadStatus(app, CLOSE.acmeInc), CLOSE.status.qualified);
  t.not(leadStatus(app, CLOSE.acmeCorp), CLOSE.status.qualified, 'ACMECorp is not a full-word match');
  const outbox = app.tenants.db(org).prepare(`SELECT * FROM close_outbox WHERE org_id = ?`).all(org) as { kind: string; recipient: string; ref_id: string }[];
  t.equal(outbox.length, 1, 'one done email');
  t.match(outbox[0], { kind: 'bulk_edit_done', recipient: 'kenta.sato@acme-demo.example.com', ref_id: created.id });
});

t.test('the lifecycle is visible while polling, and counters climb batch by batch', async (t) => {
  const app = await build(t, { batchSize: 1 });
  const ids = seed.close!.leads.slice(0, 3).map((l) => l.id);
  const { id } = (await createEdit(app, { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...ids), send_done_email: false })).json();
  const seen: [string, number | null, number][] = [];
  for (let i = 0; i < 6; i++) {
    app.closeJobs.tick();
    const e = await getEdit(app, id);
    seen.push([e.status, e.n_leads, e.n_leads_processed]);
  }
  t.same(seen, [['loading', null, 0], ['processing', 3, 0], ['processing', 3, 1], ['processing', 3, 2], ['done', 3, 3], ['done', 3, 3]]);
  t.equal(app.tenants.list().reduce((sum, o) => sum + (app.tenants.db(o.id).prepare(`SELECT count(*) FROM close_outbox`).pluck().get() as number), 0), 0, 'send_done_email false sends nothing');
});

t.test('results_limit and sort freeze the first N leads of the sorted match', async (t) => {
  const app = await build(t);
  // Text sorts case-insensitively (ASCII case folding, as SQLite's lower()), ties by id.
  const key = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const byName = [...seed.close!.leads].filter((l) => l.name).sort((a, b) => (key(a.name!) < key(b.name!) ? -1 : key(a.name!) > key(b.name!) ? 1 : a.id < b.id ? -1 : 1));
  const { id } = (await createEdit(app, {
    type: 'set_lead_status', lead_status_id: CLOSE.status.customer, results_limit: 5,
    s_query: leadsQuery(...byName.map((l) => l.id)),
    sort: [{ direction: 'asc', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }],
  })).json();
  await runToEnd(app, id);
  t.match(await getEdit(app, id), { n_leads: 5, n_objects: 5, results_limit: 5 });
  const items = app.tenants.db(app.tenants.get('close-key').id).prepare(`SELECT lead_id FROM close_bulk_action_items WHERE bulk_action_id = ? ORDER BY seq`).pluck().all(id);
  t.same(items, byName.slice(0, 5).map((l) => l.id));
});

t.test('listing bulk edits: newest first, _skip/_limit paging with has_more, _fields trims', async (t) => {
  const app = await build(t);
  app.clock.set(new Date('2026-01-01T00:00:00Z'), true);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push((await createEdit(app, { ...EXAMPLE, send_done_email: false })).json().id);
    if (i === 0) app.clock.advance(1000); // the last two share a timestamp: creation order breaks the tie
  }
  const list = await app.inject({ url: EDIT_URL, headers: basic() });
  t.equal(list.statusCode, 200);
  t.same(list.json().data.map((e: { id: string }) => e.id), [ids[2], ids[1], ids[0]]);
  t.equal(list.json().has_more, false);
  const paged = (await app.inject({ url: `${EDIT_URL}?_skip=1&_limit=1`, headers: basic() })).json();
  t.same(paged.data.map((e: { id: string }) => e.id), [ids[1]]);
  t.equal(paged.has_more, true);
  const trimmed = (await app.inject({ url: `${EDIT_URL}?_fields=id,status,n_leads`, headers: basic() })).json();
  t.same(trimmed.data[0], { id: ids[2], status: 'created', n_leads: null });
  const one = await app.inject({ url: `${EDIT_URL}${ids[0]}/?_fields=type,sort`, headers: basic() });
  t.same(one.json(), { type: 'set_lead_status', sort: EXAMPLE.sort });
  const other = (await app.inject({ url: EDIT_URL, headers: basic('another-key') })).json();
  t.same(other, { data: [], has_more: false }, "another organization's list is empty");
  const tooMany = await app.inject({ url: `${EDIT_URL}?_limit=101`, headers: basic() });
  t.equal(tooMany.statusCode, 400);
  t.same(Object.keys(tooMany.json()['field-errors']), ['_limit']);
});

t.test('unknown bulk edit ids, and ids of another organization, are 404 in Close shape', async (t) => {
  const app = await build(t);
  const { id } = (await createEdit(app, EXAMPLE, 'owner-key')).json();
  for (const [key, target] of [['close-key', id], ['owner-key', 'bulkedit_doesnotexist']]) {
    const res = await app.inject({ url: `${EDIT_URL}${target}/`, headers: basic(key) });
    t.equal(res.statusCode, 404);
    t.same(Object.keys(res.json()), ['error']);
    t.type(res.json().error, 'string');
    const put = await app.inject({ method: 'PUT', url: `${EDIT_URL}${target}/`, headers: basic(key), payload: { status: 'paused' } });
    t.equal(put.statusCode, 404);
  }
});

t.test('credentials: Basic with the key or Bearer work; none or malformed → 401 {"error":"Unauthorized"}', async (t) => {
  const app = await build(t);
  const bearer = await app.inject({ url: EDIT_URL, headers: { authorization: 'Bearer close-key' } });
  t.equal(bearer.statusCode, 200);
  for (const headers of [{}, { authorization: 'Basic' }, { authorization: 'Basic ' + Buffer.from(':secret').toString('base64') }, { authorization: 'Token abc' }]) {
    const res = await app.inject({ method: 'POST', url: EDIT_URL, headers, payload: EXAMPLE });
    t.equal(res.statusCode, 401, JSON.stringify(headers));
    t.same(res.json(), { error: 'Unauthorized' });
  }
  t.equal(app.tenants.orgCount(), 1, 'no organization was created by the rejected requests');
});

t.test('invalid JSON is a 400 with Close’s exact message and creates nothing', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: EDIT_URL, headers: { ...basic(), 'content-type': 'application/json' }, payload: '{"type": "set_lead_status",' });
  t.equal(res.statusCode, 400);
  t.same(res.json(), { error: 'The request contains invalid JSON.' });
  t.equal(editCount(app), 0);
});

t.test('repeated slashes, as the official Python client sends them, are collapsed', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: '/api/v1//bulk_action//edit//', headers: basic(), payload: EXAMPLE });
  t.equal(res.statusCode, 200);
  t.equal((await app.inject({ url: '/api/v1//bulk_action/edit//', headers: basic() })).json().data.length, 1);
});

t.test('GET /me/ answers for the key with its organization', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/api/v1/me/', headers: basic() });
  t.equal(res.statusCode, 200);
  t.match(res.json(), { id: CLOSE.user, email: 'kenta.sato@acme-demo.example.com', organizations: [{ id: orgOf(app, 'close-key'), name: 'Acme Demo Org' }] });
});

t.test('Close routes that are not emulated answer 404 in Close shape', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/api/v1/export/', headers: basic() });
  t.equal(res.statusCode, 404);
  t.match(res.json(), { error: /not emulated/ });
});
