import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { openDatabase, tenantTables, type Db } from '../../src/core/db.js';
import { MIGRATIONS, upToLegacy } from '../../src/migrations.js';
import { OrgDatabases } from '../../src/core/org-dbs.js';
import { build, bearer, count, SEED_IDS } from '../helper.js';
import { ACME_QUERY, basic, CLOSE } from '../close/seed-ids.js';

// One SQLite database per organization (src/core/org-dbs.ts): made from its dataset's image on first
// use, dropped by a reset, replaced by a restore, a file per generation with DB=<path>.

/** Every row of every vendor table carries the organization's own id, and the database is intact. */
function ownsEveryRow(t: Test, db: Db, orgId: string): void {
  t.equal(db.pragma('integrity_check', { simple: true }), 'ok', 'integrity_check');
  let rows = 0;
  for (const table of tenantTables(db)) {
    t.equal(db.prepare(`SELECT count(*) FROM ${table} WHERE org_id IS NOT ?`).pluck().get(orgId), 0, `${table}: no row of another organization`);
    rows += db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }
  t.ok(rows > 1000, `the seed's rows are there (${rows})`);
  t.equal(db.prepare(`SELECT count(*) FROM orgs`).pluck().get(), 1, 'one organization row: its own');
  t.equal(db.prepare(`SELECT id FROM orgs`).pluck().get(), orgId);
}

/** Deletes a seeded deal through BlueAI as `key` (its organization's first use); the organization's id. */
async function deleteDeal(app: FastifyInstance, key: string, deal: string = SEED_IDS.deal1): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer(key), payload: { ids: [deal] } });
  if (res.statusCode !== 200) throw new Error(`bulk delete: ${res.statusCode} ${res.body}`);
  return app.tenants.get(key).id;
}

t.test('an organization gets its data on its first vendor call, not when it is created', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url: '/_mock/orgs', payload: { credential: 'lazy-key' } });
  t.equal(created.statusCode, 201);
  const id = created.json().id as string;
  t.equal(app.orgDbs.peek(id), undefined, 'no database yet');
  const listed = await app.inject({ url: `/_mock/orgs/${id}` });
  t.equal(listed.json().counts.blueai.deals, 200, 'its counts come from the image');
  t.equal(app.orgDbs.peek(id), undefined, 'answering the counts made no copy');

  const deal = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('lazy-key') });
  t.equal(deal.statusCode, 200);
  const db = app.orgDbs.peek(id);
  t.ok(db, 'the first vendor call made its database');
  ownsEveryRow(t, db!, id);
  // Ids derived from the organization's id are its own too (a dataset's default pipeline).
  const org = await app.inject({ url: `/api/v1/organization/${id}/`, headers: basic('lazy-key') });
  t.equal(org.statusCode, 200);
  t.equal(org.json().id, id);
});

t.test('two organizations made from one image share nothing', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'PUT', url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: basic('key-a'), payload: { name: 'Only in A' } });
  await app.inject({ url: `/api/v1/lead/${CLOSE.acmeInc}/`, headers: basic('key-b') });
  const a = app.tenants.get('key-a').id;
  const b = app.tenants.get('key-b').id;
  t.not(app.tenants.db(a), app.tenants.db(b), 'two databases');
  ownsEveryRow(t, app.tenants.db(a), a);
  ownsEveryRow(t, app.tenants.db(b), b);
  t.equal(app.tenants.db(a).prepare(`SELECT name FROM close_leads WHERE id = ?`).pluck().get(CLOSE.acmeInc), 'Only in A');
  t.not(app.tenants.db(b).prepare(`SELECT name FROM close_leads WHERE id = ?`).pluck().get(CLOSE.acmeInc), 'Only in A');
  t.equal(app.orgDbs.stats().built, 1, 'one image (the seed) for both');
});

