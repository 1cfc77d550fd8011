import t from 'tap';
import fc from 'fast-check';
import { holds } from '../fc.js';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, closeState, fieldId, isFieldError, rows } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The legacy search string on GET /lead/?query= and bulk edits: each construct against the truth
// computed here from the seed's data.

type Lead = (typeof CS.leads)[number];
const leads = CS.leads;
const where = (pred: (l: Lead) => boolean) => leads.filter(pred).map((l) => l.id).sort();
const EMPLOYEES = fieldId('Employees');
const INDUSTRY = fieldId('Industry');
const RENEWAL = fieldId('Contract Renewal');
const SOURCE = fieldId('Source Detail');
const PRODUCTS = fieldId('Products');
const REGION = fieldId('Region', 'shared');
/**
 * The test's own word splitter (maximal runs of letters and digits, NFKC, lower case, as Close's text
 * search documents it), so the expectations do not come from the tokenizer under test; query-text's
 * first test pins that tokenizer with literal cases.
 */
const words = (text: string) => text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
const label = (id: string) => CS.lead_statuses.find((s) => s.id === id)!.label;
const hasWords = (text: string | null | undefined, value: string) => { const have = words(text ?? ''); return words(value).every((w) => have.includes(w)); };
const leadText = (l: Lead) => [l.name, l.description, l.url, ...(l.contacts ?? []).flatMap((c) => [c.name, c.title, ...(c.emails ?? []).map((e) => e.email)])]
  .filter(Boolean).join(' ');
const prefixes = (text: string, value: string) => { const have = words(text); return words(value).every((w) => have.some((h) => h.startsWith(w))); };

/** Every lead id the query returns, through _skip paging, in answer order. */
async function list(app: FastifyInstance, query: string): Promise<string[]> {
  const out: string[] = [];
  for (let skip = 0; ; skip += 200) {
    const res = await call(app, { path: `/lead/?_limit=200&_skip=${skip}&query=${encodeURIComponent(query)}` });
    if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
    const body = res.json() as { data: { id: string }[]; has_more: boolean };
    out.push(...body.data.map((l) => l.id));
    if (!body.has_more) return out;
  }
}
const sorted = async (app: FastifyInstance, q: string) => (await list(app, q)).sort();

t.test('GET /lead/?query= evaluates each construct of the legacy string', async (t) => {
  const app = await build(t);
  const withName = leads.find((l) => (l.name ?? '').split(' ').length >= 2)!;
  const word = words(withName.name!)[0]!;
  const email = withName.contacts![0]!.emails![0]!.email;
  const status = label(withName.status_id);
  const phone = leads.flatMap((l) => (l.contacts ?? []).flatMap((c) => (c.phones ?? []).map((p) => p.phone)))[3]!;
  const source = leads.map((l) => l.custom[SOURCE]).find((v): v is string => typeof v === 'string' && v.includes(' '))!;
  const product = leads.map((l) => l.custom[PRODUCTS]).find((v): v is string[] => Array.isArray(v) && v.length > 1)![1]!;
  const regionWord = words(leads.map((l) => l.custom[REGION]).find((v): v is string => typeof v === 'string')!)[0]!;
  const cases: [string, string[]][] = [
    ['', where(() => true)],
    [`name:${word}`, where((l) => hasWords(l.name, word))],
    [`company:${word}`, where((l) => hasWords(l.name, word))],
    [`name:"${withName.name}"`, where((l) => (l.name ?? '').toLowerCase().includes(withName.name!.toLowerCase()))],
    [word, where((l) => prefixes(leadText(l), word))],
    [`email_address:${email.toUpperCase()}`, where((l) => (l.contacts ?? []).some((c) => (c.emails ?? []).some((e) => e.email.toLowerCase() === email.toLowerCase())))],
    [`status:"${status}"`, where((l) => l.status_id === withName.status_id)],
    [`lead_status:"${status.toUpperCase()}"`, where((l) => l.status_id === withName.status_id)],
    [`not status:"${status}"`, where((l) => l.status_id !== withName.status_id)],
    [`status:"${status}" ${word}`, where((l) => l.status_id === withName.status_id && prefixes(leadText(l), word))],
    [`status:"${status}" or name:${word}`, where((l) => l.status_id === withName.status_id || hasWords(l.name, word))],
    [`not (status:"${status}" OR name:${word}) AND url:*`, where((l) => !(l.status_id === withName.status_id || hasWords(l.name, word)) && !!l.url)],
    ['custom.Industry:Software', where((l) => l.custom[INDUSTRY] === 'Software')],
    ['"custom.Employees":*', where((l) => l.custom[EMPLOYEES] !== undefined && l.custom[EMPLOYEES] !== null)],
    ['custom.Employees >= 1000', where((l) => typeof l.custom[EMPLOYEES] === 'number' && (l.custom[EMPLOYEES] as number) >= 1000)],
    ['custom.Employees < 50', where((l) => typeof l.custom[EMPLOYEES] === 'number' && (l.custom[EMPLOYEES] as number) < 50)],
    ['"custom.Contract Renewal" > 2027-01-01', where((l) => typeof l.custom[RENEWAL] === 'string' && (l.custom[RENEWAL] as string) > '2027-01-01')],
    ['created > "2026-06-01"', where((l) => l.date_created.slice(0, 10) > '2026-06-01')],
    ['created >= 2026-06-01 created <= 2026-06-30', where((l) => l.date_created.slice(0, 10) >= '2026-06-01' && l.date_created.slice(0, 10) <= '2026-06-30')],
    [`created:${withName.date_created.slice(0, 10)}`, where((l) => l.date_created.slice(0, 10) === withName.date_created.slice(0, 10))],
    ['updated < 2026-08-01', where((l) => l.date_updated.slice(0, 10) < '2026-08-01')],
    ['contacts > 1', where((l) => (l.contacts ?? []).length > 1)],
    ['contacts:2', where((l) => (l.contacts ?? []).length === 2)],
    ['contacts <= 1', where((l) => (l.contacts ?? []).length <= 1)],
    ['opportunities:0', where((l) => (l.opportunities ?? []).length === 0)],
    ['opportunities >= 2', where((l) => (l.opportunities ?? []).length >= 2)],
    [`phone:${phone}`, where((l) => (l.contacts ?? []).some((c) => (c.phones ?? []).some((p) => p.phone === phone)))],
    ['phone:*', where((l) => (l.contacts ?? []).some((c) => (c.phones ?? []).length > 0))],
    [`"custom.Source Detail":"${source}"`, where((l) => typeof l.custom[SOURCE] === 'string' && (l.custom[SOURCE] as string).toLowerCase().includes(source.toLowerCase()))],
    [`custom.Products:"${product}"`, where((l) => Array.isArray(l.custom[PRODUCTS]) && (l.custom[PRODUCTS] as string[]).includes(product))],
    [`custom.Region:${regionWord}`, where((l) => hasWords(l.custom[REGION] as string | undefined, regionWord))],
  ];
  for (const [q, expected] of cases) {
    t.ok(expected.length > 0 || q === 'opportunities:0' || q === 'opportunities >= 2', `${q} has matches in the seed`);
    t.same(await sorted(app, q), expected, q || '(empty query)');
  }
});

