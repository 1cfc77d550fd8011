import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, bearer, count, multipart, seed, SEED_IDS, shareApps } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl, digest, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const BLUEAI_READS = [
  '/api/v1/crm/deals?limit=100', '/api/v1/crm/deals?limit=100&page=2', '/api/v1/crm/contacts?limit=100', '/api/v1/crm/companies?limit=100',
  '/api/v1/crm/pipelines', '/api/v1/crm/members', `/api/v1/crm/deals/${SEED_IDS.deal1}/activities`, '/api/v1/crm/activities?limit=200',
  '/api/v1/crm/tags', `/api/v1/crm/deals?tag_id=${seed.blueai.tags![0]!.id}&limit=200`,
  '/api/v1/crm/bulk/deals/export', '/api/v1/crm/bulk/contacts/export', '/api/v1/crm/bulk/companies/export',
];
const CLOSE_READS = [
  '/api/v1/lead/?_limit=100', '/api/v1/lead/?_limit=100&_skip=100', '/api/v1/contact/?_limit=100', '/api/v1/opportunity/?_limit=100',
  '/api/v1/activity/?_limit=100', '/api/v1/custom_object/?_limit=100', '/api/v1/status/lead/', '/api/v1/status/opportunity/',
  '/api/v1/custom_field/lead/', '/api/v1/custom_field/shared/', '/api/v1/custom_field_schema/lead/', '/api/v1/custom_activity/',
  '/api/v1/bulk_action/edit/', '/api/v1/me/',
  '/api/v1/activity/status_change/lead/', '/api/v1/activity/status_change/opportunity/', '/api/v1/activity/task_completed/',
  '/api/v1/activity/created/', '/api/v1/activity/email/', '/api/v1/activity/emailthread/',
];

/** Every read above, as the bytes the vendor APIs answer; `orgId`, if given, is written as orga_X. */
async function answers(app: FastifyInstance, credential: string, orgId?: string): Promise<string[]> {
  const out: string[] = [];
  for (const url of [...BLUEAI_READS, ...CLOSE_READS]) {
    const res = await app.inject({ url, headers: url.includes('/crm/') ? bearer(credential) : basic(credential) });
    t.equal(res.statusCode, 200, url);
    out.push(`${url}\n${orgId ? res.body.replaceAll(orgId, 'orga_X') : res.body}`);
  }
  return out;
}

/** Changes through both vendor APIs, including a bulk edit left mid-flight. */
async function change(app: FastifyInstance, credential: string, tag: string) {
  const b = bearer(credential);
  const c = basic(credential);
  const deal = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: b, payload: { name: `Deal ${tag}`, amount: 1200 } });
  t.equal(deal.statusCode, 201);
  await app.inject({ method: 'POST', url: `/api/v1/crm/deals/${SEED_IDS.deal2}/stage`, headers: b, payload: { stage: 'closed_won' } });
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: b, payload: { ids: [SEED_IDS.deal3], assigned_member_id: SEED_IDS.member } });
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/crm/activities', headers: b, payload: { type: 'call', content: `Call ${tag}`, contact_id: SEED_IDS.contact } })).statusCode, 201);
  const newTag = await app.inject({ method: 'POST', url: '/api/v1/crm/tags', headers: b, payload: { name: `Tag ${tag}`, color: '#123456' } });
  t.equal(newTag.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/crm/tag-assignments', headers: b, payload: { tag_id: newTag.json().tag.id, resource_type: 'deal', resource_id: SEED_IDS.deal1 } })).statusCode, 201);
  const { payload, headers } = multipart([{ name: 'file', filename: 'c.csv', content: `first_name,last_name,email,phone,position,company_id,note\r\n${tag},Snap,,,,,\r\n` }]);
  t.equal((await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...b, ...headers }, payload })).statusCode, 200);
  const lead = await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: c, payload: { name: `Lead ${tag}`, [`custom.${CLOSE.field.industry}`]: 'Software' } });
  t.equal(lead.statusCode, 200);
  await app.inject({ method: 'PUT', url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: c, payload: { description: `changed ${tag}` } });
  const edit = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: c,
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, s_query: leadsQuery(...seed.close!.leads.slice(0, 5).map((l) => l.id)) },
  });
  t.equal(edit.statusCode, 200);
  await ctl(app, 'POST', `/jobs/${edit.json().id}/step`, { ticks: 3 });
  return edit.json().id as string;
}

