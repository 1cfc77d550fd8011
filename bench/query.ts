// s_query matching at scale: 100k leads (with contacts and custom values) in one organization, each
// representative query timed next to a baseline measured in the same run — a plain full scan of the
// organization's lead ids — and the ratio. Run after `npm run build`:
//   node --expose-gc dist/bench/query.js
import { buildApp } from '../src/app.js';
import { loadSeedFile } from '../src/core/seed.js';
import { DEFAULT_SEED } from '../src/config.js';
import { closeDate } from '../src/close/dates.js';
import { matchLeadIds } from '../src/close/query/index.js';

const N = Number(process.env.BENCH_LEADS ?? 100_000);
const RUNS = 5;
const F = {
  industry: 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM',
  products: 'cf_o22YJGjB8Gfcffr4jtgGrnQWVVJv87hc4ly0AhqOLpb',
  employees: 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw',
  lastDemo: 'cf_p7fzRReDUX1V3kiGqJiCBn0TF6IDyRs99hmACTqxVEM',
};
const INDUSTRIES = ['Software', 'Manufacturing', 'Retail', 'Financial Services', 'Healthcare', 'Logistics'];
const PRODUCTS = ['CRM', 'Analytics', 'Support Desk', 'Telephony', 'Marketing Automation'];
const WORDS = ['Acme', 'Blue', 'Orion', 'Juniper', 'Sakura', 'Nova', 'Summit', 'Harbor', 'Pine', 'Vertex', 'Inc.', 'GmbH', 'Holdings', 'Labs', 'Systems', '株式会社', 'テック', 'フーズ'];
const TITLES = ['CEO', 'CTO', 'Head of Sales', 'Office Manager', 'IT Manager', 'Buyer'];

// A deterministic generator, so every run measures the same data.
let state = 42;
const rand = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const id = (prefix: string, i: number) => prefix + i.toString(36).padStart(43, '0');

const seed = loadSeedFile(DEFAULT_SEED);
const app = await buildApp({ seed, logger: false });
await app.ready();
const org = app.tenants.resolve('bench-query').id;
const db = app.db;
const statuses = db.prepare(`SELECT id FROM close_lead_statuses WHERE org_id = ?`).pluck().all(org) as string[];
const now = new Date('2026-09-01T00:00:00Z');

let t0 = performance.now();
db.transaction(() => {
  const lead = db.prepare(`INSERT INTO close_leads (org_id, id, name, status_id, description, url, created_by, updated_by, date_created, date_updated)
    VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)`);
  const contact = db.prepare(`INSERT INTO close_contacts (org_id, id, lead_id, name, title, emails, phones, date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?)`);
  const value = db.prepare(`INSERT INTO close_custom_values (org_id, object_id, field_id, value) VALUES (?, ?, ?, ?)`);
  for (let i = 0; i < N; i++) {
    const leadId = id('lead_', i);
    const created = closeDate(new Date(now.getTime() - Math.floor(rand() * 730 * 86_400_000)));
    const name = i % 5000 === 0 ? 'ACME Inc.' : `${pick(WORDS)} ${pick(WORDS)} ${pick(WORDS)}`;
    lead.run(org, leadId, name, pick(statuses), rand() < 0.5 ? 'Budget approved for next fiscal year.' : null, created, created);
    const contacts = Math.floor(rand() * 3);
    for (let k = 0; k < contacts; k++) {
      contact.run(org, id('cont_', i * 3 + k), leadId, `Person ${i}-${k}`, pick(TITLES), JSON.stringify([{ email: `p${i}.${k}@example.com`, type: 'office' }]), created, created);
    }
    if (rand() < 0.6) value.run(org, leadId, F.industry, JSON.stringify(pick(INDUSTRIES)));
    if (rand() < 0.5) value.run(org, leadId, F.products, JSON.stringify([...new Set([pick(PRODUCTS), pick(PRODUCTS)])]));
    if (rand() < 0.7) value.run(org, leadId, F.employees, String(Math.floor(rand() * 5000)));
    if (rand() < 0.4) value.run(org, leadId, F.lastDemo, JSON.stringify(closeDate(new Date(now.getTime() - Math.floor(rand() * 365 * 86_400_000)))));
  }
})();
const total = db.prepare(`SELECT count(*) FROM close_leads WHERE org_id = ?`).pluck().get(org) as number;
console.log(`inserted ${N} leads in ${((performance.now() - t0) / 1000).toFixed(1)} s (organization holds ${total})`);

const name = (mode: string, value: string) => ({
  type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode, value },
});
const custom = (cf: string, condition: object) => ({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: cf }, condition });
const leads = (...queries: object[]) => ({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, ...queries] });
const byCreated = [{ direction: 'desc', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' } }];

const queries: { name: string; query: object; sort?: object[] }[] = [
  { name: 'doc example: name full_words "ACME Inc.", date_created desc', query: leads(name('full_words', 'ACME Inc.')), sort: byCreated },
  { name: 'custom term: Products contains Analytics (multi-value)', query: leads(custom(F.products, { type: 'term', values: ['Analytics'] })) },
  {
    name: 'moment_range: created in the last 90 days',
    query: leads({
      type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' },
      condition: { type: 'moment_range', on_or_after: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { days: 90 } } },
    }),
  },
  {
    name: 'custom datetime moment_range: Last Demo At in 2026',
    query: leads(custom(F.lastDemo, { type: 'moment_range', on_or_after: { type: 'fixed_local_date', value: '2026-01-01', which: 'start' }, before: { type: 'fixed_local_date', value: '2026-12-31', which: 'end' } })),
  },
  {
    name: 'and/or mix: (Industry Software or Employees >= 1000) and not Customer and a CEO contact',
    query: leads(
      { type: 'or', queries: [custom(F.industry, { type: 'term', values: ['Software'] }), custom(F.employees, { type: 'number_range', gte: 1000 })] },
      { ...{ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'status.lead', object_ids: [statuses[0]] } }, negate: true },
      {
        type: 'has_related', this_object_type: 'lead', related_object_type: 'contact',
        related_query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'text', mode: 'full_words', value: 'CEO' } },
      },
    ),
  },
  { name: 'text node: "juniper labs" over lead and contact text', query: leads({ type: 'text', value: 'juniper labs' }) },
];

const time = (fn: () => unknown): { ms: number; result: unknown } => {
  const times: number[] = [];
  let result: unknown;
  for (let r = 0; r < RUNS; r++) {
    global.gc?.();
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(RUNS / 2)]!, result };
};

const baselineStmt = db.prepare(`SELECT id FROM close_leads WHERE org_id = ?`).pluck();
const baseline = time(() => baselineStmt.all(org)).ms;
const rows: Record<string, string>[] = [];
for (const q of queries) {
  const { ms, result } = time(() => matchLeadIds(db, org, q.query, { sort: q.sort, now }));
  rows.push({ query: q.name, matched: String((result as string[]).length), 'median ms': ms.toFixed(1), 'baseline ms': baseline.toFixed(1), ratio: (ms / baseline).toFixed(1) });
}
console.log(`matchLeadIds over ${total} leads, median of ${RUNS} runs; baseline = SELECT id FROM close_leads WHERE org_id = ? (full scan)`);
console.table(rows);
t0 = performance.now();
await app.close();
