import t, { type Test } from 'tap';
import { build, orgOf, seed } from '../helper.js';
import { matchLeadIds } from '../../src/close/query/index.js';

// One table per condition type (spec §3.3); every expected id set is computed from the seed JSON.

const close = seed.close!;
const leads = close.leads;
type Lead = (typeof leads)[number];
const CF = {
  products: 'cf_o22YJGjB8Gfcffr4jtgGrnQWVVJv87hc4ly0AhqOLpb',
  employees: 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw',
  industry: 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM',
  lastDemo: 'cf_p7fzRReDUX1V3kiGqJiCBn0TF6IDyRs99hmACTqxVEM',
  renewal: 'cf_UVUYr9Z0juvUFniKDOSKMlYuZub71Me31IyxXLRCHdz',
  owner: 'cf_FWlzSMK3FdWYRwfIkpGmMwV59N68xEMEvomiAemAc6g',
  primary: 'cf_6GRuOqENm1SQQsK9RKa38G7U10CyaW6GCLJuZRBrHMd',
};
const where = (pred: (l: Lead) => boolean) => leads.filter(pred).map((l) => l.id).sort();
const regular = (field_name: string, condition: object) => ({
  type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name }, condition,
});
const custom = (id: string, condition: object) => ({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: id }, condition });
const num = (l: Lead) => l.custom[CF.employees] as number | undefined;
const ms = (s: string) => Date.parse(s);

type Case = [label: string, query: object, expected: string[]];

async function runTable(t: Test, name: string, cases: Case[], opts: { now?: Date; tzOffsetMinutes?: number } = {}) {
  const app = await build(t);
  const org = orgOf(app, 'key');
  for (const [label, query, expected] of cases) {
    const got = matchLeadIds(app.tenants.db(org), org, query, { now: opts.now ?? new Date('2026-09-01T00:00:00Z'), tzOffsetMinutes: opts.tzOffsetMinutes ?? 0 }).sort();
    t.same(got, expected, `${name}: ${label}`);
  }
  if (cases.length > 1) {
    t.ok(cases.some(([, , e]) => e.length > 0) && cases.some(([, , e]) => e.length < leads.length), `${name}: the table is not trivial`);
  }
}

t.test('term: any of the values; multi-value fields match if any element does', async (t) => {
  const products = (l: Lead) => (l.custom[CF.products] as string[] | undefined) ?? [];
  const someEmployees = num(leads.find((l) => num(l) !== undefined)!)!;
  await runTable(t, 'term', [
    ['choices field, one value', custom(CF.industry, { type: 'term', values: ['Software'] }), where((l) => l.custom[CF.industry] === 'Software')],
    ['choices field, two values', custom(CF.industry, { type: 'term', values: ['Software', 'Retail'] }),
      where((l) => ['Software', 'Retail'].includes(l.custom[CF.industry] as string))],
    ['multi-value field contains the value', custom(CF.products, { type: 'term', values: ['Analytics'] }), where((l) => products(l).includes('Analytics'))],
    ['multi-value field contains any of the values', custom(CF.products, { type: 'term', values: ['Telephony', 'Support Desk'] }),
      where((l) => products(l).some((p) => p === 'Telephony' || p === 'Support Desk'))],
    ['number field, numeric value', custom(CF.employees, { type: 'term', values: [someEmployees] }), where((l) => num(l) === someEmployees)],
    ['number field, numeric string', custom(CF.employees, { type: 'term', values: [String(someEmployees)] }), where((l) => num(l) === someEmployees)],
    ['regular text field is an exact value', regular('name', { type: 'term', values: ['ACME Inc.', 'acmecorp'] }), where((l) => l.name === 'ACME Inc.')],
    ['an empty list matches nothing', custom(CF.industry, { type: 'term', values: [] }), []],
  ]);
});

