import t from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { build, seed, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// POST /api/v1/data/search/: body shapes, cursor paging, include_counts, _fields, X-TZ-Offset,
// the emulator clock, and the Close error envelope.

const leads = seed.close!.leads;
const url = '/api/v1/data/search/';
const headers = { authorization: 'Basic ' + Buffer.from('key:').toString('base64') };
const ACME = 'lead_vOrP44Zl2o1zvLQSw9WlCIcAmcxQrFF72bJE3DBKN8K';
const INC_ACME = 'lead_MqlERovujwB9P3MMSwIBOazY2apkEpPbVIDy6rNX68r';
const INDUSTRY = 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM';
const docExample = {
  type: 'and',
  queries: [
    { type: 'object_type', object_type: 'lead' },
    { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'full_words', value: 'ACME Inc.' } },
  ],
};
const created = { type: 'regular_field', object_type: 'lead', field_name: 'date_created' };

t.test('the doc example query returns the two ACME leads with only __object_type and id by default', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'POST', url, headers, payload: { query: docExample, sort: [{ direction: 'desc', field: created }] } });
  t.equal(res.statusCode, 200);
  const expected = leads.filter((l) => l.id === ACME || l.id === INC_ACME).sort((a, b) => (a.date_created < b.date_created ? 1 : -1));
  t.same(res.json(), { data: expected.map((l) => ({ __object_type: 'lead', id: l.id })), cursor: null });
});

t.test('cursor paging visits every match exactly once, and include_counts gives the total', async (t) => {
  const app = await build(t);
  const query = { type: 'field_condition', field: { type: 'custom_field', custom_field_id: INDUSTRY }, condition: { type: 'exists' } };
  const expected = leads.filter((l) => l.custom[INDUSTRY] !== undefined).map((l) => l.id).sort();
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: LightMyRequestResponse = await app.inject({ method: 'POST', url, headers, payload: { query, _limit: 40, cursor, include_counts: true } });
    t.equal(res.statusCode, 200);
    const body: { data: { id: string }[]; cursor: string | null; count: { total: number } } = res.json();
    t.same(body.count, { total: expected.length });
    t.ok(body.data.length <= 40);
    seen.push(...body.data.map((o) => o.id));
    cursor = body.cursor;
    pages++;
  } while (cursor && pages < 20);
  t.equal(pages, Math.ceil(expected.length / 40));
  t.equal(new Set(seen).size, seen.length, 'no duplicates');
  t.same([...seen].sort(), expected, 'nothing missing');

  const capped = await app.inject({ method: 'POST', url, headers, payload: { query, _limit: 40, results_limit: 50, include_counts: true } });
  const next = await app.inject({ method: 'POST', url, headers, payload: { query, _limit: 40, results_limit: 50, cursor: capped.json().cursor } });
  t.equal(capped.json().count.total, 50, 'the count is capped by results_limit');
  t.equal(next.json().data.length, 10, 'the second page stops at results_limit');
  t.equal(next.json().cursor, null);

  const other = await app.inject({ method: 'POST', url, headers, payload: { query: { type: 'match_all' }, cursor: capped.json().cursor } });
  t.equal(other.statusCode, 400, 'a cursor only continues its own search');
  t.same(Object.keys(other.json()['field-errors']), ['cursor']);
  const garbage = await app.inject({ method: 'POST', url, headers, payload: { query, cursor: 'not-a-cursor' } });
  t.equal(garbage.statusCode, 400);
});

t.test('_fields returns the requested lead fields and custom values; contacts can be searched too', async (t) => {
  const app = await build(t);
  const acme = leads.find((l) => l.id === ACME)!;
  const res = await app.inject({
    method: 'POST', url, headers,
    payload: { query: docExample, _fields: { lead: ['name', 'status_label', 'date_created', 'custom', 'no_such_field'] }, sort: [{ direction: 'asc', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }] },
  });
  t.equal(res.statusCode, 200);
  const first = res.json().data[0];
  const custom = Object.fromEntries(Object.entries(acme.custom).map(([k, v]) => [`custom.${k}`, v]));
  t.same(first, {
    __object_type: 'lead', id: ACME, name: 'ACME Inc.', date_created: acme.date_created,
    status_label: seed.close!.lead_statuses.find((s) => s.id === acme.status_id)!.label, ...custom,
  });

  const ceo = await app.inject({
    method: 'POST', url, headers,
    payload: {
      query: { type: 'and', queries: [{ type: 'object_type', object_type: 'contact' }, { type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'text', mode: 'full_words', value: 'CEO' } }] },
      _fields: { contact: ['name', 'lead_id', 'emails'] }, _limit: 200,
    },
  });
  const contacts = leads.flatMap((l) => l.contacts.filter((c) => c.title === 'CEO').map((c) => ({ __object_type: 'contact', id: c.id, name: c.name, lead_id: l.id, emails: c.emails.map((e) => ({ ...e, is_unsubscribed: false })) })));
  t.ok(contacts.length > 0);
  t.same([...ceo.json().data].sort((a, b) => (a.id < b.id ? -1 : 1)), contacts.sort((a, b) => (a.id < b.id ? -1 : 1)));
});

