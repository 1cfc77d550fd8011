import t from 'tap';
import { build } from '../helper.js';
import { SUPPORTED } from '../../src/close/store/event-list.js';
import { call, closeOrg } from './helper.js';
import { createLead, events, freeze } from './events-helper.js';

// The event log's indexes (close migration 21): three per event (close_events_list, the composite
// every GET /event/ filter combination walks; close_events_object for object_id and the consolidation
// lookup; close_events_seq), and no query of GET /event/ sorts in a temporary b-tree or reads the table
// in full. The SQL is the one the route runs (captured through HTTP), explained on the organization's database.

const EVENT_INDEXES = ['close_events_list', 'close_events_object', 'close_events_seq'];

t.test('close_events has three indexes, and every documented filter combination walks one of them in order', async (t) => {
  const app = await build(t, {}, false);
  await freeze(app);
  const lead = await createLead(app, { name: 'Indexed', contacts: [{ name: 'Someone' }] });
  const put = await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'Indexed again' } });
  t.equal(put.statusCode, 200);
  const org = closeOrg(app);
  const db = app.tenants.db(org);
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'close_events' AND sql IS NOT NULL ORDER BY name`).pluck().all();
  t.same(indexes, [...EVENT_INDEXES].sort(), 'three indexes, not one per filter');

  const log = app.closeStore.events;
  const seen: Array<{ sql: string; params: Record<string, unknown> }> = [];
  const { rows, exists } = log;
  log.rows = function (sql, params) { seen.push({ sql, params }); return rows.call(this, sql, params); };
  log.exists = function (sql, params) { seen.push({ sql, params }); return exists.call(this, sql, params); };
  t.teardown(() => { log.rows = rows; log.exists = exists; });

  const page = await events(app);
  const one = page.data[0]!;
  const values: Record<string, string> = {
    lead_id: lead.id, user_id: one.user_id ?? 'user_x', request_id: one.request_id ?? 'req_x', object_type: 'lead', object_id: lead.id, action: 'updated',
  };
  let checked = 0;
  for (const combination of SUPPORTED) {
    for (const extra of ['', 'date_updated__gte=2026-01-01T00:00:00', `_limit=1`]) {
      seen.length = 0;
      const qs = [...combination.split('+').filter(Boolean).map((f) => `${f}=${values[f]}`), extra].filter(Boolean).join('&');
      const res = await call(app, { path: `/event/?${qs}` });
      t.equal(res.statusCode, 200, `${qs}: ${res.body.slice(0, 200)}`);
      for (const { sql, params } of seen) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');
        const uses = EVENT_INDEXES.some((i) => plan.includes(`INDEX ${i}`));
        t.ok(uses && !plan.includes('TEMP B-TREE'), `${combination || '(none)'} ${extra}: ${plan}`);
        checked++;
      }
    }
  }
  t.ok(checked >= SUPPORTED.size * 3, `${checked} queries explained`);
});
