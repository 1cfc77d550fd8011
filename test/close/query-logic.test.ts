import t from 'tap';
import { build, orgOf, seed, shareApps } from '../helper.js';
import { matchLeadIds } from '../../src/close/query/index.js';
import { words } from '../../src/close/query/text.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// and / or / negate, object_type, has_related, the text node, sort and results_limit — expected ids
// from the seed JSON.

const close = seed.close!;
const leads = close.leads;
type Lead = (typeof leads)[number];
const ALL = leads.map((l) => l.id).sort();
const INDUSTRY = 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM';
const EMPLOYEES = 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw';
const WON = close.opportunity_statuses.find((s) => s.type === 'won')!.id;
const where = (pred: (l: Lead) => boolean) => leads.filter(pred).map((l) => l.id).sort();
const industry = (...values: string[]) => ({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: INDUSTRY }, condition: { type: 'term', values } });
const status = (id: string) => ({
  type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' },
  condition: { type: 'reference', reference_type: 'status.lead', object_ids: [id] },
});
const S = close.lead_statuses[0]!.id;
const isSoftware = (l: Lead) => l.custom[INDUSTRY] === 'Software';
const related = (rel: string, related_query: object, extra: object = {}) => ({
  type: 'has_related', this_object_type: 'lead', related_object_type: rel, related_query, ...extra,
});
const contactField = (field_name: string, condition: object) => ({
  type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name }, condition,
});

t.test('and, or, negate and match_all combine as boolean logic', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (q: unknown) => matchLeadIds(app.tenants.db(org), org, q, { now: new Date() }).sort();
  const cases: [string, object, string[]][] = [
    ['empty and = every lead', { type: 'and', queries: [] }, ALL],
    ['empty or = no lead', { type: 'or', queries: [] }, []],
    ['match_all', { type: 'match_all' }, ALL],
    ['negated match_all', { type: 'match_all', negate: true }, []],
    ['negated empty or = every lead', { type: 'or', queries: [], negate: true }, ALL],
    ['and = intersection', { type: 'and', queries: [industry('Software'), status(S)] }, where((l) => isSoftware(l) && l.status_id === S)],
    ['or = union', { type: 'or', queries: [industry('Software'), status(S)] }, where((l) => isSoftware(l) || l.status_id === S)],
    ['negated term includes leads without the field', { ...industry('Software'), negate: true }, where((l) => !isSoftware(l))],
    ['negated and = complement', { type: 'and', queries: [industry('Software'), status(S)], negate: true }, where((l) => !(isSoftware(l) && l.status_id === S))],
    ['and with a negated child', { type: 'and', queries: [industry('Software', 'Retail'), { ...status(S), negate: true }] },
      where((l) => ['Software', 'Retail'].includes(l.custom[INDUSTRY] as string) && l.status_id !== S)],
    ['double negation', { type: 'or', negate: true, queries: [{ ...industry('Software'), negate: true }] }, where(isSoftware)],
    ['nested or inside and inside or', {
      type: 'or', queries: [
        { type: 'and', queries: [industry('Retail'), { type: 'or', queries: [status(S), { type: 'field_condition', field: { type: 'custom_field', custom_field_id: EMPLOYEES }, condition: { type: 'number_range', gte: 1000 } }] }] },
        { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'full_words', value: 'ACME Inc.' } },
      ],
    }, where((l) => (l.custom[INDUSTRY] === 'Retail' && (l.status_id === S || ((l.custom[EMPLOYEES] as number | undefined) ?? -1) >= 1000))
      || (words(l.name ?? '').includes('acme') && words(l.name ?? '').includes('inc')))],
    ['object_type lead is true for leads', { type: 'object_type', object_type: 'lead' }, ALL],
    ['object_type contact inside a lead query is false', { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'or', queries: [{ type: 'object_type', object_type: 'contact' }] }] }, []],
  ];
  for (const [label, q, expected] of cases) t.same(run(q), expected, label);
});

