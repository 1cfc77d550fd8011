import t from 'tap';
import { build, bearer, orgOf, row, count, snapshot, SEED_IDS, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const update = '/api/v1/crm/bulk/deals/update';
const del = '/api/v1/crm/bulk/deals/delete';
const { deal1, deal2, deal3, member } = SEED_IDS;
const missing = 'deal_00000000000000000000000000000000';

t.test("the documentation's update example moves three deals to proposal and assigns the member", async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: { ids: [deal1, deal2, deal3], stage: 'proposal', assigned_member_id: member } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 3, errors: [] });
  for (const id of [deal1, deal2, deal3]) {
    const stored = row(app, 'blueai_deals', org, id);
    t.equal(stored?.stage, 'proposal');
    t.equal(stored?.assigned_member_id, member);
    t.equal(count(app, 'blueai_activities', org, `deal_id = ? AND type = 'note' AND created_by IS NULL AND content LIKE 'ステージ変更: % → proposal'`, id), 1, 'the stage change, as a note');
  }
});

t.test('bulk update reports unknown ids and ids of another organization as item errors and applies the rest', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const other = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('other-org'), payload: { name: 'theirs' } });
  const theirs = other.json().id as string;
  const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: { ids: [deal1, missing, theirs], assigned_member_id: member } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 1, errors: [`${missing}: not found`, `${theirs}: not found`] });
  t.equal(row(app, 'blueai_deals', org, deal1)?.assigned_member_id, member);
  t.equal(row(app, 'blueai_deals', orgOf(app, 'other-org'), theirs)?.assigned_member_id, null, "the other organization's deal is untouched");
});

t.test("a stage that exists but not in a deal's pipeline is an item error for that deal only", async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const partner = app.tenants.db(org).prepare(`SELECT d.id FROM blueai_deals d JOIN blueai_pipelines p ON p.org_id = d.org_id AND p.id = d.pipeline_id WHERE d.org_id = ? AND p.is_default = 0 LIMIT 1`).pluck().get(org) as string;
  const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: { ids: [partner, deal2], stage: 'proposal' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().processed, 1);
  t.equal(res.json().errors.length, 1);
  t.match(res.json().errors[0], new RegExp(`^${partner}: stage "proposal" is not a stage of its pipeline`));
  t.not(row(app, 'blueai_deals', org, partner)?.stage, 'proposal');
  t.equal(row(app, 'blueai_deals', org, deal2)?.stage, 'proposal');
});

t.test('repeated ids count once', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: { ids: [deal1, deal1, deal1], stage: 'negotiation' } });
  t.same(res.json(), { processed: 1, errors: [] });
  t.equal(count(app, 'blueai_activities', orgOf(app), `deal_id = ? AND type = 'note' AND created_by IS NULL AND content LIKE 'ステージ変更: % → negotiation'`, deal1), 1, 'one stage change recorded');
});

t.test('assigned_member_id null unassigns the deals', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: { ids: [deal1], assigned_member_id: null } });
  t.same(res.json(), { processed: 1, errors: [] });
  t.equal(row(app, 'blueai_deals', orgOf(app), deal1)?.assigned_member_id, null);
});

