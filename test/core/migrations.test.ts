import t from 'tap';
import { migrate, openDatabase } from '../../src/core/db.js';
import { migrations } from '../../src/core/migrations.js';

t.test('migration 6 gives existing opportunities confidence 0, no contact, and won/lost dates from their last update', async (t) => {
  const db = openDatabase(':memory:', migrations.filter((m) => m.version <= 5));
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
  t.equal(migrate(db, migrations.filter((m) => m.version <= 6)), 6);
  t.same(db.prepare(`SELECT id, confidence, contact_id, date_won, date_lost FROM close_opportunities ORDER BY id`).all(), [
    { id: 'oppo_a', confidence: 0, contact_id: null, date_won: null, date_lost: null },
    { id: 'oppo_l', confidence: 0, contact_id: null, date_won: null, date_lost: '2026-04-05T06:07:08.000000+00:00' },
    { id: 'oppo_w', confidence: 0, contact_id: null, date_won: '2026-03-04', date_lost: null },
  ]);
});

t.test('migration 8 puts each organization\'s opportunity statuses into one "Sales" pipeline named after the organization', async (t) => {
  const db = openDatabase(':memory:', migrations.filter((m) => m.version <= 7));
  t.teardown(() => db.close());
  db.exec(`INSERT INTO orgs (id, name, created_at) VALUES ('orga_one', 'One', '2026-01-01T00:00:00Z'), ('orga_two', 'Two', '2026-01-01T00:00:00Z'),
    ('orga_none', 'None', '2026-01-01T00:00:00Z')`);
  const status = db.prepare(`INSERT INTO close_opportunity_statuses (org_id, id, label, type, position) VALUES (?, ?, ?, ?, ?)`);
  status.run('orga_one', 'stat_a', 'Active', 'active', 0);
  status.run('orga_one', 'stat_w', 'Won', 'won', 1);
  status.run('orga_two', 'stat_b', 'Active', 'active', 0);
  t.equal(migrate(db, migrations.filter((m) => m.version <= 8)), 8);
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
