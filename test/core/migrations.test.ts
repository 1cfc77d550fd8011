import t from 'tap';
import { migrate, openDatabase } from '../../src/core/db.js';
import { MIGRATIONS, upToLegacy } from '../../src/migrations.js';
import type { MigrationSet } from '../../src/core/migrations.js';

const ran = (db: ReturnType<typeof openDatabase>) =>
  db.prepare(`SELECT owner || ':' || version FROM schema_migrations ORDER BY owner, version`).pluck().all() as string[];
const total = MIGRATIONS.reduce((n, s) => n + s.migrations.length, 0);
const tables = (db: ReturnType<typeof openDatabase>) =>
  db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];

t.test('a fresh database runs every owner\'s migrations once, and opening it again runs none', async (t) => {
  const db = openDatabase(':memory:', MIGRATIONS);
  t.teardown(() => db.close());
  t.equal(ran(db).length, total);
  t.ok(ran(db).includes('core:1') && ran(db).includes('close:1') && ran(db).includes('blueai:1'));
  t.ok(tables(db).includes('close_bulk_actions') && tables(db).includes('close_bulk_action_items'), 'bulk actions named for what they hold');
  t.notOk(tables(db).includes('close_bulk_edits'));
  t.equal(migrate(db, MIGRATIONS), total, 'nothing more to run');
});

t.test('a database an older release left (user_version 16, no schema_migrations) keeps its rows and runs only what is new', async (t) => {
  const db = openDatabase(':memory:', upToLegacy(16));
  t.teardown(() => db.close());
  db.exec('DROP TABLE schema_migrations');
  db.pragma('user_version = 16');
  db.exec(`INSERT INTO orgs (id, name, created_at) VALUES ('orga_1', 'Org', '2026-01-01T00:00:00Z')`);
  db.exec(`INSERT INTO close_bulk_edits (org_id, id, seq, kind, type, status, params, s_query, sort, send_done_email, n_leads_processed,
    n_objects_processed, date_created, date_updated) VALUES ('orga_1', 'bulkedit_1', 1, 'edit', 'set_lead_status', 'paused', '{}', '{}', '[]', 0, 0, 0,
    '2026-01-01T00:00:00.000000+00:00', '2026-01-01T00:00:00.000000+00:00')`);
  db.exec(`INSERT INTO close_bulk_edit_items (org_id, bulk_edit_id, seq, lead_id, object_type, object_id, done) VALUES ('orga_1', 'bulkedit_1', 1, 'lead_1', 'lead', 'lead_1', 0)`);
  t.equal(migrate(db, MIGRATIONS), total);
  t.same(db.prepare(`SELECT id, status FROM close_bulk_actions`).all(), [{ id: 'bulkedit_1', status: 'paused' }], 'the bulk edit moved with its table');
  t.same(db.prepare(`SELECT bulk_action_id, lead_id FROM close_bulk_action_items INDEXED BY close_bulk_action_items_pending WHERE org_id = 'orga_1' AND bulk_action_id = 'bulkedit_1' AND done = 0`).all(),
    [{ bulk_action_id: 'bulkedit_1', lead_id: 'lead_1' }], 'items keep their rows under the renamed column and index');
});

t.test('a new owner (a third vendor) adds its own migrations without editing anyone else\'s: later versions run on their own', async (t) => {
  const v1: MigrationSet = { owner: 'acme', migrations: [{ version: 1, name: 'things', sql: 'CREATE TABLE acme_things (org_id TEXT NOT NULL, id TEXT NOT NULL)' }] };
  const db = openDatabase(':memory:', [...MIGRATIONS, v1]);
  t.teardown(() => db.close());
  t.ok(tables(db).includes('acme_things'));
  const v2: MigrationSet = { owner: 'acme', migrations: [...v1.migrations, { version: 2, name: 'more', sql: 'ALTER TABLE acme_things ADD COLUMN name TEXT' }] };
  t.equal(migrate(db, [...MIGRATIONS, v2]), total + 2);
  t.ok(ran(db).includes('acme:2'));
  t.same(db.prepare(`SELECT name FROM pragma_table_info('acme_things')`).pluck().all(), ['org_id', 'id', 'name']);
});