t.test('sort: orders the legacy query\'s results; the default stays newest first', async (t) => {
  const app = await build(t);
  const byName = (await list(app, 'custom.Industry:Software sort:name')).map((id) => leads.find((l) => l.id === id)!);
  const names = byName.map((l) => (l.name ?? '').toLowerCase());
  t.same(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  const created = (await list(app, 'sort:-created')).map((id) => leads.find((l) => l.id === id)!.date_created);
  t.same(created, [...created].sort().reverse());
  const asc = (await list(app, 'sort:created')).map((id) => leads.find((l) => l.id === id)!.date_created);
  t.same(asc, [...asc].sort());
  const updated = (await list(app, 'sort:updated')).map((id) => leads.find((l) => l.id === id)!.date_updated);
  t.same(updated, [...updated].sort());
  const plain = (await list(app, 'custom.Industry:Software')).map((id) => leads.find((l) => l.id === id)!);
  const keys = plain.map((l) => `${l.date_created}|${l.id}`);
  t.same(keys, [...keys].sort().reverse());
});

t.test('slice:i/n partitions the matched set: slices 1..n are disjoint and together every match once', async (t) => {
  const app = await build(t);
  const queries = ['', 'contacts > 1', 'custom.Industry:*', 'not custom.Employees < 100'];
  // 60 thorough cases, 15 by default (test/fc.ts).
  await holds(t, 'slices partition', fc.tuple(fc.integer({ min: 1, max: 7 }), fc.constantFrom(...queries)), async ([n, q]) => {
    const whole = await sorted(app, q);
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) parts.push(...(await list(app, `${q} slice:${i}/${n}`)));
    if (new Set(parts).size !== parts.length) return `${q} slice:*/${n}: an id in two slices`;
    return JSON.stringify([...parts].sort()) === JSON.stringify(whole) ? null : `${q} slice:*/${n}: the slices are not the whole`;
  }, 60);
  const s1 = await sorted(app, 'slice:1/3');
  t.ok(s1.length > 0 && s1.length < leads.length, 'a slice is a proper part');
  t.same(await sorted(app, 'slice:1/1'), where(() => true));
});

