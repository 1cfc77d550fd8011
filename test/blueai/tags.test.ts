import t from 'tap';
import { build, bearer, orgOf, row, count, snapshot, isError, SEED_IDS, shareApps } from '../helper.js';
import { MAX_TAGS } from '../../schemas/blueai/tags.js';

// Shares apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// /tags and /tag-assignments (BlueAI's reference, §5), and our tag_id filter on the lists.
const tags = '/api/v1/crm/tags';
const assignments = '/api/v1/crm/tag-assignments';
const { deal1, contact, company } = SEED_IDS;
type App = Awaited<ReturnType<typeof build>>;
type Tag = { id: string; name: string; color: string; created_at: string; updated_at: string };

const storedTag = (app: App, id: string) => row(app, 'blueai_tags', orgOf(app), id);
const create = async (app: App, name: string, color = '#EF4444') =>
  (await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name, color } })).json().tag as Tag;
const assign = (app: App, payload: Record<string, unknown>, token?: string) =>
  app.inject({ method: 'POST', url: assignments, headers: bearer(token), payload });

t.test('GET /tags answers {"tags": [...]}: every tag of the organization, by name', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const res = await app.inject({ url: tags, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(Object.keys(res.json()), ['tags']);
  const list = res.json().tags as Tag[];
  t.equal(list.length, count(app, 'blueai_tags', org));
  t.ok(list.length > 0, 'the seed has tags');
  t.same(list, app.tenants.db(org).prepare(`SELECT id, name, color, created_at, updated_at FROM blueai_tags WHERE org_id = ? ORDER BY name_key, id`).all(org));
});

t.test('POST /tags answers 201 {"tag": {...}} with a tag_ id and stores it', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name: '  展示会2026  ', color: '#ef4444' } });
  t.equal(res.statusCode, 201);
  const tag = res.json().tag as Tag;
  t.match(tag.id, /^tag_[0-9a-f]{32}$/);
  t.same({ name: tag.name, color: tag.color }, { name: '展示会2026', color: '#ef4444' }, 'the name trimmed, the color as sent');
  t.equal(tag.created_at, tag.updated_at);
  t.same(storedTag(app, tag.id), { org_id: orgOf(app), ...tag, name_key: '展示会2026' });
});

t.test('a tag name is unique per organization ignoring case: a duplicate is a 409 and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const first = await create(app, 'Hot Lead');
  const before = snapshot(app, 'blueai_tags', org);
  for (const name of ['Hot Lead', 'hot lead', 'HOT LEAD', ' hot lead ']) {
    const err = isError(t, await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name, color: '#000000' } }), 409, 'CONFLICT');
    t.equal(err.details.tag_id, first.id, 'names the tag that has it');
  }
  t.equal((await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name: 'ÉTÉ', color: '#000000' } })).statusCode, 201);
  isError(t, await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name: 'été', color: '#000000' } }), 409, 'CONFLICT');
  t.equal(count(app, 'blueai_tags', org, `name_key = 'hot lead'`), 1);
  t.equal(count(app, 'blueai_tags', org), JSON.parse(before).length + 1, 'only ÉTÉ was added');
  const other = await app.inject({ method: 'POST', url: tags, headers: bearer('other-org'), payload: { name: 'Hot Lead', color: '#000000' } });
  t.equal(other.statusCode, 201, 'another organization may use the name');
});

t.test('a bad tag is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = snapshot(app, 'blueai_tags', org);
  const cases: [Record<string, unknown>, string][] = [
    [{ name: 'x', color: 'red' }, 'color'], [{ name: 'x', color: '#FFF' }, 'color'], [{ name: 'x', color: '#GGGGGG' }, 'color'],
    [{ name: 'x', color: 'EF4444' }, 'color'], [{ name: 'x', color: '#EF44441' }, 'color'], [{ name: 'x' }, 'color'],
    [{ color: '#EF4444' }, 'name'], [{ name: '', color: '#EF4444' }, 'name'], [{ name: '   ', color: '#EF4444' }, 'name'],
    [{ name: 'x'.repeat(101), color: '#EF4444' }, 'name'], [{ name: 7, color: '#EF4444' }, 'name'],
  ];
  for (const [payload, field] of cases) {
    const err = isError(t, await app.inject({ method: 'POST', url: tags, headers: bearer(), payload }), 400, 'VALIDATION_ERROR');
    t.ok(err.details.fields && field in err.details.fields, `${JSON.stringify(payload).slice(0, 60)} names ${field}`);
  }
  t.equal(snapshot(app, 'blueai_tags', org), before);
});

