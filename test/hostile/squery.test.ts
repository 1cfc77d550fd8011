import t from 'tap';
import fc from 'fast-check';
import { authFor, buildWithRoutes, holds, inspect, TOKENS } from './helper.js';
import { hostileString } from './arbitraries.js';
import { seed } from '../helper.js';
import { CLOSE } from '../close/seed-ids.js';
import { REGULAR_FIELDS, type Kind, type ObjectType } from '../../src/close/query/fields.js';
import { TEXT_MODES } from '../../src/close/query/text.js';

// Structured s_query trees, not just broken JSON. Trees are built for the object type they are
// evaluated on (its fields, the seed's custom fields, conditions that fit each field's kind,
// has_related to the types it relates to, nested and/or, negate, text, match_all, object_type,
// saved_search, sort lists), and at any point a name or value may be swapped for one of
// Object.prototype's names or junk, so the trees reach every refusal of the compiler as well as
// SQLite. Sent to POST /data/search/ and POST /bulk_action/edit/: never a 5xx, a 4xx is Close's
// envelope, and a refused request changes no row.

t.setTimeout(170_000);

const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];
const proto = fc.constantFrom(...PROTO);
/** A value of the wrong shape. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  hostileString.filter((s) => s.length < 200), proto, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}),
);
/** Mostly `good`; now and then a prototype name or junk in its place. */
const maybe = (good: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => fc.oneof(
  { arbitrary: good, weight: 24 }, { arbitrary: proto, weight: 1 }, { arbitrary: junk, weight: 1 },
);
const one = <T>(...values: T[]) => maybe(fc.constantFrom(...values));
/** A JSON key: prototype names too, `__proto__` rarely (the body parser refuses it, which hides the rest). */
const key = (...good: string[]) => fc.oneof(
  { arbitrary: fc.constantFrom(...good), weight: 12 },
  { arbitrary: fc.constantFrom(...PROTO.filter((n) => n !== '__proto__')), weight: 1 },
  { arbitrary: fc.constant('__proto__'), weight: 1 },
);

const TYPES: readonly ObjectType[] = ['lead', 'contact', 'opportunity'];
const RELATED: Record<ObjectType, ObjectType[]> = { lead: ['contact', 'opportunity'], contact: ['lead'], opportunity: ['lead'] };
const CUSTOM_KIND: Record<string, Kind> = { text: 'text', textarea: 'text', hidden: 'text', number: 'number', date: 'day', datetime: 'instant', choices: 'enum', user: 'ref', contact: 'ref' };
const REF_TYPES: Record<string, string[]> = { user: ['user', 'user_or_group'], contact: ['contact'] };

interface FieldSpec { field: Record<string, unknown>; kind: Kind; refTypes: readonly string[] }
/** Every field a query on `on` may name, with its kind: the regular ones and the seed's custom fields. */
const fieldsOf = (on: ObjectType): FieldSpec[] => [
  ...Object.entries(REGULAR_FIELDS[on]).map(([name, def]) => ({
    field: { type: 'regular_field', object_type: on, field_name: name }, kind: def.kind, refTypes: 'refTypes' in def ? def.refTypes ?? [] : [],
  })),
  ...seed.close!.custom_fields.filter((f) => f.object_type === on || f.object_type === 'shared').map((f) => ({
    field: { type: 'custom_field', custom_field_id: f.id }, kind: CUSTOM_KIND[f.type] ?? 'text', refTypes: REF_TYPES[f.type] ?? [],
  })),
];

const ids = fc.array(one(CLOSE.acmeInc, CLOSE.user, CLOSE.status.customer, CLOSE.status.potential, seed.close!.leads[1]!.contacts[0]?.id ?? 'cont_x', 'nope'), { maxLength: 3 });
const words = one('ACME Inc.', 'acme', 'example', '日本', 'Software', 'x y', '...');

const moment: fc.Arbitrary<unknown> = fc.letrec<{ m: unknown }>((tie) => ({
  m: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('now') }),
    fc.record({ type: fc.constant('fixed_utc'), value: maybe(fc.oneof(fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('2026-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-01-01'))) }),
    fc.record({ type: fc.constant('fixed_local_date'), value: one('2026-01-31', '2026-02-29', '9999-12-31', '0001-01-01'), which: one('start', 'end') }, { requiredKeys: ['type', 'value'] }),
    fc.record({
      type: fc.constant('offset'), direction: one('past', 'future'), moment: tie('m'),
      offset: fc.dictionary(key('years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'), maybe(fc.oneof(fc.nat(1000), fc.constantFrom(1e308, 0.5, 10_000))), { minKeys: 1, maxKeys: 3 }),
    }, { requiredKeys: ['type', 'direction', 'offset'] }),
    fc.record({ type: maybe(fc.constant('yesterday')) }),
  ),
})).m;