t.test('reference: the id is one of object_ids', async (t) => {
  const [s1, s2] = close.lead_statuses.map((s) => s.id);
  const user = close.users[1]!.id;
  const contactId = leads.find((l) => l.custom[CF.primary])!.custom[CF.primary] as string;
  await runTable(t, 'reference', [
    ['lead status', regular('status_id', { type: 'reference', reference_type: 'status.lead', object_ids: [s1] }), where((l) => l.status_id === s1)],
    ['two lead statuses', regular('status_id', { type: 'reference', reference_type: 'status.lead', object_ids: [s1, s2] }),
      where((l) => l.status_id === s1 || l.status_id === s2)],
    ['created_by a user', regular('created_by', { type: 'reference', reference_type: 'user_or_group', object_ids: [user] }), where((l) => l.created_by === user)],
    ['custom user field', custom(CF.owner, { type: 'reference', reference_type: 'user_or_group', object_ids: [user] }), where((l) => l.custom[CF.owner] === user)],
    ['custom contact field', custom(CF.primary, { type: 'reference', reference_type: 'contact', object_ids: [contactId] }),
      where((l) => l.custom[CF.primary] === contactId)],
    ['lead ids', regular('id', { type: 'reference', reference_type: 'lead', object_ids: [leads[3]!.id, leads[7]!.id, 'lead_unknown'] }),
      [leads[3]!.id, leads[7]!.id].sort()],
  ]);
});

t.test('number_range: inclusive and exclusive bounds', async (t) => {
  const n = (pred: (v: number) => boolean) => where((l) => num(l) !== undefined && pred(num(l)!));
  const pivot = num(leads.find((l) => num(l) !== undefined)!)!;
  await runTable(t, 'number_range', [
    ['gte', custom(CF.employees, { type: 'number_range', gte: pivot }), n((v) => v >= pivot)],
    ['gt excludes the bound', custom(CF.employees, { type: 'number_range', gt: pivot }), n((v) => v > pivot)],
    ['lte', custom(CF.employees, { type: 'number_range', lte: pivot }), n((v) => v <= pivot)],
    ['lt excludes the bound', custom(CF.employees, { type: 'number_range', lt: pivot }), n((v) => v < pivot)],
    ['between, null bounds ignored', custom(CF.employees, { type: 'number_range', gte: 100, lte: 500, gt: null }), n((v) => v >= 100 && v <= 500)],
  ]);
});

t.test('moment_range: fixed_utc, offset from now, custom date and datetime fields; before is exclusive', async (t) => {
  const now = new Date('2026-03-01T12:00:00Z');
  const created = (from: number, to: number) => where((l) => ms(l.date_created) >= from && ms(l.date_created) < to);
  const boundary = leads[10]!.date_created;
  const demo = (from: number, to: number) => where((l) => typeof l.custom[CF.lastDemo] === 'string' && ms(l.custom[CF.lastDemo] as string) >= from && ms(l.custom[CF.lastDemo] as string) < to);
  const renewal = (from: string, to: string) => where((l) => typeof l.custom[CF.renewal] === 'string' && (l.custom[CF.renewal] as string) >= from && (l.custom[CF.renewal] as string) <= to);
  await runTable(t, 'moment_range', [
    ['fixed_utc on_or_after and before', regular('date_created', {
      type: 'moment_range', on_or_after: { type: 'fixed_utc', value: '2026-01-01T00:00:00Z' }, before: { type: 'fixed_utc', value: '2026-02-01T00:00:00+00:00' },
    }), created(ms('2026-01-01T00:00:00Z'), ms('2026-02-01T00:00:00Z'))],
    ['on_or_after includes the exact instant', regular('date_created', { type: 'moment_range', on_or_after: { type: 'fixed_utc', value: boundary } }),
      created(ms(boundary), Infinity)],
    ['before excludes the exact instant', regular('date_created', { type: 'moment_range', before: { type: 'fixed_utc', value: boundary } }),
      created(-Infinity, ms(boundary))],
    ['offset: created in the 30 days before now', regular('date_created', {
      type: 'moment_range', on_or_after: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { days: 30 } },
    }), created(now.getTime() - 30 * 86_400_000, Infinity)],
    ['offset: months and hours', regular('date_updated', {
      type: 'moment_range', before: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { months: 2, hours: 6 } },
    }), where((l) => ms(l.date_updated) < ms('2026-01-01T06:00:00Z'))],
    ['custom datetime field', custom(CF.lastDemo, {
      type: 'moment_range', on_or_after: { type: 'fixed_utc', value: '2025-06-01T00:00:00Z' }, before: { type: 'fixed_utc', value: '2026-01-01T00:00:00Z' },
    }), demo(ms('2025-06-01T00:00:00Z'), ms('2026-01-01T00:00:00Z'))],
    ['custom date field, whole local days', custom(CF.renewal, {
      type: 'moment_range', on_or_after: { type: 'fixed_local_date', value: '2026-01-01', which: 'start' }, before: { type: 'fixed_local_date', value: '2026-06-30', which: 'end' },
    }), renewal('2026-01-01', '2026-06-30')],
  ], { now });
});

