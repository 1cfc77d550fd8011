import t from 'tap';
import { build, orgOf, shareApps } from '../helper.js';
import { ACME_QUERY, basic, CLOSE } from './seed-ids.js';
import { closeState, isFieldError } from './helper.js';
import { createEdit, getEdit, leadStatus, runToEnd } from './bulk-helper.js';
import { QUERY_BUDGET, WEIGHTS } from '../../src/close/query/budget.js';
import { Compiler } from '../../src/close/query/compile.js';

// What a query costs (src/close/query/budget.ts): past the budget a 400 naming the field, its cost and
// the budget, before anything runs; each object's search text built once per query, with the same
// answers; an evaluation past QUERY_TIMEOUT_MS stopped with a 400 (a bulk action's: the action in error).

shareApps(t);

const SEARCH = '/api/v1/data/search/';
const text = (value: string, mode?: string) => ({ type: 'text', value, ...(mode ? { mode } : {}) });
const leads = (...queries: object[]) => ({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, ...queries] });
/** 190 text nodes: within the budget (1,900 + 3), and thousands of word matches over the seed. */
const expensive = leads({ type: 'or', queries: Array.from({ length: 190 }, (_, i) => text(`nosuchword${i}`)) });

t.test('the documented example costs 8, far under the budget; costly nodes weigh most', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-key');
  const cost = (q: unknown) => {
    const c = new Compiler(app.tenants.db(org), org, { now: new Date(), tzOffsetMinutes: 0 });
    c.node(q, 's_query', 'lead', 'a');
    return c.cost;
  };
  t.equal(cost(ACME_QUERY), 8, 'and + object_type + a text condition on the name (1 + 1 + 1 + 5)');
  t.equal(cost(leads(text('acme'))), 2 + WEIGHTS.text);
  t.equal(cost({ type: 'has_related', this_object_type: 'lead', related_object_type: 'contact', related_query: text('acme') }), WEIGHTS.has_related + WEIGHTS.text);
  t.ok(WEIGHTS.text >= WEIGHTS.values + WEIGHTS.textCondition && WEIGHTS.has_related > WEIGHTS.text && WEIGHTS.count > WEIGHTS.has_related, 'text, related and count nodes weigh most');
});

t.test('the reviewer\'s legacy query, "a or a" × 2,000 in a 10 KB GET /lead/, is a 400 naming the budget, at once', async (t) => {
  const app = await build(t);
  const query = Array(2000).fill('a').join(' or ');
  t.ok(query.length < 10_000, `${query.length} characters: within the legacy string's size limit`);
  const start = performance.now();
  const res = await app.inject({ url: `/api/v1/lead/?query=${encodeURIComponent(query)}`, headers: basic() });
  const ms = performance.now() - start;
  isFieldError(t, res, 'query');
  const message = res.json()['field-errors'].query as string;
  t.match(message, new RegExp(`^query: The query is too expensive to run: it costs ${2000 * WEIGHTS.text + 3 * WEIGHTS.logic} and the budget is ${QUERY_BUDGET}`));
  t.ok(ms < 2000, `answered in ${ms.toFixed(0)} ms (it ran 120 s before the budget)`);
  // The same string reaches GET /opportunity/ (as either parameter) and bulk actions through the same compiler.
  isFieldError(t, await app.inject({ url: `/api/v1/opportunity/?query=${encodeURIComponent(query)}`, headers: basic() }), 'query');
  isFieldError(t, await app.inject({ url: `/api/v1/opportunity/?lead_query=${encodeURIComponent(query)}`, headers: basic() }), 'lead_query');
});

t.test('the reviewer\'s /data/search/ body of 4,990 text nodes is a 400 naming the budget, at once', async (t) => {
  const app = await build(t);
  const start = performance.now();
  const res = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: { type: 'or', queries: Array.from({ length: 4990 }, () => text('a')) } } });
  const ms = performance.now() - start;
  isFieldError(t, res, 'query');
  t.match(res.json()['field-errors'].query, `it costs ${4990 * WEIGHTS.text + WEIGHTS.logic} and the budget is ${QUERY_BUDGET}`);
  t.ok(ms < 2000, `answered in ${ms.toFixed(0)} ms (it ran over 10 minutes before the budget)`);
});

t.test('a bulk action whose s_query is past the budget is a 400 naming s_query and creates nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app, 'close-key');
  const res = await createEdit(app, { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leads({ type: 'or', queries: Array.from({ length: 300 }, () => text('acme')) }) });
  isFieldError(t, res, 's_query');
  t.match(res.json()['field-errors'].s_query, /too expensive/);
  t.equal(closeState(app, 'close-key'), before, 'no row changed');
  t.equal(app.tenants.db(orgOf(app, 'close-key')).prepare('SELECT count(*) FROM close_bulk_actions').pluck().get(), 0);
});