t.test('fixed_local_date follows X-TZ-Offset and offsets follow the emulator clock', async (t) => {
  const app = await build(t);
  const lead = leads.find((l) => Number(l.date_created.slice(11, 13)) >= 15)!;
  const day = new Date(Date.parse(lead.date_created) + 9 * 3_600_000).toISOString().slice(0, 10);
  const query = { type: 'field_condition', field: created, condition: { type: 'moment_range', on_or_after: { type: 'fixed_local_date', value: day, which: 'start' }, before: { type: 'fixed_local_date', value: day, which: 'end' } } };
  const ids = async (tz: string | undefined) => {
    const res = await app.inject({ method: 'POST', url, headers: tz === undefined ? headers : { ...headers, 'x-tz-offset': tz }, payload: { query, _limit: 200 } });
    t.equal(res.statusCode, 200, `X-TZ-Offset ${tz}`);
    return res.json().data.map((o: { id: string }) => o.id).sort();
  };
  const localDay = (h: number) => leads.filter((l) => new Date(Date.parse(l.date_created) + h * 3_600_000).toISOString().slice(0, 10) === day).map((l) => l.id).sort();
  t.same(await ids('9'), localDay(9), 'hours, as Close documents');
  t.same(await ids('+09:00'), localDay(9), '+HH:MM');
  t.same(await ids(undefined), localDay(0), 'no header = UTC');
  t.same(await ids('-2.5'), localDay(-2.5), 'half hours');
  t.ok((await ids('9')).includes(lead.id) && !(await ids(undefined)).includes(lead.id));
  const bad = await app.inject({ method: 'POST', url, headers: { ...headers, 'x-tz-offset': 'Tokyo' }, payload: { query } });
  t.equal(bad.statusCode, 400);
  t.same(Object.keys(bad.json()['field-errors']), ['X-TZ-Offset']);

  const recent = { type: 'field_condition', field: created, condition: { type: 'moment_range', on_or_after: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { days: 30 } } } };
  const count = async () => (await app.inject({ method: 'POST', url, headers, payload: { query: recent, include_counts: true, _limit: 1 } })).json().count.total;
  const at = (iso: string) => leads.filter((l) => Date.parse(l.date_created) >= Date.parse(iso) - 30 * 86_400_000).length;
  app.clock.set(new Date('2025-06-01T00:00:00Z'), true);
  t.equal(await count(), at('2025-06-01T00:00:00Z'), 'relative to the frozen clock');
  app.clock.advance(400 * 86_400_000);
  t.equal(await count(), at('2026-07-06T00:00:00Z'), 'moving the clock moves "the last 30 days"');
  t.not(at('2025-06-01T00:00:00Z'), at('2026-07-06T00:00:00Z'));
});

t.test('bad requests answer 400 in Close\'s field-errors envelope', async (t) => {
  const app = await build(t);
  const cases: [string, unknown, string, RegExp][] = [
    ['no query', {}, 'query', /required/],
    ['unknown node', { query: { type: 'nope' } }, 'query', /^query\.type: Unknown query node type "nope"/],
    ['unknown field', { query: { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'nope' }, condition: { type: 'exists' } } }, 'query', /Unknown lead field "nope"/],
    ['saved_search', { query: { type: 'saved_search', saved_search_id: 'save_x' } }, 'query', /Smart view save_x not found/],
    ['_limit above 200', { query: { type: 'match_all' }, _limit: 201 }, '_limit', /200/],
    ['a bad sort', { query: { type: 'match_all' }, sort: [{ direction: 'sideways', field: created }] }, 'sort', /direction/],
  ];
  for (const [label, payload, key, pattern] of cases) {
    const res = await app.inject({ method: 'POST', url, headers, payload: payload as object });
    t.equal(res.statusCode, 400, label);
    const body = res.json();
    t.same(body.errors, [], label);
    t.same(Object.keys(body['field-errors']), [key], label);
    t.match(body['field-errors'][key], pattern, label);
  }
  const unauth = await app.inject({ method: 'POST', url, payload: { query: { type: 'match_all' } } });
  t.equal(unauth.statusCode, 401, 'no credentials');
  const slashes = await app.inject({ method: 'POST', url: '/api/v1//data/search//', headers, payload: { query: docExample } });
  t.equal(slashes.statusCode, 200, 'the Python client\'s doubled slashes reach the route');
  t.equal(slashes.json().data.length, 2);
});

t.test("_fields gives the derived contact and opportunity fields exactly as their own GETs do", async (t) => {
  const app = await build(t);
  const search = async (type: string, fields: string[]) => (await app.inject({
    method: 'POST', url, headers, payload: { query: { type: 'object_type', object_type: type }, _fields: { [type]: fields }, _limit: 200 },
  })).json().data as Record<string, unknown>[];
  const get = async (path: string) => (await app.inject({ url: `/api/v1/${path}`, headers })).json();
  const cFields = ['display_name', 'emails'];
  const contacts = await search('contact', cFields);
  for (const c of contacts.slice(0, 20)) {
    const own = await get(`contact/${c.id}/`);
    t.same(c, { __object_type: 'contact', id: own.id, display_name: own.display_name, emails: own.emails });
  }
  const oFields = ['annualized_value', 'expected_value', 'annualized_expected_value', 'confidence', 'contact_id', 'date_won', 'date_lost'];
  const opportunities = await search('opportunity', oFields);
  t.ok(opportunities.length > 20);
  for (const o of opportunities.slice(0, 20)) {
    const own = await get(`opportunity/${o.id}/`);
    t.same(o, { __object_type: 'opportunity', id: own.id, ...Object.fromEntries(oFields.map((f) => [f, own[f]])) });
  }
  const [lead] = await search('lead', ['html_url']);
  t.equal(lead!.html_url, `https://app.close.com/lead/${lead!.id}/`);
});
