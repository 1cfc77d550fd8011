import { readFileSync } from 'node:fs';
import t from 'tap';
import { build, bearer, orgOf, count, multipart, parseExport, seed, SEED_IDS, shareApps } from '../helper.js';
import { parseRfc4180, writeRfc4180 } from './rfc4180.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The vendor's documentation (a verbatim copy of shared/seeds/blueai-crm-bulk.txt) is the contract.
const doc = readFileSync(new URL('../fixtures/blueai-crm-bulk.txt', import.meta.url), 'utf8');
const documented = [...doc.matchAll(/Columns: ([a-z_, ]+)/g)].map((m) => m[1]!.split(',').map((c) => c.trim()));
const importColumns = /CSV headers should map to: ([a-z_, ]+)\./.exec(doc)![1]!.split(',').map((c) => c.trim());

const exports = [
  ['deals', documented[0]!],
  ['contacts', documented[1]!],
  ['companies', documented[2]!],
] as const;

t.test('the documentation lists three exports and the import columns', async (t) => {
  t.equal(documented.length, 3);
  t.same(importColumns, ['first_name', 'last_name', 'email', 'phone', 'position', 'company_id', 'note']);
});

for (const [kind, columns] of exports) {
  t.test(`the ${kind} export is a UTF-8 BOM CSV download with exactly the documented columns`, async (t) => {
    const app = await build(t);
    const res = await app.inject({ url: `/api/v1/crm/bulk/${kind}/export`, headers: bearer() });
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    t.equal(res.headers['content-disposition'], `attachment; filename="${kind}.csv"`);
    t.same([...res.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with the UTF-8 BOM');
    t.ok(res.body.endsWith('\r\n'));
    t.notOk(/[^\r]\n/.test(res.body.replace(/"[^"]*"/g, '')), 'every record ends with CRLF');
    const rows = await parseExport(res.body);
    t.same(rows[0], columns, 'header row equals the documented column list, in order');
    t.equal(rows.length - 1, count(app, `blueai_${kind}`, orgOf(app)), 'one row per stored object');
    t.ok(rows.slice(1).every((r) => r.length === columns.length));
  });
}

t.test('export values come from the stored rows, renamed only at the CSV edge', async (t) => {
  const app = await build(t);
  const byId = async (kind: string) => {
    const rows = await parseExport((await app.inject({ url: `/api/v1/crm/bulk/${kind}/export`, headers: bearer() })).body);
    const [header, ...data] = rows;
    return new Map(data.map((r) => [r[0], Object.fromEntries(header!.map((h, i) => [h, r[i]]))]));
  };
  const deals = await byId('deals');
  const company = seed.blueai.companies.find((c) => c.id === SEED_IDS.company)!;
  const deal1 = seed.blueai.deals.find((d) => d.id === SEED_IDS.deal1)!;
  t.same(deals.get(SEED_IDS.deal1), {
    id: deal1.id, name: deal1.name, customer_name: company.name, company_id: company.id, contact_id: deal1.contact_id ?? '',
    amount: deal1.amount === null ? '' : String(deal1.amount), stage: deal1.stage, expected_close_date: deal1.expected_close_date ?? '',
    assigned_member_id: deal1.assigned_member_id ?? '', created_at: deal1.created_at, updated_at: deal1.updated_at,
  });
  for (const d of seed.blueai.deals) t.equal(deals.get(d.id)?.name, d.name, 'names with commas and quotes survive quoting');

  const contacts = await byId('contacts');
  for (const c of seed.blueai.contacts) {
    const out = contacts.get(c.id)!;
    t.equal(out.name, c.first_name ? `${c.last_name} ${c.first_name}` : c.last_name);
    t.equal(out.notes, c.note ?? '', 'notes (multi-line, quoted) is the stored note');
  }
  const companies = await byId('companies');
  for (const c of seed.blueai.companies) {
    t.equal(companies.get(c.id)!.website_url, c.website ?? '');
    t.equal(companies.get(c.id)!.notes, c.note ?? '');
  }
});

t.test('exports show the current state of the caller’s own organization only', async (t) => {
  const app = await build(t);
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/update', headers: bearer(), payload: { ids: [SEED_IDS.deal1], stage: 'proposal' } });
  const created = await app.inject({ method: 'POST', url: '/api/v1/crm/deals', headers: bearer('someone-else'), payload: { name: 'よその案件' } });
  const mine = await app.inject({ url: '/api/v1/crm/bulk/deals/export', headers: bearer() });
  const rows = await parseExport(mine.body);
  t.equal(rows.find((r) => r[0] === SEED_IDS.deal1)?.[6], 'proposal');
  t.notOk(rows.some((r) => r[0] === created.json().id));
  const theirs = await parseExport((await app.inject({ url: '/api/v1/crm/bulk/deals/export', headers: bearer('someone-else') })).body);
  t.equal(theirs.length, 202, 'their 200 seeded deals, the new one and the header');
});

t.test('a large export pages through rows that share a timestamp without losing or repeating any', async (t) => {
  const app = await build(t);
  const csv = 'last_name,first_name\n' + Array.from({ length: 1234 }, (_, i) => `大量,${i}`).join('\n');
  const { payload, headers } = multipart([{ name: 'file', filename: 'many.csv', content: csv }]);
  const imported = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer(), ...headers }, payload });
  t.same(imported.json(), { processed: 1234, errors: [] });
  const rows = await parseExport((await app.inject({ url: '/api/v1/crm/bulk/contacts/export', headers: bearer() })).body);
  const ids = rows.slice(1).map((r) => r[0]);
  t.equal(ids.length, 150 + 1234);
  t.equal(new Set(ids).size, ids.length, 'no id twice');
});

t.test('an export without a credential is a 401 in the envelope', async (t) => {
  const app = await build(t);
  const res = await app.inject({ url: '/api/v1/crm/bulk/companies/export' });
  t.equal(res.statusCode, 401);
  t.equal(res.json().error.code, 'UNAUTHORIZED');
});

// Values a CSV writer gets wrong: quotes, commas, both line ends, a lone CR, leading and trailing
// spaces, formula-looking cells (exported verbatim), tabs, emoji and Japanese text.
const HOSTILE = ['say "hi"', 'a,b', 'two\r\nlines', 'unix\nline', 'lone\rcr', ' padded ', '=1+1', '+81 3', '-5', '@SUM(A1)', 'tab\there', '株式会社 🚀', '"', '""', ','];

t.test('every export is strict RFC 4180 behind a BOM and round-trips hostile values exactly', async (t) => {
  const app = await build(t);
  const token = 'rfc4180';
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url: `/api/v1/crm/${url}`, headers: bearer(token), payload });
    t.equal(res.statusCode, 201, `${url} ${JSON.stringify(payload)}`);
    return res.json().id as string;
  };
  const want = { deals: new Map<string, string>(), contacts: new Map<string, string>(), companies: new Map<string, string>() };
  for (const v of HOSTILE) {
    want.companies.set(await post('companies', { name: v, note: v }), v);
    want.contacts.set(await post('contacts', { last_name: v, first_name: null, note: v }), v);
    want.deals.set(await post('deals', { name: v }), v);
  }
  for (const [kind, columns] of exports) {
    const res = await app.inject({ url: `/api/v1/crm/bulk/${kind}/export`, headers: bearer(token) });
    t.equal(res.body.charCodeAt(0), 0xfeff, `${kind}: starts with the BOM`);
    let records: string[][] = [];
    t.doesNotThrow(() => (records = parseRfc4180(res.body.slice(1))), `${kind}: a strict RFC 4180 reader accepts the whole file`);
    t.same(records[0], columns, `${kind}: the documented columns, in order`);
    t.equal(records.length - 1, count(app, `blueai_${kind}`, orgOf(app, token)), `${kind}: one record per stored row`);
    const byId = new Map(records.slice(1).map((r) => [r[0]!, Object.fromEntries(columns.map((c, i) => [c, r[i]]))]));
    for (const [id, value] of want[kind]) {
      t.equal(byId.get(id)?.name, value, `${kind}: ${JSON.stringify(value)} comes back exactly`);
      if (kind !== 'deals') t.equal(byId.get(id)?.notes, value, `${kind}: notes ${JSON.stringify(value)} comes back exactly`);
    }
    t.same(parseRfc4180(writeRfc4180(records)), records, `${kind}: written again and read again, the same records`);
  }
});

t.test('the strict reader refuses what RFC 4180 forbids', async (t) => {
  for (const bad of ['a,b\n', 'a,b', 'a"b\r\n', '"a"b\r\n', '"open\r\n', 'a,b\r\nc\r\n', 'a\rb\r\n', 'a,\r\n,\r\n,']) {
    t.throws(() => parseRfc4180(bad), { name: 'Rfc4180Error' }, JSON.stringify(bad));
  }
  t.same(parseRfc4180('a,"b ""c"", d\r\ne"\r\n,\r\n'), [['a', 'b "c", d\r\ne'], ['', '']]);
});
