// s_query matching at scale: 100k leads in one organization; each representative query (one per node
// type) timed next to the same filter written by hand in SQL, in the same run.
import { closeDate } from '../src/close/dates.js';
import { matchLeadIds } from '../src/close/query/index.js';
import { F, NOW, withLeads } from './leads.js';
import { fmt, row } from './lib.js';

const N = Number(process.env.BENCH_LEADS ?? 100_000);
const RUNS = 5;

function time(fn: () => unknown): { ms: number; result: unknown } {
  const times: number[] = [];
  let result: unknown;
  for (let r = 0; r < RUNS; r++) {
    global.gc?.();
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  return { ms: [...times].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!, result };
}

export async function queryStage(): Promise<void> {
  await withLeads('bench-query', N, async ({ app, db, org, statuses }) => {
    const name = (mode: string, value: string) => ({
      type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode, value },
    });
    const custom = (cf: string, condition: object) => ({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: cf }, condition });
    const leads = (...queries: object[]) => ({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, ...queries] });
    const byCreated = [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' } }];
    const since90 = closeDate(new Date(NOW.getTime() - 90 * 86_400_000));
    const cv = (field: string, where: string) => `SELECT object_id FROM close_custom_values WHERE org_id = @org AND field_id = '${field}' AND ${where}`;
    // Hand-written equivalents: word match as a LIKE on space-padded lower-case text, values by json.
    const words = (col: string, ...ws: string[]) => ws.map((w) => `(' ' || lower(${col}) || ' ') LIKE '% ${w} %'`).join(' AND ');
    const queries: { name: string; query: object; sort?: object[]; sql: string }[] = [
      {
        name: 'field_condition text full_words "ACME Inc.", sorted', query: leads(name('full_words', 'ACME Inc.')), sort: byCreated,
        sql: `SELECT id FROM close_leads WHERE org_id = @org AND ${words('name', 'acme', 'inc.')} ORDER BY date_created DESC`,
      },
      {
        name: 'custom field term (multi-value contains)', query: leads(custom(F.products, { type: 'term', values: ['Analytics'] })),
        sql: `SELECT id FROM close_leads WHERE org_id = @org AND id IN (SELECT v.object_id FROM close_custom_values v, json_each(v.value) j
          WHERE v.org_id = @org AND v.field_id = '${F.products}' AND j.value = 'Analytics')`,
      },
      {
        name: 'moment_range on date_created (last 90 days)',
        query: leads({
          type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' },
          condition: { type: 'moment_range', on_or_after: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { days: 90 } } },
        }),
        sql: `SELECT id FROM close_leads WHERE org_id = @org AND date_created >= '${since90}'`,
      },
      {
        name: 'custom datetime moment_range (2026)',
        query: leads(custom(F.lastDemo, { type: 'moment_range', on_or_after: { type: 'fixed_local_date', value: '2026-01-01', which: 'start' }, before: { type: 'fixed_local_date', value: '2026-12-31', which: 'end' } })),
        sql: `SELECT id FROM close_leads WHERE org_id = @org AND id IN (${cv(F.lastDemo, `json_extract(value, '$') >= '2026-01-01' AND json_extract(value, '$') < '2027-01-01'`)})`,
      },
      {
        name: 'and/or/negate + reference + number_range + has_related',
        query: leads(
          { type: 'or', queries: [custom(F.industry, { type: 'term', values: ['Software'] }), custom(F.employees, { type: 'number_range', gte: 1000 })] },
          { ...{ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'status.lead', object_ids: [statuses[0]] } }, negate: true },
          {
            type: 'has_related', this_object_type: 'lead', related_object_type: 'contact',
            related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'text', mode: 'full_words', value: 'CEO' } },
          },
        ),
        sql: `SELECT id FROM close_leads WHERE org_id = @org
          AND (id IN (${cv(F.industry, `value = '"Software"'`)}) OR id IN (${cv(F.employees, `CAST(value AS REAL) >= 1000`)}))
          AND status_id <> '${statuses[0]}'
          AND id IN (SELECT lead_id FROM close_contacts WHERE org_id = @org AND ${words('title', 'ceo')})`,
      },
      {
        name: 'text node "juniper labs" (lead and contact text)', query: leads({ type: 'text', value: 'juniper labs' }),
        sql: `SELECT id FROM close_leads WHERE org_id = @org AND ((instr(lower(name), 'juniper') AND instr(lower(name), 'labs'))
          OR id IN (SELECT lead_id FROM close_contacts WHERE org_id = @org AND instr(lower(name), 'juniper') AND instr(lower(name), 'labs')))`,
      },
    ];
    for (const q of queries) {
      const stmt = db.prepare(q.sql).pluck();
      const base = time(() => stmt.all({ org }));
      const ours = time(() => matchLeadIds(db, org, q.query, { sort: q.sort, now: NOW }));
      const ratio = base.ms / ours.ms;
      const matched = (ours.result as string[]).length;
      const baseMatched = (base.result as string[]).length;
      row({
        figure: `s_query over ${N / 1000}k leads: ${q.name}`, value: ours.ms, unit: 'ms', baseline: 'the same filter in hand-written SQL (speed ratio)',
        baselineValue: base.ms, ratio, target: '≥ 0.5×', pass: ratio >= 0.5,
        note: `${matched} matched${baseMatched !== matched ? ` (SQL: ${baseMatched})` : ''}; median of ${RUNS}`,
      });
    }
    void fmt;
  });
}