t.test('snapshot then restore gives byte-identical vendor answers and exports, a bulk edit mid-flight included', async (t) => {
  const app = await build(t, { batchSize: 2 });
  await ctl(app, 'POST', '/orgs', { credential: 'snap' });
  const jobId = await change(app, 'snap', 'one');
  t.match((await ctl(app, 'GET', `/jobs/${jobId}`)).json(), { status: 'processing', items_done: 2 });
  const before = await answers(app, 'snap');
  const snap = await ctl(app, 'GET', '/orgs/snap/snapshot');
  t.equal(snap.statusCode, 200);
  t.same(snap.json().credentials, [{ token: 'snap' }]);
  t.equal(snap.json().close.bulk_edits.length, 1);

  await change(app, 'snap', 'two');
  t.not((await answers(app, 'snap')).join(), before.join(), 'the second change is visible');
  const restored = await ctl(app, 'PUT', '/orgs/snap/snapshot', snap.json());
  t.equal(restored.statusCode, 200);
  t.same(await answers(app, 'snap'), before, 'every answer is the same bytes');

  const done = (await ctl(app, 'POST', `/jobs/${jobId}/run`)).json();
  t.match(done, { status: 'done', n_leads_processed: 5, items_done: 5 }, 'the restored job carries on where it was');
});

t.test('a snapshot restored into another organization gives it the same answers but its own id', async (t) => {
  const app = await build(t);
  const source = (await ctl(app, 'POST', '/orgs', { credential: 'source' })).json();
  await change(app, 'source', 'x');
  const copy = await ctl(app, 'POST', '/orgs', { credential: 'copy', dataset: 'empty' });
  const snap = (await ctl(app, 'GET', '/orgs/source/snapshot')).json();
  t.equal((await ctl(app, 'PUT', '/orgs/copy/snapshot', snap)).statusCode, 200);
  t.same(await answers(app, 'copy', copy.json().id), await answers(app, 'source', source.id));
  t.same((await ctl(app, 'GET', '/orgs/copy')).json().credentials, ['copy'], 'the organization keeps its own credentials');
  t.equal(copy.json().dataset, 'empty');
});

t.test('restoring an invalid dataset is a 400 naming the path inside it, and changes nothing', async (t) => {
  const app = await build(t);
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'guarded' })).json();
  const good = (await ctl(app, 'GET', '/orgs/guarded/snapshot')).json();
  const before = digest(app, org.id);
  const cases: [unknown, RegExp][] = [
    [{ ...good, blueai: { ...good.blueai, deals: [{ ...good.blueai.deals[0], amount: 'lots' }] } }, /^blueai\.deals\.0\.amount$/],
    [{ ...good, blueai: { ...good.blueai, deals: [{ ...good.blueai.deals[0], pipeline_id: 'pipe_nope' }] } }, /^dataset\/blueai\/deals\/0\/pipeline_id$/],
    [{ ...good, close: { ...good.close, leads: [{ ...good.close.leads[0], status_id: 'stat_nope' }] } }, /^dataset\/close\/leads\/0\/status_id$/],
    [{ ...good, close: { ...good.close, leads: [good.close.leads[0], good.close.leads[0]] } }, /^dataset\/close\/leads\/1/],
    [{ ...good, blueai: { ...good.blueai, members: [{ ...good.blueai.members[0], id: 'usr_short' }] } }, /^dataset\/blueai\/members\/0\/id$/],
    // A custom field of a type or kind the API does not have (`constructor` was a 500 on each later query or write that met it).
    [{ ...good, close: { ...good.close, custom_fields: [{ ...good.close.custom_fields[0], type: 'constructor' }] } }, /^close\.custom_fields\.0\.type$/],
    [{ ...good, close: { ...good.close, custom_fields: [{ ...good.close.custom_fields[0], object_type: 'toString' }] } }, /^close\.custom_fields\.0\.object_type$/],
    [{ ...good, extra: true }, /./],
    [[1, 2], /./],
  ];
  for (const [body, field] of cases) isControlError(t, await ctl(app, 'PUT', '/orgs/guarded/snapshot', body), 400, 'VALIDATION_ERROR', field);
  t.equal(digest(app, org.id), before, 'nothing changed');
  t.equal(count(app, 'blueai_deals', org.id), seed.blueai.deals.length);
});

t.test('restoring a dataset over DATASET_MAX_BYTES is a 413 in the control envelope, and changes nothing', async (t) => {
  const app = await build(t, { datasetMaxBytes: 64 * 1024 });
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'capped' })).json();
  const good = (await ctl(app, 'GET', '/orgs/capped/snapshot')).json();
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('capped'), payload: { ids: [SEED_IDS.deal1] } });
  const before = digest(app, org.id);
  const res = await ctl(app, 'PUT', '/orgs/capped/snapshot', good);
  isControlError(t, res, 413, 'PAYLOAD_TOO_LARGE');
  t.equal(digest(app, org.id), before, 'nothing changed');
  t.equal(count(app, 'blueai_deals', org.id), seed.blueai.deals.length - 1, 'the deleted deal stays deleted');
});