t.test('a reset drops the data in one step; the next use copies the image again', async (t) => {
  const app = await build(t);
  const headers = bearer('reset-key');
  const id = await deleteDeal(app, 'reset-key');
  t.equal(count(app, 'blueai_deals', id), 199);
  const genBefore = app.db.prepare(`SELECT data_gen FROM orgs WHERE id = ?`).pluck().get(id) as number;
  const reset = await app.inject({ method: 'POST', url: `/_mock/orgs/${id}/reset` });
  t.equal(reset.statusCode, 200);
  t.equal(app.orgDbs.peek(id), undefined, 'its database is gone');
  t.equal(app.db.prepare(`SELECT data_gen FROM orgs WHERE id = ?`).pluck().get(id), genBefore + 1, 'the generation moved on');
  t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers })).statusCode, 200, 'the deleted deal is back');
  t.equal(count(app, 'blueai_deals', id), 200);
  t.equal(app.orgDbs.stats().built, 1, 'no image was built again');
});

t.test('restoring the same snapshot again copies its cached image', async (t) => {
  const app = await build(t);
  const headers = bearer('restore-key');
  const id = await deleteDeal(app, 'restore-key');
  const snap = (await app.inject({ url: `/_mock/orgs/${id}/snapshot` })).json();
  const built = app.orgDbs.stats().built;
  for (let i = 0; i < 2; i++) {
    await deleteDeal(app, 'restore-key', SEED_IDS.deal2);
    const restored = await app.inject({ method: 'PUT', url: `/_mock/orgs/${id}/snapshot`, payload: snap });
    t.equal(restored.statusCode, 200);
    t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal2}`, headers })).statusCode, 200, 'deal 2 is back');
    t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers })).statusCode, 404, 'deal 1 stays deleted');
    ownsEveryRow(t, app.tenants.db(id), id);
  }
  t.equal(app.orgDbs.stats().built, built + 1, 'one image for the snapshot, built on its first restore');
});

t.test('vendor data is reached only inside an organization', async (t) => {
  const app = await build(t);
  t.throws(() => app.closeStore.leads.find('orga_x', CLOSE.acmeInc), /no organization in context/);
});

t.test('an image that cannot be patched is given the organization id row by row', async (t) => {
  for (const patch of [true, false]) {
    const main = openDatabase(':memory:', MIGRATIONS);
    t.teardown(() => main.close());
    const dbs = new OrgDatabases(main, { file: null, patch, migrations: MIGRATIONS });
    const orgId = `orga_${'x'.repeat(43)}`;
    main.prepare(`INSERT INTO orgs (id, name, created_at, dataset) VALUES (?, 'x', '2026-01-01', 'empty')`).run(orgId);
    dbs.baseline = (text) => dbs.image(text, (db, key) => {
      db.prepare(`INSERT INTO orgs (id, name, created_at) VALUES (?, 'image', '2000-01-01')`).run(key);
      const add = db.prepare(`INSERT INTO blueai_members (org_id, id, name, email, role, created_at) VALUES (?, ?, ?, ?, 'member', '2026-01-01')`);
      for (let i = 0; i < 50; i++) add.run(key, `mem_${i}`, `Member ${i}`, `m${i}@example.com`);
      return { counts: {}, jobsOrWebhooks: 0, pending: [], name: 'image' };
    });
    const db = dbs.open(orgId);
    t.equal(db.prepare(`SELECT count(*) FROM blueai_members WHERE org_id = ?`).pluck().get(orgId), 50, `patch ${patch}: every row is the organization's`);
    t.equal(db.prepare(`SELECT created_at FROM orgs WHERE id = ?`).pluck().get(orgId), '2026-01-01', 'its own creation time, not the image\'s');
    t.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    dbs.closeAll();
  }
});

