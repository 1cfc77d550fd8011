import t from 'tap';
import { build, bearer, orgOf, count, snapshot, seed, SEED_IDS } from '../helper.js';
import { migrate, openDatabase } from '../../src/core/db.js';
import { MIGRATIONS } from '../../src/migrations.js';
import { addFault } from '../control/fault-helper.js';
import { ctl } from '../control/helper.js';
import { exportCrmSeed } from '../../src/blueai/seed-crm.js';

// Activities, tags and assignments go through the same machinery as every BlueAI route: the migration
// that reshaped activities, datasets in the older activity shape, fault rules, rate limits, the journal.

t.test('blueai migration 3 turns old activities into notes, calls, emails and meetings with content and created_by', async (t) => {
  const upTo2 = MIGRATIONS.map((s) => (s.owner === 'blueai' ? { ...s, migrations: s.migrations.filter((m) => m.version <= 2) } : s));
  const db = openDatabase(':memory:', upTo2);
  t.teardown(() => db.close());
  db.exec(`INSERT INTO orgs (id, name, created_at) VALUES ('orga_1', 'Org', '2026-01-01T00:00:00Z')`);
  db.exec(`INSERT INTO blueai_activities (org_id, id, deal_id, type, subject, body, member_id, created_at) VALUES
    ('orga_1', 'act_1', 'deal_1', 'call', '電話', '折り返し希望', 'usr_1', '2025-01-01T00:00:00.000Z'),
    ('orga_1', 'act_2', 'deal_1', 'stage_change', 'ステージ変更: lead → proposal', NULL, NULL, '2025-01-02T00:00:00.000Z')`);
  migrate(db, MIGRATIONS);
  t.same(db.prepare(`SELECT * FROM blueai_activities ORDER BY id`).all(), [
    { org_id: 'orga_1', id: 'act_1', type: 'call', content: '電話\n折り返し希望', deal_id: 'deal_1', contact_id: null, created_by: 'usr_1', created_at: '2025-01-01T00:00:00.000Z' },
    { org_id: 'orga_1', id: 'act_2', type: 'note', content: 'ステージ変更: lead → proposal', deal_id: 'deal_1', contact_id: null, created_by: null, created_at: '2025-01-02T00:00:00.000Z' },
  ]);
  t.same(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'blueai_tag%' ORDER BY name`).pluck().all(), ['blueai_tag_assignments', 'blueai_tags']);
});

t.test('a dataset whose activities have the older shape (subject, body, member_id) loads as today\'s', async (t) => {
  const app = await build(t);
  const deal = seed.blueai.deals[0]!;
  const legacy = [
    { id: 'act_0000000000000000000000000000000a', deal_id: deal.id, type: 'stage_change', subject: 'ステージ変更', body: null, member_id: null, created_at: '2025-01-01T00:00:00.000Z' },
    { id: 'act_0000000000000000000000000000000b', deal_id: deal.id, type: 'email', subject: '件名', body: '本文', member_id: SEED_IDS.member, created_at: '2025-01-02T00:00:00.000Z' },
  ];
  const res = await ctl(app, 'POST', '/orgs', { credential: 'legacy', dataset: { blueai: { ...seed.blueai, activities: legacy, tags: [], tag_assignments: [] } } });
  t.equal(res.statusCode, 201, res.body);
  const list = (await app.inject({ url: '/api/v1/crm/activities', headers: bearer('legacy') })).json();
  t.same(list.items.map((a: Record<string, unknown>) => [a.type, a.content, a.deal_id, a.contact_id, a.created_by]), [
    ['email', '件名\n本文', deal.id, null, SEED_IDS.member],
    ['note', 'ステージ変更', deal.id, null, null],
  ]);
  // (GET …/snapshot of a dataset without Close fails its own response schema — close.users minItems — so the export is read directly.)
  const org = app.tenants.resolve('legacy').id;
  t.same(exportCrmSeed(app.tenants.db(org), org).activities[1], { id: legacy[1]!.id, type: 'email', content: '件名\n本文', deal_id: deal.id, contact_id: null, created_by: SEED_IDS.member, created_at: legacy[1]!.created_at }, 'snapshots use today\'s shape');
});

t.test('a dataset with a dangling activity, a duplicate tag name or a dangling assignment is a 400 naming it', async (t) => {
  const app = await build(t);
  const tag = seed.blueai.tags![0]!;
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ activities: [{ ...seed.blueai.activities[0]!, deal_id: null, contact_id: null }] }, /activities\/0: an activity needs a deal_id or a contact_id/],
    [{ activities: [{ ...seed.blueai.activities[0]!, deal_id: null, contact_id: 'cont_00000000000000000000000000000000' }] }, /activities\/0\/contact_id: unknown contact/],
    [{ tags: [tag, { ...tag, id: 'tag_00000000000000000000000000000000', name: tag.name.toLowerCase() + '' }] }, /tags\/1\/name/],
    [{ tags: [{ ...tag, color: 'red' }], tag_assignments: [] }, /tags\/0\/color/],
    [{ tag_assignments: [{ ...seed.blueai.tag_assignments![0]!, resource_id: 'deal_00000000000000000000000000000000', resource_type: 'deal' }] }, /tag_assignments\/0\/resource_id: unknown deal/],
    [{ tags: [], tag_assignments: [seed.blueai.tag_assignments![0]!] }, /tag_assignments\/0\/tag_id: unknown tag/],
  ];
  for (const [part, message] of cases) {
    const res = await ctl(app, 'POST', '/orgs', { credential: 'bad', dataset: { blueai: { ...seed.blueai, ...part } } });
    t.equal(res.statusCode, 400, JSON.stringify(part).slice(0, 80));
    t.match(res.json().error.message, message);
  }
  t.equal((await ctl(app, 'GET', '/orgs/bad')).statusCode, 404, 'none was created');
});

t.test('fault rules reach the new routes; an injected fault stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_tags', org);
  await addFault(t, app, { vendor: 'blueai', method: 'post', path: '/api/v1/crm/tags', status: 503 });
  const res = await app.inject({ method: 'POST', url: '/api/v1/crm/tags', headers: bearer(), payload: { name: 'faulty', color: '#000000' } });
  t.equal(res.statusCode, 503);
  t.same(Object.keys(res.json().error), ['code', 'message', 'details'], "BlueAI's envelope");
  t.equal(snapshot(app, 'blueai_tags', org), before);
  t.equal((await app.inject({ url: '/api/v1/crm/activities', headers: bearer() })).statusCode, 200, 'other routes answer');
});

t.test('the rate limit counts the new routes: over it a POST /activities is a 429 and stores nothing', async (t) => {
  const app = await build(t, { rateLimit: 2, rateLimitWindowSeconds: 60 });
  const org = orgOf(app);
  t.equal((await app.inject({ url: '/api/v1/crm/tags', headers: bearer() })).headers['x-ratelimit-remaining'], '1');
  t.equal((await app.inject({ url: '/api/v1/crm/activities', headers: bearer() })).headers['x-ratelimit-remaining'], '0');
  const before = count(app, 'blueai_activities', org);
  const res = await app.inject({ method: 'POST', url: '/api/v1/crm/activities', headers: bearer(), payload: { type: 'note', content: 'x', deal_id: SEED_IDS.deal1 } });
  t.equal(res.statusCode, 429);
  t.equal(res.json().error.code, 'RATE_LIMITED');
  t.equal(count(app, 'blueai_activities', org), before);
});

t.test('the journal records activity, tag and assignment calls with their bodies', async (t) => {
  const app = await build(t);
  const tag = await app.inject({ method: 'POST', url: '/api/v1/crm/tags', headers: bearer('j'), payload: { name: 'journal', color: '#abcdef' } });
  await app.inject({ method: 'POST', url: '/api/v1/crm/tag-assignments', headers: bearer('j'), payload: { tag_id: tag.json().tag.id, resource_type: 'deal', resource_id: SEED_IDS.deal1 } });
  await app.inject({ url: '/api/v1/crm/activities?type=call&limit=1', headers: bearer('j') });
  const { data } = (await app.inject({ url: '/_mock/requests' })).json() as { data: Record<string, any>[] };
  t.same(data.slice(0, 3).map((e) => [e.vendor, e.method, e.path, e.status]), [
    ['blueai', 'GET', '/api/v1/crm/activities', 200],
    ['blueai', 'POST', '/api/v1/crm/tag-assignments', 201],
    ['blueai', 'POST', '/api/v1/crm/tags', 201],
  ]);
  t.same(data[0]!.query, { type: 'call', limit: '1' });
  t.equal(JSON.parse(data[1]!.response_body).assignment.tag_name, 'journal');
});