t.test(`an organization holds at most ${MAX_TAGS} tags; one more is a 400`, async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const db = app.tenants.db(org);
  const insert = db.prepare(`INSERT INTO blueai_tags (org_id, id, name, name_key, color, created_at, updated_at) VALUES (?, ?, ?, ?, '#000000', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`);
  const have = count(app, 'blueai_tags', org);
  db.transaction(() => {
    for (let i = have; i < MAX_TAGS; i++) insert.run(org, `tag_${String(i).padStart(32, '0')}`, `t${i}`, `t${i}`);
  })();
  isError(t, await app.inject({ method: 'POST', url: tags, headers: bearer(), payload: { name: 'one more', color: '#000000' } }), 400, 'VALIDATION_ERROR');
  t.equal(count(app, 'blueai_tags', org), MAX_TAGS);
});

t.test('PATCH /tags/{id} renames and recolors; a name another tag has is a 409; unknown ids are 404s', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const a = await create(app, 'Alpha');
  await create(app, 'Beta');
  const res = await app.inject({ method: 'PATCH', url: `${tags}/${a.id}`, headers: bearer(), payload: { name: 'ALPHA', color: '#00ff00' } });
  t.equal(res.statusCode, 200, 'its own name in another case is fine');
  t.same(Object.keys(res.json()), ['tag']);
  t.same(res.json().tag, { ...a, name: 'ALPHA', color: '#00ff00', updated_at: res.json().tag.updated_at });
  t.same(storedTag(app, a.id), { org_id: org, ...res.json().tag, name_key: 'alpha' });
  const before = snapshot(app, 'blueai_tags', org);
  isError(t, await app.inject({ method: 'PATCH', url: `${tags}/${a.id}`, headers: bearer(), payload: { name: 'beta' } }), 409, 'CONFLICT');
  isError(t, await app.inject({ method: 'PATCH', url: `${tags}/${a.id}`, headers: bearer(), payload: { color: 'blue' } }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'PATCH', url: `${tags}/${a.id}`, headers: bearer(), payload: {} }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'PATCH', url: `${tags}/tag_00000000000000000000000000000000`, headers: bearer(), payload: { name: 'x' } }), 404, 'NOT_FOUND');
  isError(t, await app.inject({ method: 'PATCH', url: `${tags}/${a.id}`, headers: bearer('other-org'), payload: { name: 'x' } }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_tags', org), before, 'nothing changed');
});

t.test('POST /tag-assignments answers 201 {"assignment": {...}} with tag_name and tag_color; the same again is 200 and the same row', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = await create(app, '重要', '#112233');
  for (const [resource_type, resource_id] of [['deal', deal1], ['company', company], ['contact', contact]] as const) {
    const res = await assign(app, { tag_id: tag.id, resource_type, resource_id });
    t.equal(res.statusCode, 201, resource_type);
    t.same(Object.keys(res.json()), ['assignment']);
    const a = res.json().assignment;
    t.match(a.id, /^taga_[0-9a-f]{32}$/);
    t.same({ ...a, id: 'x', created_at: 'x' }, { id: 'x', tag_id: tag.id, resource_type, resource_id, tag_name: '重要', tag_color: '#112233', created_at: 'x' });
    t.same(row(app, 'blueai_tag_assignments', org, a.id), { org_id: org, id: a.id, tag_id: tag.id, resource_type, resource_id, created_at: a.created_at });
  }
  const first = (await assign(app, { tag_id: tag.id, resource_type: 'deal', resource_id: deal1 })).json().assignment;
  await app.inject({ method: 'PATCH', url: `${tags}/${tag.id}`, headers: bearer(), payload: { name: '最重要', color: '#445566' } });
  const again = await assign(app, { tag_id: tag.id, resource_type: 'deal', resource_id: deal1 });
  t.equal(again.statusCode, 200, 'idempotent');
  t.same(again.json().assignment, { ...first, tag_name: '最重要', tag_color: '#445566' }, 'the same assignment, the tag as it is now');
  t.equal(count(app, 'blueai_tag_assignments', org, 'tag_id = ?', tag.id), 3, 'one row per record');
});

t.test('a bad assignment is a 400 naming the field and stores nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = await create(app, 'x');
  const theirTag = (await app.inject({ method: 'POST', url: tags, headers: bearer('other-org'), payload: { name: 'theirs', color: '#000000' } })).json().tag.id;
  const theirDeal = (await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('other-org'), payload: { name: 'theirs' } })).json().id;
  const before = snapshot(app, 'blueai_tag_assignments', org);
  const cases: [Record<string, unknown>, string][] = [
    [{ tag_id: tag.id, resource_type: 'lead', resource_id: deal1 }, 'resource_type'],
    [{ tag_id: tag.id, resource_id: deal1 }, 'resource_type'],
    [{ tag_id: tag.id, resource_type: 'deal' }, 'resource_id'],
    [{ resource_type: 'deal', resource_id: deal1 }, 'tag_id'],
    [{ tag_id: 'tag_00000000000000000000000000000000', resource_type: 'deal', resource_id: deal1 }, 'tag_id'],
    [{ tag_id: theirTag, resource_type: 'deal', resource_id: deal1 }, 'tag_id'],
    [{ tag_id: tag.id, resource_type: 'deal', resource_id: theirDeal }, 'resource_id'],
    [{ tag_id: tag.id, resource_type: 'contact', resource_id: deal1 }, 'resource_id'],
    [{ tag_id: tag.id, resource_type: 'company', resource_id: 'comp_00000000000000000000000000000000' }, 'resource_id'],
  ];
  for (const [payload, field] of cases) {
    const err = isError(t, await assign(app, payload), 400, 'VALIDATION_ERROR');
    t.ok(err.details.fields && field in err.details.fields, `${JSON.stringify(payload).slice(0, 90)} names ${field}`);
  }
  t.equal(snapshot(app, 'blueai_tag_assignments', org), before);
});