t.test('has_related finds leads through their contacts and opportunities', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (q: unknown) => matchLeadIds(app.tenants.db(org), org, q, { now: new Date() }).sort();
  const title = (c: Lead['contacts'][number], w: string) => words(c.title ?? '').includes(w);
  const cases: [string, object, string[]][] = [
    ['a contact titled CEO', related('contact', contactField('title', { type: 'text', mode: 'full_words', value: 'CEO' })),
      where((l) => l.contacts.some((c) => title(c, 'ceo')))],
    ['negated: no contact titled CEO', related('contact', contactField('title', { type: 'text', mode: 'full_words', value: 'ceo' }), { negate: true }),
      where((l) => !l.contacts.some((c) => title(c, 'ceo')))],
    ['a contact with a Japanese title (substring)', related('contact', contactField('title', { type: 'text', mode: 'full_words', value: '部長' })),
      where((l) => l.contacts.some((c) => (c.title ?? '').includes('部長')))],
    ['a contact with any email at a domain word', related('contact', contactField('emails', { type: 'text', mode: 'full_words', value: 'juniper-medical' })),
      where((l) => l.contacts.some((c) => c.emails.some((e) => e.email.includes('juniper-medical'))))],
    ['a contact with exactly this email, case-insensitively', related('contact', contactField('emails', { type: 'term', values: [leads[0]!.contacts[0]!.emails[0]!.email.toUpperCase()] })),
      [leads[0]!.id]],
    ['a contact with a phone', related('contact', contactField('phones', { type: 'exists' })), where((l) => l.contacts.some((c) => c.phones.length > 0))],
    ['any opportunity', related('opportunity', { type: 'match_all' }), where((l) => l.opportunities.length > 0)],
    ['no opportunity', related('opportunity', { type: 'match_all' }, { negate: true }), where((l) => l.opportunities.length === 0)],
    ['a won opportunity worth at least 1,000,000', related('opportunity', {
      type: 'and', queries: [
        { type: 'field_condition', field: { type: 'regular_field', object_type: 'opportunity', field_name: 'status_type' }, condition: { type: 'term', values: ['won'] } },
        { type: 'field_condition', field: { type: 'regular_field', object_type: 'opportunity', field_name: 'value' }, condition: { type: 'number_range', gte: 1_000_000 } },
      ],
    }), where((l) => l.opportunities.some((o) => o.status_id === WON && (o.value ?? -1) >= 1_000_000))],
    ['a contact whose lead (back through has_related) is Software', related('contact', {
      type: 'has_related', this_object_type: 'contact', related_object_type: 'lead', related_query: industry('Software'),
    }), where((l) => isSoftware(l) && l.contacts.length > 0)],
  ];
  for (const [label, q, expected] of cases) {
    t.ok(expected.length > 0 && expected.length < ALL.length, `${label}: not trivial`);
    t.same(run(q), expected, label);
  }
});

t.test('the text node searches the lead name, description, url and its contacts\' names, titles and emails', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (q: unknown) => matchLeadIds(app.tenants.db(org), org, q, { now: new Date() }).sort();
  const lead = leads.find((l) => l.contacts.length > 0 && l.contacts[0]!.name)!;
  const contactName = lead.contacts[0]!.name!;
  const textOf = (l: Lead) => [l.name, l.description, l.url, ...l.contacts.flatMap((c) => [c.name, c.title, ...c.emails.map((e) => e.email)])].join(' ');
  const matchesAll = (l: Lead, value: string) => words(value).every((w) => words(textOf(l)).some((h) => h.startsWith(w)));
  const cases: [string, string][] = [[contactName, 'a contact\'s name'], ['acme', 'a word prefix'], [`${lead.name!.split(' ')[0]} ${contactName.split(' ')[0]}`, 'words from the lead and a contact']];
  for (const [value, label] of cases) {
    const expected = where((l) => matchesAll(l, value));
    t.ok(expected.length > 0, `${label}: matches something`);
    t.same(run({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'text', value }] }), expected, label);
  }
  t.ok(run({ type: 'text', value: contactName }).includes(lead.id), 'the lead of a contact is found by the contact\'s name');
});

t.test('sort orders the matches, ties by id, and results_limit caps after sorting', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  const run = (sort: unknown, resultsLimit: number | null = null, q: unknown = { type: 'match_all' }) =>
    matchLeadIds(app.tenants.db(org), org, q, { now: new Date(), sort, resultsLimit });
  const field = (field_name: string) => ({ type: 'regular_field', object_type: 'lead', field_name });
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const byCreatedDesc = [...leads].sort((a, b) => cmp(b.date_created, a.date_created) || cmp(b.id, a.id)).map((l) => l.id);
  t.same(run(undefined), byCreatedDesc, 'default: date_created descending');
  t.same(run([{ direction: 'desc', field: field('date_created') }], 10), byCreatedDesc.slice(0, 10), 'the doc example sort with results_limit 10');
  t.same(run([{ direction: 'asc', field: field('date_created') }], 5), [...byCreatedDesc].reverse().slice(0, 5), 'ascending');
  t.same(run([{ direction: 'asc', field: field('name') }]),
    [...leads].sort((a, b) => cmp((a.name ?? '').toLowerCase(), (b.name ?? '').toLowerCase()) || cmp(a.id, b.id)).map((l) => l.id), 'name, case-insensitive');
  t.same(run([{ direction: 'asc', field: field('status_id') }, { direction: 'desc', field: field('date_created') }]),
    [...leads].sort((a, b) => cmp(a.status_id, b.status_id) || cmp(b.date_created, a.date_created) || cmp(a.id, b.id)).map((l) => l.id), 'two keys, ties by id');
  const emp = (l: Lead) => l.custom[EMPLOYEES] as number | undefined;
  const byEmployees = [...leads].sort((a, b) => (emp(a) === undefined ? 1 : 0) - (emp(b) === undefined ? 1 : 0) || cmp(emp(b) ?? 0, emp(a) ?? 0) || cmp(b.id, a.id)).map((l) => l.id);
  t.same(run([{ direction: 'desc', field: { type: 'custom_field', custom_field_id: EMPLOYEES } }]), byEmployees, 'custom number field descending, missing values last');
  t.same(run([{ direction: 'desc', field: { type: 'custom_field', custom_field_id: EMPLOYEES } }], 3, industry('Software')),
    byEmployees.filter((id) => isSoftware(leads.find((l) => l.id === id)!)).slice(0, 3), 'results_limit caps the filtered, sorted set');
  t.same(run(undefined, 0), [], 'results_limit 0 matches nothing');
});
