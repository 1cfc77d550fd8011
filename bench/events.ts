// What Close's event log costs: the same writes with events recorded and with recording switched off
// (closeStore.events.enabled), in the same run: a PUT /task/ bulk update of 100 tasks (100 `updated`
// events a request) and a bulk edit of 10k leads (one `updated` event per lead, data = GET's lead).
import type { FastifyInstance } from 'fastify';
import { withLeads } from './leads.js';
import { row, tickToEnd } from './lib.js';

const N = Number(process.env.BENCH_EVENT_LEADS ?? 10_000);
const auth = { authorization: 'Bearer bench-events' };

async function taskUpdates(app: FastifyInstance, ids: string[], rounds: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) {
    const res = await app.inject({ method: 'PUT', url: `/api/v1/task/?id__in=${ids.join(',')}`, headers: auth, payload: { is_complete: i % 2 === 0 } });
    if (res.statusCode !== 200) throw new Error(`PUT /task/: ${res.statusCode} ${res.body}`);
  }
  return (performance.now() - t0) / rounds;
}

export async function eventsStage(): Promise<void> {
  await withLeads('bench-events', N, async ({ app, db, org, statuses }) => {
    const events = app.closeStore.events;
    const leads = db.prepare(`SELECT id FROM close_leads WHERE org_id = ? AND id LIKE 'lead_000000%' ORDER BY id LIMIT ?`).pluck().all(org, N) as string[];
    // 100 tasks on the first leads.
    const tasks: string[] = [];
    for (const lead of leads.slice(0, 100)) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/task/', headers: auth, payload: { lead_id: lead, text: 'bench' } });
      tasks.push(res.json().id as string);
    }
    const rounds = 20;
    await taskUpdates(app, tasks, 3);
    events.enabled = false;
    const offTask = await taskUpdates(app, tasks, rounds);
    events.enabled = true;
    const onTask = await taskUpdates(app, tasks, rounds);
    row({
      figure: 'Close PUT /task/ bulk update of 100 tasks, with events', value: onTask, unit: 'ms', baseline: 'the same request with event recording off',
      baselineValue: offTask, ratio: onTask / offTask, target: '≤ 1.5×', pass: onTask / offTask <= 1.5, note: `mean of ${rounds} requests each; 100 updated events a request`,
    });

    const s_query = { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'id' }, condition: { type: 'term', values: leads } }] };
    const edit = async (status: string) => {
      const t0 = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: auth, payload: { type: 'set_lead_status', lead_status_id: status, s_query, send_done_email: false } });
      if (res.statusCode !== 200) throw new Error(`bulk edit: ${res.statusCode} ${res.body}`);
      tickToEnd(app, db, org, res.json().id as string);
      return performance.now() - t0;
    };
    global.gc?.();
    events.enabled = false;
    const off = await edit(statuses[1]!);
    events.enabled = true;
    global.gc?.();
    const on = await edit(statuses[2]!);
    const recorded = db.prepare(`SELECT count(*) FROM close_events WHERE org_id = ? AND object_type = 'lead' AND action = 'updated'`).pluck().get(org) as number;
    if (recorded < N) throw new Error(`expected ${N} lead events, found ${recorded}`);
    row({
      figure: `Close bulk edit of ${N / 1000}k leads, with events`, value: on, unit: 'ms', baseline: 'the same bulk edit with event recording off',
      baselineValue: off, ratio: on / off, target: '≤ 1.5×', pass: on / off <= 1.5, note: `${recorded} lead.updated events, each with the lead as GET answers it, before and after`,
    });
  });
}