const anyCondition = fc.oneof(
  fc.record({ type: fc.constant('text'), mode: one(...TEXT_MODES), value: words }),
  fc.record({ type: fc.constant('term'), values: fc.array(maybe(fc.oneof(fc.constantFrom('Software', 'annual', 'won', '2026-01-01', '42', CLOSE.status.customer), fc.integer())), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('reference'), reference_type: one('lead', 'contact', 'user', 'user_or_group', 'status', 'status.lead', 'status.opportunity'), object_ids: ids }),
  fc.record({ type: fc.constant('number_range'), gte: maybe(fc.integer()), gt: fc.integer(), lte: fc.double(), lt: junk }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('moment_range'), on_or_after: moment, before: moment }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('exists') }),
  fc.record({ type: fc.constant('boolean'), value: maybe(fc.boolean()) }),
  fc.record({ type: maybe(fc.constant('fuzzy')) }),
);

/** Conditions that fit a field of this kind, and now and then any condition at all. */
function conditionFor(spec: FieldSpec): fc.Arbitrary<unknown> {
  const fits: fc.Arbitrary<unknown>[] = [fc.record({ type: fc.constant('exists') }), fc.record({ type: fc.constant('boolean'), value: maybe(fc.boolean()) })];
  const termOf = (values: fc.Arbitrary<unknown>) => fc.record({ type: fc.constant('term'), values: fc.array(maybe(values), { maxLength: 3 }) });
  switch (spec.kind) {
    case 'text':
      fits.push(fc.record({ type: fc.constant('text'), mode: one(...TEXT_MODES), value: words }), termOf(fc.constantFrom('acme', 'Software', 'a@example.com')));
      break;
    case 'ref':
      fits.push(fc.record({ type: fc.constant('reference'), reference_type: one(...spec.refTypes), object_ids: ids }), termOf(fc.constantFrom(CLOSE.acmeInc, CLOSE.user)));
      break;
    case 'instant':
      fits.push(fc.record({ type: fc.constant('moment_range'), on_or_after: moment, before: moment }, { requiredKeys: ['type'] }));
      break;
    case 'day':
      fits.push(fc.record({ type: fc.constant('moment_range'), on_or_after: moment, before: moment }, { requiredKeys: ['type'] }), termOf(fc.constantFrom('2026-01-01', '2026-13-01')));
      break;
    case 'number':
      fits.push(fc.record({ type: fc.constant('number_range'), gte: fc.integer(), gt: maybe(fc.double()), lte: fc.integer(), lt: fc.constant(null) }, { requiredKeys: ['type'] }), termOf(fc.oneof(fc.integer(), fc.constant('42'))));
      break;
    case 'enum':
      fits.push(termOf(fc.constantFrom('Software', 'annual', 'monthly', 'won', 'active')));
      break;
  }
  return fc.oneof({ arbitrary: fc.oneof(...fits), weight: 8 }, { arbitrary: anyCondition, weight: 1 }, { arbitrary: junk, weight: 1 });
}

/** A field of `on` (or, rarely, of another type or a made-up one) and a condition for it. */
const fieldCondition = (on: ObjectType) => fc.oneof(
  { arbitrary: fc.constantFrom(...fieldsOf(on)).chain((spec) => fc.record({ type: fc.constant('field_condition'), field: fc.constant(spec.field), condition: conditionFor(spec) })), weight: 12 },
  { arbitrary: fc.record({
    type: fc.constant('field_condition'),
    field: fc.oneof(
      fc.record({ type: fc.constant('regular_field'), object_type: one(...TYPES), field_name: maybe(fc.constantFrom(...Object.keys(REGULAR_FIELDS.opportunity))) }),
      fc.record({ type: fc.constant('custom_field'), custom_field_id: one(...seed.close!.custom_fields.map((f) => f.id), 'cf_nope') }),
      fc.record({ type: one('smart_field') }),
    ),
    condition: anyCondition,
  }), weight: 2 },
);

/** A sort list for `on`: its own fields mostly. */
const sortFor = (on: ObjectType) => fc.array(fc.record({
  direction: one('asc', 'desc'),
  field: fc.oneof({ arbitrary: fc.constantFrom(...fieldsOf(on).map((s) => s.field)), weight: 10 }, { arbitrary: maybe(fc.record({ type: fc.constant('regular_field'), object_type: one(...TYPES), field_name: proto })), weight: 1 }),
}, { requiredKeys: ['field'] }), { maxLength: 3 });

