import t from 'tap';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { call, closeAuth, closeOrg, rows } from './helper.js';
import { holds } from '../hostile/helper.js';
import { MAX_FILTER_CHARS, MAX_FILTER_JSON_DEPTH } from '../../src/close/webhooks/filter.js';

shareApps(t);

// Issue 24 item 9: an extra_filter whose `value` nested 100,000 levels was a 500 (JSON.stringify of
// the events overflowed the stack). Depth and size are bounded, values included: a 400 naming events.

/** POST or PUT of a raw JSON body (so a value deeper than JSON.stringify could write can be sent). */
const raw = (app: FastifyInstance, method: 'POST' | 'PUT', url: string, body: string) =>
  app.inject({ method, url: `/api/v1${url}`, headers: { ...closeAuth(), 'content-type': 'application/json' }, payload: body });
const subscription = (extraFilter: string) =>
  `{"url":"http://receiver.example/hook","events":[{"object_type":"lead","action":"created","extra_filter":${extraFilter}}]}`;
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const subs = (app: FastifyInstance) => rows(app, `SELECT id, events FROM close_webhooks WHERE org_id = ?`, closeOrg(app));

t.test('an extra_filter whose value nests 100,000 levels is a 400 naming events, and nothing is stored', async (t) => {
  const app = await build(t);
  const res = await raw(app, 'POST', '/webhook/', subscription(`{"type":"equals","value":${nested(100_000)}}`));
  t.equal(res.statusCode, 400);
  t.match(res.json(), { 'field-errors': { events: `events[0].extra_filter: nested more than ${MAX_FILTER_JSON_DEPTH} levels deep (values included)` } });
  t.same(subs(app), []);
});

t.test('an extra_filter over the size bound (a long value) is a 400 naming events; one just under it is stored', async (t) => {
  const app = await build(t);
  let res = await raw(app, 'POST', '/webhook/', subscription(JSON.stringify({ type: 'equals', value: 'x'.repeat(MAX_FILTER_CHARS) })));
  t.equal(res.statusCode, 400);
  t.match(res.json(), { 'field-errors': { events: `events[0].extra_filter: longer than ${MAX_FILTER_CHARS} characters of JSON (values included)` } });
  t.same(subs(app), []);
  res = await raw(app, 'POST', '/webhook/', subscription(JSON.stringify({ type: 'equals', value: 'x'.repeat(MAX_FILTER_CHARS - 100) })));
  t.equal(res.statusCode, 201);
  t.equal(subs(app).length, 1);
});

t.test('PUT /webhook/{id}/ with a too-deep extra_filter value is a 400 naming events and changes nothing', async (t) => {
  const app = await build(t);
  const sub = (await call(app, { method: 'POST', path: '/webhook/', payload: { url: 'http://receiver.example/hook', events: [{ object_type: 'lead', action: 'created' }] } })).json() as { id: string };
  const before = JSON.stringify(subs(app));
  const res = await raw(app, 'PUT', `/webhook/${sub.id}/`, `{"events":[{"object_type":"lead","action":"created","extra_filter":{"type":"not","filter":{"type":"equals","value":${nested(5000)}}}}]}`);
  t.equal(res.statusCode, 400);
  t.match(res.json(), { 'field-errors': { events: /nested more than 64 levels/ } });
  t.equal(JSON.stringify(subs(app)), before);
});

/** Hostile extra_filter shapes, as JSON text: deep values, wide ones, long strings, random trees of operators, random JSON. */
const hostile: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }).map((n) => `{"type":"equals","value":${nested(n)}}`),
  fc.integer({ min: 1, max: 50_000 }).map((n) => `{"type":"contains","value":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"type":"not","filter":'.repeat(n)}{"type":"is_null"}${'}'.repeat(n)}`),
  fc.integer({ min: 1, max: 40_000 }).map((n) => JSON.stringify({ type: 'equals', value: Array.from({ length: n }, (_, i) => i) })),
  fc.integer({ min: 0, max: 100_000 }).map((n) => JSON.stringify({ type: 'equals', value: 'é'.repeat(n) })),
  fc.letrec<{ filter: unknown }>((tie) => ({
    filter: fc.oneof({ depthSize: 'small' },
      fc.record({ type: fc.constantFrom('equals', 'not_equals', 'contains'), value: fc.jsonValue() }),
      fc.record({ type: fc.constantFrom('is_null', 'non_null', 'bogus') }),
      fc.record({ type: fc.constantFrom('and', 'or'), filters: fc.array(tie('filter'), { maxLength: 4 }) }),
      fc.record({ type: fc.constantFrom('not', 'any_array_value'), filter: tie('filter') }),
      fc.record({ type: fc.constant('field_accessor'), field: fc.string(), filter: tie('filter') })),
  })).filter.map((f) => JSON.stringify(f)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
);

t.test('property: a hostile extra_filter is never a 5xx; a refusal names events and stores nothing', async (t) => {
  t.setTimeout(300_000);
  const app = await build(t);
  await holds(t, 'hostile extra_filter', hostile, async (filter) => {
    const res = await raw(app, 'POST', '/webhook/', subscription(filter));
    if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 200)}`;
    if (res.statusCode === 201) {
      await call(app, { method: 'DELETE', path: `/webhook/${(res.json() as { id: string }).id}/` });
      return null;
    }
    if (res.statusCode !== 400) return `expected 201 or 400, got ${res.statusCode}`;
    const fields = Object.keys((res.json() as { 'field-errors'?: object })['field-errors'] ?? {});
    if (!fields.some((f) => f.startsWith('events'))) return `the 400 names ${fields.join(', ') || 'no field'}: ${res.body.slice(0, 200)}`;
    return subs(app).length === 0 ? null : 'a refused subscription was stored';
  }, 200);
});