t.test('with a file, each organization is a file per generation, and a reset removes the old one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-dbs-'));
  const file = join(dir, 'emulator.db');
  const app = await build(t, { db: file });
  const headers = bearer('file-key');
  const id = await deleteDeal(app, 'file-key');
  t.ok(existsSync(join(`${file}-orgs`, `${id}.0.db`)), 'generation 0 is a file');
  await app.inject({ method: 'POST', url: `/_mock/orgs/${id}/reset` });
  t.same(readdirSync(`${file}-orgs`).filter((n) => n.startsWith(id) && n.endsWith('.db')), [], 'the reset removed it; nothing made yet');
  await deleteDeal(app, 'file-key', SEED_IDS.deal2);
  t.ok(existsSync(join(`${file}-orgs`, `${id}.1.db`)), 'the next use wrote generation 1');
  await app.close();

  const again = await build(t, { db: file });
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers })).statusCode, 200, 'after a restart: the reset stands');
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal2}`, headers })).statusCode, 404, 'and the write after it too');
  ownsEveryRow(t, again.tenants.db(id), id);
  await again.inject({ method: 'DELETE', url: `/_mock/orgs/${id}` });
  t.same(readdirSync(`${file}-orgs`).filter((n) => n.startsWith(id)), [], 'a deleted organization leaves no file');
});

t.test('with files, the least recently used organizations are closed beyond the limit and reopened with their data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-lru-'));
  const main = openDatabase(join(dir, 'main.db'), MIGRATIONS);
  t.teardown(() => main.close());
  const dbs = new OrgDatabases(main, { file: join(dir, 'main.db'), maxOpenFiles: 2, migrations: MIGRATIONS });
  t.teardown(() => dbs.closeAll());
  dbs.baseline = (text) => dbs.image(text, (db, key) => {
    db.prepare(`INSERT INTO orgs (id, name, created_at) VALUES (?, 'image', '2000-01-01')`).run(key);
    return { counts: {}, jobsOrWebhooks: 0, pending: [], name: 'image' };
  });
  const ids = ['a', 'b', 'c'].map((c) => `orga_${c.repeat(43)}`);
  for (const id of ids) {
    main.prepare(`INSERT INTO orgs (id, name, created_at) VALUES (?, 'x', '2026-01-01')`).run(id);
    dbs.open(id).prepare(`INSERT INTO blueai_members (org_id, id, name, email, role, created_at) VALUES (?, 'mem_1', ?, 'm@example.com', 'member', '2026-01-01')`).run(id, `member of ${id[5]}`);
  }
  t.equal(dbs.stats().open, 2, 'two open at most');
  t.equal(dbs.peek(ids[0]!), undefined, 'the least recently used was closed');
  t.equal(dbs.open(ids[0]!).prepare(`SELECT name FROM blueai_members`).pluck().get(), 'member of a', 'reopened with its data');
  t.equal(dbs.peek(ids[1]!), undefined, 'now b is the one closed');
});

t.test('with files, a vendor rename outlives its database being closed: the control API still shows it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-name-'));
  const file = join(dir, 'emulator.db');
  const app = await build(t, { db: file });
  const id = app.tenants.resolve('name-key').id;
  t.equal((await app.inject({ method: 'PUT', url: `/api/v1/organization/${id}/`, headers: basic('name-key'), payload: { name: 'Renamed Co.' } })).statusCode, 200);
  t.equal((await app.inject({ url: `/_mock/orgs/${id}` })).json().name, 'Renamed Co.', 'read from its open database');
  await app.close();
  const again = await build(t, { db: file });
  t.equal((await again.inject({ url: `/_mock/orgs/${id}` })).json().name, 'Renamed Co.', 'after a restart, before any vendor call');
});

t.test('a file written before one database per organization: each organization moves to its own file on first use, its jobs still run', async (t) => {
  // Make the layout of that version: everything in one file (migrations up to 9), an organization's
  // rows in the shared tables, and the old seed template beside it.
  const dir = mkdtempSync(join(tmpdir(), 'org-legacy-'));
  const source = await build(t, { db: join(dir, 'source.db'), tickMs: 0 });
  await deleteDeal(source, 'legacy-key');
  const edit = await source.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('legacy-key'), payload: {
    type: 'set_lead_status', lead_status_id: CLOSE.status.qualified, s_query: ACME_QUERY, results_limit: null, sort: [],
  } });
  t.equal(edit.statusCode, 200);
  const orgId = source.tenants.get('legacy-key').id;
  const orgFile = join(`${join(dir, 'source.db')}-orgs`, `${orgId}.0.db`);
  await source.close();

  const file = join(dir, 'old.db');
  // As a release of then left it: migrations up to global version 9, counted by user_version alone.
  const old = openDatabase(file, upToLegacy(9));
  old.exec('DROP TABLE schema_migrations');
  old.pragma('user_version = 9');
  old.pragma('foreign_keys = OFF');
  old.prepare(`ATTACH DATABASE ? AS org`).run(orgFile);
  const orgColumns = (old.prepare(`SELECT name FROM pragma_table_info('orgs')`).pluck().all() as string[]).join(', ');
  old.prepare(`INSERT INTO main.orgs (${orgColumns}) SELECT ${orgColumns} FROM org.orgs`).run();
  old.prepare(`INSERT INTO main.orgs (id, name, is_template, created_at) VALUES ('orga_template', 'seed template', 1, '2026-01-01')`).run();
  old.prepare(`INSERT INTO main.credentials (token, org_id, created_at) VALUES ('legacy-key', ?, '2026-01-01')`).run(orgId);
  // The organization's file is today's: its bulk action tables have the names a later migration gave them.
  const renamed = new Map([['close_bulk_edits', 'close_bulk_actions'], ['close_bulk_edit_items', 'close_bulk_action_items']]);
  const reshaped = new Map([['blueai_activities.subject', 'content'], ['blueai_activities.body', 'NULL'], ['blueai_activities.member_id', 'created_by']]);
  for (const table of tenantTables(old)) {
    const names = old.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[];
    const cols = names.join(', ');
    const from = names.map((c) => (c === 'bulk_edit_id' ? 'bulk_action_id' : reshaped.get(`${table}.${c}`) ?? c)).join(', ');
    const source = `org.${renamed.get(table) ?? table}`;
    // Activities had a deal always, and subject/body/member_id where today's have content/created_by.
    const where = table === 'blueai_activities' ? ' WHERE deal_id IS NOT NULL' : '';
    old.exec(`INSERT INTO main.${table} (${cols}) SELECT ${from} FROM ${source}${where}`);
    old.exec(`INSERT INTO main.${table} (${cols}) SELECT ${from.replace(/^org_id|(?<=, )org_id(?=,|$)/, `'orga_template'`)} FROM ${source}${where}`);
  }
  old.exec('DETACH DATABASE org');
  const before = old.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(orgId) as number;
  t.ok(before > 0, 'the old file holds the organization\'s rows');
  old.close();

  const app = await build(t, { db: file, tickMs: 0 });
  t.equal(app.db.prepare(`SELECT count(*) FROM orgs WHERE is_template = 1`).pluck().get(), 0, 'the old template is gone');
  t.equal(app.db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = 'orga_template'`).pluck().get(), 0, 'with its rows');
  t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('legacy-key') })).statusCode, 404, 'the deal deleted before the upgrade stays deleted');
  t.ok(existsSync(join(`${file}-orgs`, `${orgId}.0.db`)), 'the organization has its own file now');
  t.equal(app.db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(orgId), 0, 'and no rows left in the shared file');
  t.equal(count(app, 'close_leads', orgId), before, 'every lead moved');
  ownsEveryRow(t, app.tenants.db(orgId), orgId);
  const jobs = (await app.inject({ url: `/_mock/jobs?org=${orgId}` })).json().data as { id: string; status: string }[];
  t.same(jobs.map((j) => j.id), [edit.json().id], 'its bulk edit is found');
  const run = await app.inject({ method: 'POST', url: `/_mock/jobs/${edit.json().id}/run` });
  t.equal(run.json().status, 'done', 'and runs to done');
});