/** Trees evaluated on `on`, to a depth of n. */
const nodeFor: Record<ObjectType, (n?: number) => fc.Arbitrary<unknown>> = {} as never;
for (const on of TYPES) {
  nodeFor[on] = fc.memo((n) => {
    const leaf = fc.oneof(
      { arbitrary: fieldCondition(on), weight: 8 },
      { arbitrary: fc.record({ type: fc.constant('match_all') }), weight: 1 },
      { arbitrary: fc.record({ type: fc.constant('object_type'), object_type: one(on) }), weight: 1 },
      { arbitrary: fc.record({ type: fc.constant('text'), value: words, mode: one(...TEXT_MODES) }, { requiredKeys: ['type', 'value'] }), weight: 2 },
      { arbitrary: fc.record({ type: fc.constant('saved_search'), saved_search_id: fc.constantFrom('save_1', '__proto__') }), weight: 1 },
      { arbitrary: fc.record({ type: proto }), weight: 1 },
    );
    const node = n <= 1 ? leaf : fc.oneof(
      { arbitrary: leaf, weight: 3 },
      { arbitrary: fc.record({ type: fc.constantFrom('and', 'or'), queries: fc.oneof({ arbitrary: fc.array(nodeFor[on](n - 1), { maxLength: 4 }), weight: 12 }, { arbitrary: junk, weight: 1 }) }), weight: 2 },
      { arbitrary: fc.constantFrom(...RELATED[on]).chain((rel) => fc.record({
        type: fc.constant('has_related'), this_object_type: one(on), related_object_type: one(rel), related_query: nodeFor[rel](n - 1),
      })), weight: 2 },
    );
    const negate = fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: fc.boolean(), weight: 3 }, { arbitrary: junk, weight: 1 });
    return fc.tuple(node, negate).map(([q, neg]) => (neg === undefined || typeof q !== 'object' || q === null ? q : { ...q, negate: neg }));
  });
}

/** A root selecting `on` as a client writes it: an object_type node beside the conditions, or a bare tree for leads. */
const rootFor = (on: ObjectType) => fc.oneof(
  { arbitrary: fc.array(nodeFor[on](4), { maxLength: 3 }).map((rest) => ({ type: 'and', queries: [{ type: 'object_type', object_type: on }, ...rest] })), weight: 4 },
  { arbitrary: on === 'lead' ? nodeFor.lead(4) : fc.constant({ type: 'object_type', object_type: on }), weight: 2 },
  { arbitrary: junk, weight: 1 },
);

t.test('structured s_query trees: never a 5xx, always the envelope, a refused request changes nothing', async (t) => {
  const { app } = await buildWithRoutes(t);
  const headers = authFor('close', TOKENS[0]);
  const statuses = new Map<string, number>();
  const search = fc.constantFrom(...TYPES).chain((on) => fc.record({
    query: rootFor(on), sort: sortFor(on), _limit: fc.integer({ min: 1, max: 200 }), include_counts: fc.boolean(),
    _fields: fc.dictionary(key(...TYPES), fc.array(fc.constantFrom('name', 'custom', 'emails', 'status_label', ...PROTO, ...Object.keys(REGULAR_FIELDS[on])), { maxLength: 3 }), { maxKeys: 2 }),
  }, { requiredKeys: ['query'] })).map((payload) => ({ url: '/api/v1/data/search/', payload }));
  // Bulk edits act on leads: mostly lead trees, sometimes another type's (a 400 of its own).
  const bulkEdit = fc.oneof({ arbitrary: fc.constant<ObjectType>('lead'), weight: 5 }, { arbitrary: fc.constantFrom<ObjectType>('contact', 'opportunity'), weight: 1 })
    .chain((on) => fc.record({ s_query: rootFor(on), sort: sortFor(on), results_limit: fc.option(fc.nat(50), { nil: undefined }) }, { requiredKeys: ['s_query'] }))
    .map((q) => ({ url: '/api/v1/bulk_action/edit/', payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, ...q } }));
  await holds(t, 'never a 5xx, always the envelope, a refused request changes nothing', fc.oneof(search, bulkEdit), async ({ url, payload }) => {
    const { problem, res } = await inspect(app, { method: 'POST', url, headers, payload });
    const label = `${url} ${res.statusCode}`;
    statuses.set(label, (statuses.get(label) ?? 0) + 1);
    if (problem) return problem;
    // A refusal names a field the request sent.
    const named = res.statusCode === 400 ? Object.keys(res.json()['field-errors'] ?? {}) : [];
    const stray = named.filter((k) => !Object.hasOwn(payload, k));
    return stray.length ? `${label}: field-errors name ${stray.join(', ')}, which the request did not send: ${res.body.slice(0, 300)}` : null;
  }, 300);
  t.comment([...statuses].sort().map(([k, n]) => `${k}: ${n}`).join(', '));
  // The property means little unless trees get past the compiler as well as into its refusals.
  for (const url of ['/api/v1/data/search/', '/api/v1/bulk_action/edit/']) {
    t.ok((statuses.get(`${url} 200`) ?? 0) > 0, `some trees were accepted by ${url}`);
    t.ok((statuses.get(`${url} 400`) ?? 0) > 0, `some trees were refused by ${url}`);
  }
});