t.test('moment_range with fixed_local_date follows the X-TZ-Offset of the request', async (t) => {
  // A lead created at 15:00 UTC or later is already on the next day in Tokyo (UTC+9).
  const lead = leads.find((l) => Number(l.date_created.slice(11, 13)) >= 15)!;
  const tokyoDay = new Date(ms(lead.date_created) + 9 * 3_600_000).toISOString().slice(0, 10);
  const q = regular('date_created', {
    type: 'moment_range', on_or_after: { type: 'fixed_local_date', value: tokyoDay, which: 'start' }, before: { type: 'fixed_local_date', value: tokyoDay, which: 'end' },
  });
  const localDay = (offsetHours: number) => where((l) => new Date(ms(l.date_created) + offsetHours * 3_600_000).toISOString().slice(0, 10) === tokyoDay);
  t.ok(localDay(9).includes(lead.id) && !localDay(0).includes(lead.id), 'the chosen lead falls on different days in UTC and Tokyo');
  t.notSame(localDay(9), localDay(0), 'the Tokyo and UTC days select different leads');
  await runTable(t, 'fixed_local_date +09:00', [['the Tokyo day', q, localDay(9)]], { tzOffsetMinutes: 540 });
  await runTable(t, 'fixed_local_date UTC', [['the UTC day', q, localDay(0)]], { tzOffsetMinutes: 0 });
  await runTable(t, 'fixed_local_date -04:00', [['the New York (EDT) day', q, localDay(-4)]], { tzOffsetMinutes: -240 });
});

t.test('exists and boolean: the field has a value; negate = empty', async (t) => {
  const has = (l: Lead, id: string) => l.custom[id] !== undefined;
  const exists = { type: 'exists' };
  await runTable(t, 'exists', [
    ['regular field with a value', regular('description', exists), where((l) => l.description !== null && l.description !== '')],
    ['negated: regular field without a value', { ...regular('description', exists), negate: true }, where((l) => l.description === null || l.description === '')],
    ['url', regular('url', exists), where((l) => l.url !== null)],
    ['custom field', custom(CF.industry, exists), where((l) => has(l, CF.industry))],
    ['negated custom field', { ...custom(CF.industry, exists), negate: true }, where((l) => !has(l, CF.industry))],
    ['multi-value custom field', custom(CF.products, exists), where((l) => has(l, CF.products))],
    ['boolean true = has a value', custom(CF.renewal, { type: 'boolean', value: true }), where((l) => has(l, CF.renewal))],
    ['boolean false = has none', custom(CF.renewal, { type: 'boolean', value: false }), where((l) => !has(l, CF.renewal))],
    ['negated boolean false = has a value', { ...custom(CF.renewal, { type: 'boolean', value: false }), negate: true }, where((l) => has(l, CF.renewal))],
  ]);
});
