// A Close bulk delete of 10k leads (with their contacts and custom values) with the ticker unthrottled
// (ticks back to back, the default batch size), next to raw SQLite DELETEs of the same rows in a copy
// of the same database.
import Database from 'better-sqlite3';
import { withLeads } from './leads.js';
import { row, tickToEnd } from './lib.js';

const N = Number(process.env.BENCH_DELETE_LEADS ?? 10_000);

export async function bulkDeleteStage(): Promise<void> {
  await withLeads('bench-delete', N, async ({ app, db, org }) => {
    const seeded = db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(org) as number;
    const ids = db.prepare(`SELECT id FROM close_leads WHERE org_id = ? AND id LIKE 'lead_000000%'`).pluck().all(org) as string[];
    if (ids.length !== N) throw new Error(`expected ${N} generated leads, found ${ids.length}`);
    const s_query = { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'id' }, condition: { type: 'term', values: ids } }] };

    // Baseline: the same rows deleted by hand, one transaction, in a copy of the database.
    const copy = new Database(db.serialize());
    global.gc?.();
    let t0 = performance.now();
    copy.transaction(() => {
      const leads = JSON.stringify(ids);
      copy.prepare(`DELETE FROM close_custom_values WHERE org_id = ? AND object_id IN (SELECT id FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?)))`).run(org, org, leads);
      copy.prepare(`DELETE FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))`).run(org, leads);
      copy.prepare(`DELETE FROM close_custom_values WHERE org_id = ? AND object_id IN (SELECT value FROM json_each(?))`).run(org, leads);
      copy.prepare(`DELETE FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).run(org, leads);
    })();
    const base = performance.now() - t0;
    copy.close();

    global.gc?.();
    t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/delete/', headers: { authorization: 'Bearer bench-delete' }, payload: { s_query, bulk_object_type: 'lead', send_done_email: false } });
    if (res.statusCode !== 200) throw new Error(`bulk delete create: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    const ticks = tickToEnd(app, db, org, id);
    const ours = performance.now() - t0;
    const left = db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(org) as number;
    if (left !== seeded - N) throw new Error(`bulk delete left ${left} of ${seeded} leads, expected ${seeded - N}`);
    const ratio = base / ours;
    row({
      figure: `Close bulk delete of ${N / 1000}k leads, ticker unthrottled`, value: ours, unit: 'ms', baseline: 'raw SQLite DELETEs of the same rows in one transaction (speed ratio)',
      baselineValue: base, ratio, target: '≥ 0.25×', pass: ratio >= 0.25, note: `${ticks} ticks of ${app.closeJobs.ticker.batchSize}; includes evaluating the 10k-id query`,
    });
  });
}