t.test('a migration that fails leaves neither its changes nor its row', async (t) => {
  const bad: MigrationSet = { owner: 'acme', migrations: [{ version: 1, name: 'broken', sql: 'CREATE TABLE acme_x (a TEXT); INSERT INTO nowhere VALUES (1)' }] };
  const db = openDatabase(':memory:', MIGRATIONS);
  t.teardown(() => db.close());
  t.throws(() => migrate(db, [...MIGRATIONS, bad]), /no such table: nowhere/);
  t.notOk(tables(db).includes('acme_x'));
  t.notOk(ran(db).includes('acme:1'));
});

t.test('migration 6 gives existing opportunities confidence 0, no contact, and won/lost dates from their last update', async (t) => {
  const db = openDatabase(':memory:', upToLegacy(5));
  t.teardown(() => db.close());
  db.exec(`INSERT INTO orgs (id, name, created_at) VALUES ('orga_1', 'Org', '2026-01-01T00:00:00Z')`);
  const status = db.prepare(`INSERT INTO close_opportunity_statuses (org_id, id, label, type) VALUES ('orga_1', ?, ?, ?)`);
  status.run('stat_w', 'Won', 'won');
  status.run('stat_l', 'Lost', 'lost');
  status.run('stat_a', 'Active', 'active');
  const opp = db.prepare(`INSERT INTO close_opportunities (org_id, id, lead_id, status_id, date_created, date_updated)
    VALUES ('orga_1', ?, 'lead_1', ?, '2026-01-01T00:00:00.000000+00:00', ?)`);
  opp.run('oppo_w', 'stat_w', '2026-03-04T05:06:07.000000+00:00');
  opp.run('oppo_l', 'stat_l', '2026-04-05T06:07:08.000000+00:00');
  opp.run('oppo_a', 'stat_a', '2026-05-06T07:08:09.000000+00:00');
  migrate(db, upToLegacy(6));
  t.same(db.prepare(`SELECT id, confidence, contact_id, date_won, date_lost FROM close_opportunities ORDER BY id`).all(), [
    { id: 'oppo_a', confidence: 0, contact_id: null, date_won: null, date_lost: null },
    { id: 'oppo_l', confidence: 0, contact_id: null, date_won: null, date_lost: '2026-04-05T06:07:08.000000+00:00' },
    { id: 'oppo_w', confidence: 0, contact_id: null, date_won: '2026-03-04', date_lost: null },
  ]);
});

t.test('migration 8 puts each organization\'s opportunity statuses into one "Sales" pipeline named after the organization', async (t) => {
  const db = openDatabase(':memory:', upToLegacy(7));
  t.teardown(() => db.close());
  db.exec(`INSERT INTO orgs (id, name, created_at) VALUES ('orga_one', 'One', '2026-01-01T00:00:00Z'), ('orga_two', 'Two', '2026-01-01T00:00:00Z'),
    ('orga_none', 'None', '2026-01-01T00:00:00Z')`);
  const status = db.prepare(`INSERT INTO close_opportunity_statuses (org_id, id, label, type, position) VALUES (?, ?, ?, ?, ?)`);
  status.run('orga_one', 'stat_a', 'Active', 'active', 0);
  status.run('orga_one', 'stat_w', 'Won', 'won', 1);
  status.run('orga_two', 'stat_b', 'Active', 'active', 0);
  migrate(db, upToLegacy(8));
  t.same(db.prepare(`SELECT org_id, id, name, position FROM close_pipelines ORDER BY org_id`).all(), [
    { org_id: 'orga_one', id: 'pipe_one', name: 'Sales', position: 0 },
    { org_id: 'orga_two', id: 'pipe_two', name: 'Sales', position: 0 },
  ], 'one pipeline per organization with statuses, none for one without');
  t.same(db.prepare(`SELECT org_id, id, pipeline_id FROM close_opportunity_statuses ORDER BY org_id, id`).all(), [
    { org_id: 'orga_one', id: 'stat_a', pipeline_id: 'pipe_one' },
    { org_id: 'orga_one', id: 'stat_w', pipeline_id: 'pipe_one' },
    { org_id: 'orga_two', id: 'stat_b', pipeline_id: 'pipe_two' },
  ]);
});