t.test('DELETE /tag-assignments/{tag_id}?resource_type&resource_id removes exactly that assignment', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = await create(app, 'y');
  await assign(app, { tag_id: tag.id, resource_type: 'deal', resource_id: deal1 });
  await assign(app, { tag_id: tag.id, resource_type: 'contact', resource_id: contact });
  const before = snapshot(app, 'blueai_tag_assignments', org);
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=deal`, headers: bearer() }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_id=${deal1}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=lead&resource_id=${deal1}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/tag_00000000000000000000000000000000?resource_type=deal&resource_id=${deal1}`, headers: bearer() }), 404, 'NOT_FOUND');
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=company&resource_id=${deal1}`, headers: bearer() }), 404, 'NOT_FOUND');
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=deal&resource_id=${deal1}`, headers: bearer('other-org') }), 404, 'NOT_FOUND');
  t.equal(snapshot(app, 'blueai_tag_assignments', org), before, 'nothing removed by a refused call');
  const res = await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=deal&resource_id=${deal1}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(count(app, 'blueai_tag_assignments', org, 'tag_id = ?', tag.id), 1, "the contact's stays");
  isError(t, await app.inject({ method: 'DELETE', url: `${assignments}/${tag.id}?resource_type=deal&resource_id=${deal1}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('DELETE /tags/{id} removes the tag and its assignments; a second one is a 404', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = await create(app, 'z');
  const keep = await create(app, 'keep');
  await assign(app, { tag_id: tag.id, resource_type: 'deal', resource_id: deal1 });
  await assign(app, { tag_id: keep.id, resource_type: 'deal', resource_id: deal1 });
  const res = await app.inject({ method: 'DELETE', url: `${tags}/${tag.id}`, headers: bearer() });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { success: true });
  t.equal(storedTag(app, tag.id), undefined);
  t.equal(count(app, 'blueai_tag_assignments', org, 'tag_id = ?', tag.id), 0);
  t.equal(count(app, 'blueai_tag_assignments', org, 'tag_id = ?', keep.id), 1, "another tag's stay");
  isError(t, await app.inject({ method: 'DELETE', url: `${tags}/${tag.id}`, headers: bearer() }), 404, 'NOT_FOUND');
});

t.test('tag_id filters the deal, company and contact lists to the records carrying the tag (our extension)', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const db = app.tenants.db(org);
  for (const [type, path] of [['deal', 'deals'], ['company', 'companies'], ['contact', 'contacts']] as const) {
    const tagId = db.prepare(`SELECT tag_id FROM blueai_tag_assignments WHERE org_id = ? AND resource_type = ? GROUP BY tag_id ORDER BY count(*) DESC, tag_id LIMIT 1`).pluck().get(org, type) as string;
    const want = db.prepare(`SELECT resource_id FROM blueai_tag_assignments WHERE org_id = ? AND resource_type = ? AND tag_id = ? ORDER BY resource_id`).pluck().all(org, type, tagId);
    const res = await app.inject({ url: `/api/v1/crm/${path}?tag_id=${tagId}&limit=200`, headers: bearer() });
    t.equal(res.statusCode, 200);
    t.ok(want.length > 0, `the seed tags some ${path}`);
    t.same(res.json().items.map((r: { id: string }) => r.id).sort(), want, path);
    t.equal(res.json().total, want.length);
    const none = await app.inject({ url: `/api/v1/crm/${path}?tag_id=tag_00000000000000000000000000000000`, headers: bearer() });
    t.equal(none.json().total, 0, `${path}: an unknown tag matches nothing`);
  }
});

t.test('deleting a deal or a company removes its tag assignments', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const tag = await create(app, 'gone');
  await assign(app, { tag_id: tag.id, resource_type: 'deal', resource_id: deal1 });
  await assign(app, { tag_id: tag.id, resource_type: 'company', resource_id: company });
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/crm/deals/${deal1}`, headers: bearer() })).statusCode, 200);
  t.equal((await app.inject({ method: 'DELETE', url: `/api/v1/crm/companies/${company}`, headers: bearer() })).statusCode, 200);
  t.equal(count(app, 'blueai_tag_assignments', org, 'resource_id IN (?, ?)', deal1, company), 0);
  t.ok(storedTag(app, tag.id), 'the tag stays');
});
