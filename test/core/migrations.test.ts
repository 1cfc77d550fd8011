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
  t.equal(migrate(db), 6);
  t.same(db.prepare(`SELECT id, confidence, contact_id, date_won, date_lost FROM close_opportunities ORDER BY id`).all(), [
    { id: 'oppo_a', confidence: 0, contact_id: null, date_won: null, date_lost: null },
    { id: 'oppo_l', confidence: 0, contact_id: null, date_won: null, date_lost: '2026-04-05T06:07:08.000000+00:00' },
    { id: 'oppo_w', confidence: 0, contact_id: null, date_won: '2026-03-04', date_lost: null },
  ]);
});