t.test('a query of 50 text nodes within the budget finds exactly the leads each node alone finds', async (t) => {
  const app = await build(t);
  // Lead text (names, one contact's email as a phrase) and contact text under has_related, with
  // 48 nodes that match nothing, so every node reads the one text built per object.
  const query = {
    type: 'or', queries: [
      ...Array.from({ length: 24 }, (_, i) => text(`zzqx${i}`)), text('ACME Inc.', 'full_words'),
      ...Array.from({ length: 24 }, (_, i) => text(`qqzx${i}`, 'phrase')), text('aiden rossi', 'phrase'),
      { type: 'has_related', this_object_type: 'lead', related_object_type: 'contact', related_query: { type: 'or', queries: [text('juniper'), text('nothing here', 'full_words')] } },
    ],
  };
  const res = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query, _limit: 100 } });
  t.equal(res.statusCode, 200);
  const ids = (res.json().data as { id: string }[]).map((d) => d.id).sort();
  t.same(ids, [
    CLOSE.incAcmeHoldings, // Inc. ACME Holdings
    'lead_Aq46Ybnqb9gWv3n0DVhVUzmlOVPXTeDqUZGj6VPs0Pl', // Juniper Capital LLC
    'lead_GMKDmXnNrhjL6EHxFD5yLin86xB6A4yNreTT0fDeS8g', // Juniper Financial LLC
    'lead_JkLgBR6lIrdC7I3ZQEQPRip4S0RD7eawonaJbYwqrSd', // Juniper Medical GmbH (aiden.rossi@juniper-medical…)
    'lead_Ru5vsm1KpHaWEnJSHSQIDgNOT8So4sUt2yhieDQ6fl1', // Juniper Dynamics Ltd.
    'lead_VdBn2Jo0RWJJJVdBLL0njC0cwCYjqWe1ewP1r9KhZa8', // Juniper Consulting Inc.
    'lead_gtTrWYclOZQWChJfsaSslrm5P9cgbwe4cMQWFbQog3W', // Juniper Studios LLC
    'lead_hsdELqyEac1jxBGYUqvmDO4EqD8gn8IlrovC0uVNqAU', // Juniper Energy Inc.
    'lead_pWyAtTte7ib6duFQxf6FEopJVQkcmTu1BpaIptbjwNI', // Juniper Freight Inc.
    CLOSE.acmeInc, // ACME Inc.
  ].sort());
  // The contact-only phrase finds its lead alone too, so the join of lead and contact text is exact.
  const alone = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: leads(text('aiden rossi', 'phrase')) } });
  t.same((alone.json().data as { id: string }[]).map((d) => d.id), ['lead_JkLgBR6lIrdC7I3ZQEQPRip4S0RD7eawonaJbYwqrSd']);
});

t.test('a query within the budget that runs past QUERY_TIMEOUT_MS is a 400 naming the field and the timeout', async (t) => {
  const app = await build(t, { queryTimeoutMs: 1 });
  const res = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: expensive } });
  isFieldError(t, res, 'query');
  t.match(res.json()['field-errors'].query, /^query: The query took longer than 1 ms to evaluate and was stopped/);
  const legacy = Array.from({ length: 190 }, (_, i) => `nosuchword${i}`).join(' or ');
  const list = await app.inject({ url: `/api/v1/lead/?query=${encodeURIComponent(legacy)}`, headers: basic() });
  isFieldError(t, list, 'query');
  t.match(list.json()['field-errors'].query, /took longer than 1 ms/);
  // A cheap query still answers.
  const cheap = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: leads({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'id' }, condition: { type: 'reference', reference_type: 'lead', object_ids: [CLOSE.acmeInc] } }) } });
  t.equal(cheap.statusCode, 200);
});

t.test('a bulk action whose query runs past QUERY_TIMEOUT_MS in its load step goes to error with the reason, changing no lead', async (t) => {
  const app = await build(t, { queryTimeoutMs: 1 });
  const org = orgOf(app, 'close-key');
  const before = leadStatus(app, CLOSE.acmeInc);
  const created = await createEdit(app, { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leads({ type: 'or', queries: [expensive, text('acme')] }) });
  t.equal(created.statusCode, 200, 'within the budget: created (the query is evaluated later)');
  const { id } = created.json();
  t.same(await runToEnd(app, id), ['loading', 'error'], 'the load step fails');
  t.match(await getEdit(app, id), { status: 'error', n_leads: null });
  t.match(app.tenants.db(org).prepare('SELECT error_reason FROM close_bulk_actions WHERE id = ?').pluck().get(id),
    /^the query could not be evaluated: s_query: The query took longer than 1 ms/);
  t.equal(app.tenants.db(org).prepare('SELECT count(*) FROM close_bulk_action_items WHERE bulk_action_id = ?').pluck().get(id), 0, 'no items frozen');
  t.equal(leadStatus(app, CLOSE.acmeInc), before, 'no lead changed');
});

t.test('a forged /data/search/ cursor whose offset is 1e20 is the invalid-cursor 400, not a 500', async (t) => {
  const app = await build(t);
  const first = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: leads(), _limit: 1 } });
  const real = JSON.parse(Buffer.from(first.json().cursor, 'base64url').toString('utf8')) as { s: number; f: string };
  for (const s of [1e20, 2 ** 53, 1.5, -1]) {
    const forged = Buffer.from(JSON.stringify({ ...real, s })).toString('base64url');
    const res = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: leads(), _limit: 1, cursor: forged } });
    isFieldError(t, res, 'cursor');
    t.match(res.json()['field-errors'].cursor, /Invalid cursor/, `s = ${s}`);
  }
  // The largest safe offset is a valid (empty) page.
  const last = await app.inject({ method: 'POST', url: SEARCH, headers: basic(), payload: { query: leads(), _limit: 1, cursor: Buffer.from(JSON.stringify({ ...real, s: Number.MAX_SAFE_INTEGER })).toString('base64url') } });
  t.equal(last.statusCode, 200);
  t.same(last.json(), { data: [], cursor: null });
});