t.test('request-level problems are a 400 in the envelope and change nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_deals', org);
  const ids101 = Array.from({ length: 101 }, (_, i) => `deal_${i.toString(16).padStart(32, '0')}`);
  const cases: [string, unknown, string][] = [
    ['no ids', { stage: 'proposal' }, 'ids'],
    ['empty ids', { ids: [], stage: 'proposal' }, 'ids'],
    ['101 ids', { ids: ids101, stage: 'proposal' }, 'ids'],
    ['ids not an array', { ids: deal1, stage: 'proposal' }, 'ids'],
    ['neither stage nor member', { ids: [deal1] }, 'stage'],
    ['a stage of no pipeline', { ids: [deal1], stage: 'won' }, 'stage'],
    ['an unknown member', { ids: [deal1], assigned_member_id: 'usr_00000000000000000000000000000000' }, 'assigned_member_id'],
  ];
  for (const [name, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url: update, headers: bearer(), payload: payload as object });
    t.equal(res.statusCode, 400, name);
    t.equal(res.json().error.code, 'VALIDATION_ERROR', name);
    t.ok(res.json().error.details.fields?.[field], `${name}: names ${field} in ${JSON.stringify(res.json().error.details)}`);
  }
  const malformed = await app.inject({ method: 'POST', url: update, headers: { ...bearer(), 'content-type': 'application/json' }, payload: '{"ids": [' });
  t.equal(malformed.statusCode, 400);
  t.equal(malformed.json().error.code, 'VALIDATION_ERROR');
  const noBody = await app.inject({ method: 'POST', url: update, headers: bearer() });
  t.equal(noBody.statusCode, 400);
  const text = await app.inject({ method: 'POST', url: update, headers: { ...bearer(), 'content-type': 'text/plain' }, payload: 'ids=1' });
  t.equal(text.statusCode, 400);
  t.equal(text.json().error.code, 'VALIDATION_ERROR');
  t.equal(snapshot(app, 'blueai_deals', org), before);
});

t.test('requests without a credential get 401 in the envelope', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: update, payload: { ids: [deal1], stage: 'proposal' } });
  t.equal(res.statusCode, 401);
  t.equal(res.json().error.code, 'UNAUTHORIZED');
  t.type(res.json().error.details, 'object');
});

t.test('bulk delete removes the deals with their activities and reports missing ids', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const res = await app.inject({ method: 'POST', url: del, headers: bearer(), payload: { ids: [deal1, deal2, missing, deal1] } });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 2, errors: [`${missing}: not found`] });
  t.equal(row(app, 'blueai_deals', org, deal1), undefined);
  t.equal(row(app, 'blueai_deals', org, deal2), undefined);
  t.equal(count(app, 'blueai_deals', org), 198);
  t.equal(count(app, 'blueai_activities', org, 'deal_id IN (?, ?)', deal1, deal2), 0);
  t.ok(row(app, 'blueai_deals', org, deal3), 'others stay');
});

t.test('bulk delete removes the deals\' tag assignments and activities, and no other record\'s', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = (await app.inject({ method: 'POST', url: '/api/v1/crm/tags', headers: bearer(), payload: { name: '一括削除', color: '#112233' } })).json().tag;
  for (const [resource_type, resource_id] of [['deal', deal1], ['deal', deal2], ['deal', deal3], ['contact', SEED_IDS.contact]]) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/crm/tag-assignments', headers: bearer(), payload: { tag_id: tag.id, resource_type, resource_id } });
    t.equal(res.statusCode, 201);
  }
  const note = await app.inject({ method: 'POST', url: '/api/v1/crm/activities', headers: bearer(), payload: { type: 'note', content: 'x', deal_id: deal1 } });
  t.equal(note.statusCode, 201);
  const deal3Activities = count(app, 'blueai_activities', org, 'deal_id = ?', deal3);
  const res = await app.inject({ method: 'POST', url: del, headers: bearer(), payload: { ids: [deal1, deal2] } });
  t.same(res.json(), { processed: 2, errors: [] });
  t.equal(count(app, 'blueai_tag_assignments', org, `resource_type = 'deal' AND resource_id IN (?, ?)`, deal1, deal2), 0, 'their assignments are gone');
  t.equal(count(app, 'blueai_tag_assignments', org, 'tag_id = ?', tag.id), 2, "deal3's and the contact's stay");
  t.equal(row(app, 'blueai_activities', org, note.json().id), undefined, 'the activity created on deal1 is gone');
  t.equal(count(app, 'blueai_activities', org, 'deal_id = ?', deal3), deal3Activities, "deal3's activities stay");
});

t.test('bulk delete with no ids or more than 100 is rejected and deletes nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  for (const payload of [{}, { ids: [] }, { ids: Array.from({ length: 101 }, () => deal1) }]) {
    const res = await app.inject({ method: 'POST', url: del, headers: bearer(), payload });
    t.equal(res.statusCode, 400);
    t.equal(res.json().error.code, 'VALIDATION_ERROR');
  }
  t.equal(count(app, 'blueai_deals', org), 200);
});
