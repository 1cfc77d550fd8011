import t from 'tap';
import { build, shareApps } from '../helper.js';
import { call, CS } from './helper.js';
import { parseLegacyDatetime } from '../../src/close/query/legacy.js';

shareApps(t);

// The legacy query as ETL tools write it for incremental sync: date_created / date_updated compared with
// dates and datetimes (naive or zoned, with or without a fraction, quoted or not), and sort:date_updated.
// Expectations come from the seed file by plain string comparison of Close's fixed-width UTC stamps.

const leads = CS.leads.map((l) => ({ id: l.id, created: l.date_created!, updated: l.date_updated! }));
const ids = (pred: (l: typeof leads[number]) => boolean) => leads.filter(pred).map((l) => l.id).sort();

async function matched(app: Awaited<ReturnType<typeof build>>, query: string): Promise<string[]> {
  const out: string[] = [];
  for (let skip = 0; ; skip += 100) {
    const res = await call(app, { path: `/lead/?query=${encodeURIComponent(query)}&_fields=id&_limit=100&_skip=${skip}` });
    t.equal(res.statusCode, 200, query);
    const body = res.json() as { data: { id: string }[]; has_more: boolean };
    out.push(...body.data.map((d) => d.id));
    if (!body.has_more) return out;
  }
}

t.test('the two incremental-sync queries of real ETL tools select the leads updated in their window', async (t) => {
  const app = await build(t);
  const first = await matched(app, 'date_updated >= "2026-07-01T00:00" sort:date_updated');
  t.same([...first].sort(), ids((l) => l.updated >= '2026-07-01T00:00:00.000000+00:00'));
  t.same(first, leads.filter((l) => l.updated >= '2026-07-01T00:00:00.000000+00:00').sort((a, b) => (a.updated < b.updated ? -1 : 1)).map((l) => l.id),
    'in date_updated order');
  const second = await matched(app, 'sort:updated date_updated > 2026-05-01T00:00:00.000000+0000 date_updated <= 2026-08-30T12:00:00.000000+0000');
  t.same([...second].sort(), ids((l) => l.updated > '2026-05-01T00:00:00.000000+00:00' && l.updated <= '2026-08-30T12:00:00.000000+00:00'));
  t.ok(second.length > 10 && second.length < 290, 'a real window, neither empty nor everything');
  const desc = await matched(app, 'date_created >= 2026-01-01 sort:-date_updated');
  t.same(desc, leads.filter((l) => l.created >= '2026-01-01T00:00:00.000000+00:00').sort((a, b) => (a.updated < b.updated ? 1 : -1)).map((l) => l.id));
});

t.test('comparisons at the exact instant of a lead\'s date_updated: > and < exclude it, >= <= and = include it', async (t) => {
  const app = await build(t);
  const lead = leads[0]!; // date_updated 2026-09-14T02:54:13.232000+00:00
  t.equal(lead.updated, '2026-09-14T02:54:13.232000+00:00');
  const at = '2026-09-14T02:54:13.232000+0000';
  const has = async (q: string) => (await matched(app, q)).includes(lead.id);
  t.notOk(await has(`date_updated > ${at}`));
  t.ok(await has(`date_updated >= ${at}`));
  t.ok(await has(`date_updated <= ${at}`));
  t.notOk(await has(`date_updated < ${at}`));
  t.same(await matched(app, `date_updated = ${at}`), [lead.id], '= is the instant');
  t.same(await matched(app, `date_updated=2026-09-14T02:54:13.232Z`), [lead.id], 'Z, no spaces, a millisecond fraction');
  t.ok(await has('date_updated:2026-09-14'), 'a date is the whole day');
  t.notOk(await has('date_updated < "2026-09-14T02:54"'), 'a naive datetime without seconds is UTC');
  t.ok(await has('date_updated > "2026-09-14T02:54"'));
  t.ok(await has('date_updated < 2026-09-14T02:54:14+00:00'));
});

t.test('what is not a date or datetime, or a date field Close knows but we do not emulate, is a 400 naming it', async (t) => {
  const app = await build(t);
  const cases: [string, RegExp][] = [
    ['date_updated > 2026-13-01T00:00', /Expected a date YYYY-MM-DD or a datetime/],
    ['date_updated > 2026-01-01T25:00', /Expected a date YYYY-MM-DD or a datetime/],
    ['date_updated > yesterday', /"yesterday" at position 15/],
    ['date_updated > 2026-01-01T00:00+5', /Expected a date YYYY-MM-DD or a datetime/],
    ['last_activity_date > 2026-01-01', /"last_activity_date" at position 0: Unknown field/],
    ['sort:last_activity_date', /Unknown sort field/],
  ];
  for (const [query, message] of cases) {
    const res = await call(app, { path: `/lead/?query=${encodeURIComponent(query)}` });
    t.equal(res.statusCode, 400, query);
    t.match(res.json()['field-errors'].query, message, query);
  }
});

t.test('datetime spellings normalise to one instant', async (t) => {
  for (const text of ['2024-01-01T00:00', '2024-01-01T00:00:00', '2024-01-01T00:00:00.000000+0000', '2024-01-01T00:00:00Z', '2024-01-01T01:00:00+01:00']) {
    t.equal(Date.parse(parseLegacyDatetime(text)!), Date.parse('2024-01-01T00:00:00Z'), text);
  }
  for (const text of ['2024-01-01', '2024-01-01T', '2024-01-01T00', '2024-02-30T00:00x', `2024-01-01T00:00:00.${'0'.repeat(5000)}`]) {
    t.equal(parseLegacyDatetime(text), null, text.slice(0, 40));
  }
});
