// A Close bulk edit (set_lead_status) over 100k leads with the ticker unthrottled (ticks back to back,
// the default batch size), next to one raw SQLite UPDATE of the same rows.
import { closeDate } from '../src/close/dates.js';
import { withLeads } from './leads.js';
import { row, tickToEnd } from './lib.js';

const N = Number(process.env.BENCH_LEADS ?? 100_000);

export async function bulkEditStage(): Promise<void> {
  await withLeads('bench-edit', N, async ({ app, db, org, statuses }) => {
    const leads = db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(org) as number;

    global.gc?.();
    let t0 = performance.now();
    db.prepare(`UPDATE close_leads SET status_id = ?, updated_by = NULL, date_updated = ? WHERE org_id = ?`).run(statuses[1], closeDate(new Date()), org);
    const base = performance.now() - t0;

    global.gc?.();
    t0 = performance.now();
    const res = await app.inject({
      method: 'POST', url: '/api/v1/bulk_action/edit/', headers: { authorization: 'Bearer bench-edit' },
      payload: { type: 'set_lead_status', lead_status_id: statuses[2], s_query: { type: 'object_type', object_type: 'lead' } },
    });
    if (res.statusCode !== 200) throw new Error(`bulk edit create: ${res.statusCode} ${res.body}`);
    const id = res.json().id as string;
    const ticks = tickToEnd(app, db, org, id);
    const ours = performance.now() - t0;
    const changed = db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ? AND status_id = ?`).pluck().get(org, statuses[2]) as number;
    if (changed !== leads) throw new Error(`bulk edit changed ${changed} of ${leads} leads`);
    const ratio = base / ours;
    row({
      figure: `Close bulk edit over ${N / 1000}k leads, ticker unthrottled`, value: ours / 1000, unit: 's', baseline: 'one raw SQLite UPDATE of the same rows (speed ratio)',
      baselineValue: base / 1000, ratio, target: '≥ 0.5×', pass: ratio >= 0.5, note: `${ticks} ticks of ${app.closeJobs.ticker.batchSize}`,
    });
  });
}