t.test('a legacy query outside the subset is a 400 naming the token and changes nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const cases: [string, RegExp][] = [
    ['colour:red', /"colour"/],
    ['name:acme and', /"and" needs a term/],
    ['(name:acme', /Expected "\)"/],
    ['name:acme)', /"\)" at position 9: Unexpected token/],
    ['name:"acme', /Unterminated quoted string/],
    ['status:Nonexistent', /"Nonexistent"/],
    ['custom.Nope:1', /"custom.Nope"/],
    ['custom.Employees:many', /"many".*number/],
    ['name > 3', /"name".*comparisons/],
    ['created:yesterday', /"yesterday".*YYYY-MM-DD/],
    ['contacts > 1.5', /"1.5"/],
    ['sort:colour', /"colour".*sort field/],
    ['slice:0/3', /"0\/3"/],
    ['slice:4/3', /"4\/3"/],
    ['not slice:1/2', /slice/],
    ['(sort:name)', /sort/],
    ['name:acme or sort:name', /sort/],
    ['name:', /end of the query/],
    ['*:x', /"\*"/],
    ['!!!', /"!!!".*no words/],
    ['not', /"not" needs a term/],
    ['()', /Expected a search term/],
    ['('.repeat(60) + 'acme' + ')'.repeat(60), /nested more than 50/],
    ['a'.repeat(10_001), /longer than 10000/],
  ];
  for (const [q, message] of cases) {
    const res = await call(app, { path: `/lead/?query=${encodeURIComponent(q)}` });
    isFieldError(t, res, 'query');
    t.match(res.json()['field-errors'].query, message, q.slice(0, 40));
  }
  t.equal(closeState(app), before);
});

t.test('a bulk edit with only the legacy query runs to done on exactly the matched leads', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const target = CS.lead_statuses.find((s) => s.label === 'Customer')!;
  const query = 'custom.Employees >= 1000 contacts > 1 slice:1/2';
  const matched = await sorted(app, query);
  t.ok(matched.length > 0);
  const res = await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: { type: 'set_lead_status', lead_status_id: target.id, query } });
  t.equal(res.statusCode, 200, res.body);
  const edit = res.json();
  t.equal(edit.query, query, 'the answer echoes query');
  t.same(edit.sort, []);
  for (let i = 0; i < 200; i++) {
    app.closeJobs.tick();
    if ((rows(app, 'SELECT status FROM close_bulk_actions WHERE org_id = ? AND id = ?', org, edit.id)[0]!.status) === 'done') break;
  }
  const done = (await call(app, { path: `/bulk_action/edit/${edit.id}/` })).json();
  t.equal(done.status, 'done');
  t.equal(done.n_leads, matched.length);
  const items = rows(app, 'SELECT DISTINCT lead_id FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ? ORDER BY lead_id', org, edit.id).map((r) => r.lead_id);
  t.same(items, matched);
  const changed = rows(app, 'SELECT id, status_id FROM close_leads WHERE org_id = ? ORDER BY id', org);
  for (const r of changed) {
    const seeded = leads.find((l) => l.id === r.id)!;
    t.equal(r.status_id, matched.includes(r.id as string) ? target.id : seeded.status_id);
  }
});

t.test('GET /opportunity/ with query or lead_query lists the opportunities of the leads that match', async (t) => {
  const app = await build(t);
  const oppsOf = (pred: (l: Lead) => boolean) => leads.filter(pred).flatMap((l) => (l.opportunities ?? []).map((o) => o.id)).sort();
  const get = async (qs: string) => {
    const res = await call(app, { path: `/opportunity/?_limit=200&${qs}` });
    t.equal(res.statusCode, 200, res.body);
    t.equal(res.json().has_more, false);
    return (res.json().data as { id: string }[]).map((o) => o.id).sort();
  };
  const software = (l: Lead) => l.custom[INDUSTRY] === 'Software';
  const many = (l: Lead) => (l.contacts ?? []).length > 1;
  t.ok(oppsOf(software).length > 0);
  t.same(await get(`query=${encodeURIComponent('custom.Industry:Software')}`), oppsOf(software));
  t.same(await get(`lead_query=${encodeURIComponent('custom.Industry:Software')}`), oppsOf(software));
  t.same(await get(`query=${encodeURIComponent('custom.Industry:Software')}&lead_query=${encodeURIComponent('contacts > 1')}`), oppsOf((l) => software(l) && many(l)));
  const page = async (qs: string) => (await call(app, { path: `/opportunity/?_limit=50${qs}` })).json();
  t.same(await page('&query=%20'), await page(''), 'a blank query filters nothing');
  for (const [qs, field] of [['lead_query=colour%3Ared', 'lead_query'], ['query=sort%3Aname', 'query'], ['query=slice%3A1%2F2', 'query']]) {
    const res = await call(app, { path: `/opportunity/?${qs}` });
    isFieldError(t, res, field!);
  }
});
