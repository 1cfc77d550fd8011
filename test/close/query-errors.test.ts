import t from 'tap';
import { build, orgOf, shareApps } from '../helper.js';
import { checkQuery, matchLeadIds } from '../../src/close/query/index.js';
import { ApiError } from '../../src/core/errors.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Every malformed or unsupported query is a 400 naming the node and its path — never "match all".

const lead = { type: 'object_type', object_type: 'lead' };
const name = (condition: object) => ({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition });
const and = (...queries: unknown[]) => ({ type: 'and', queries: [lead, ...queries] });
const dateCreated = (condition: object) => ({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'date_created' }, condition });
const INDUSTRY = 'cf_HS50hBrzSnEtwxlLXORnpz6flqMGuJaMIdIzYA0qyLM';
const CONTACT_FIELD = 'cf_GmlCqfDcCGkWMd8kxGzwyQT8bavicTYWLTGIru8pxfe';

// [label, s_query, sort, field-errors key, message pattern]
const cases: [string, unknown, unknown, string, RegExp][] = [
  ['a missing query', undefined, [], 's_query', /^s_query: A query node must be an object/],
  ['a query that is not an object', 'name:acme', [], 's_query', /must be an object/],
  ['an unknown node type', and({ type: 'fuzzy' }), [], 's_query', /^s_query\.queries\[1\]\.type: Unknown query node type "fuzzy"/],
  ['a node without a type', and({ queries: [] }), [], 's_query', /Unknown query node type undefined/],
  ['and without queries', { type: 'and' }, [], 's_query', /^s_query\.queries: An "and" node needs a "queries" list/],
  ['or with queries not a list', { type: 'or', queries: {} }, [], 's_query', /"or" node needs a "queries" list/],
  ['negate not a boolean', { type: 'match_all', negate: 'yes' }, [], 's_query', /^s_query\.negate:/],
  ['an unknown saved_search', and({ type: 'saved_search', saved_search_id: 'save_1' }), [], 's_query', /saved_search_id: Smart view save_1 not found/],
  ['a saved_search without an id', and({ type: 'saved_search' }), [], 's_query', /needs a "saved_search_id"/],
  ['an unsupported object_type', { type: 'object_type', object_type: 'activity' }, [], 's_query', /Unsupported object_type "activity"/],
  ['a contact query for a bulk edit', { type: 'object_type', object_type: 'contact' }, [], 's_query', /bulk edits act on leads; this query selects contacts/],
  ['conflicting object types', { type: 'and', queries: [lead, { type: 'object_type', object_type: 'contact' }] }, [], 's_query', /Conflicting object_type/],
  ['an unknown regular field', and(name({ type: 'exists' }), { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'colour' }, condition: { type: 'exists' } }),
    [], 's_query', /^s_query\.queries\[2\]\.field\.field_name: Unknown lead field "colour"/],
  ['a contact field on a lead', and({ type: 'field_condition', field: { type: 'regular_field', object_type: 'contact', field_name: 'title' }, condition: { type: 'exists' } }),
    [], 's_query', /wrap it in a has_related/],
  ['an unknown field type', and({ type: 'field_condition', field: { type: 'smart_field', name: 'x' }, condition: { type: 'exists' } }), [], 's_query', /Unsupported field type "smart_field"/],
  ['an unknown custom field', and({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: 'cf_nope' }, condition: { type: 'exists' } }),
    [], 's_query', /^s_query\.queries\[1\]\.field\.custom_field_id: Unknown custom field cf_nope/],
  ['a contact custom field on a lead', and({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: CONTACT_FIELD }, condition: { type: 'exists' } }),
    [], 's_query', /is a contact field, not a field of leads/],
  ['a missing condition', and({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }), [], 's_query', /needs a "condition"/],
  ['an unknown condition type', and(name({ type: 'fuzzy' })), [], 's_query', /^s_query\.queries\[1\]\.condition\.type: Unknown condition type "fuzzy"/],
  ['number_range on a text field', and(name({ type: 'number_range', gte: 1 })), [], 's_query', /A number_range condition does not apply to lead\.name/],
  ['text on a date field', and(dateCreated({ type: 'text', mode: 'full_words', value: '2025' })), [], 's_query', /A text condition does not apply to lead\.date_created/],
  ['text on a choices field', and({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: INDUSTRY }, condition: { type: 'text', mode: 'full_words', value: 'x' } }),
    [], 's_query', /does not apply to custom field/],
  ['an unknown text mode', and(name({ type: 'text', mode: 'fuzzy', value: 'x' })), [], 's_query', /"mode" must be one of/],
  ['a text value with no words', and(name({ type: 'text', mode: 'full_words', value: '...' })), [], 's_query', /no words/],
  ['term without values', and(name({ type: 'term' })), [], 's_query', /needs a "values" list/],
  ['a null term value', and(name({ type: 'term', values: [null] })), [], 's_query', /^s_query\.queries\[1\]\.condition\.values\[0\]:/],
  ['a wrong reference_type', and({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'user_or_group', object_ids: [] } }),
    [], 's_query', /references "status\.lead"/],
  ['an empty number_range', and({ type: 'field_condition', field: { type: 'custom_field', custom_field_id: 'cf_PBxKKkUAE5dzD0CMdQhDxXjFpK8WB9nUJQALN2EaWMw' }, condition: { type: 'number_range' } }),
    [], 's_query', /at least one of gte/],
  ['an empty moment_range', and(dateCreated({ type: 'moment_range' })), [], 's_query', /needs "on_or_after", "before"/],
  ['an unknown moment type', and(dateCreated({ type: 'moment_range', before: { type: 'yesterday' } })), [], 's_query', /\.before\.type: Unsupported moment type/],
  ['a bad fixed_utc value', and(dateCreated({ type: 'moment_range', before: { type: 'fixed_utc', value: 'soon' } })), [], 's_query', /fixed_utc moment needs/],
  ['a bad local date', and(dateCreated({ type: 'moment_range', before: { type: 'fixed_local_date', value: '2026-02-30', which: 'start' } })), [], 's_query', /YYYY-MM-DD/],
  ['a bad offset unit', and(dateCreated({ type: 'moment_range', before: { type: 'offset', direction: 'past', moment: { type: 'now' }, offset: { fortnights: 1 } } })),
    [], 's_query', /Unknown offset unit "fortnights"/],
  ['a bad offset direction', and(dateCreated({ type: 'moment_range', before: { type: 'offset', direction: 'sideways', offset: { days: 1 } } })), [], 's_query', /"direction" must be/],
  ['a non-boolean boolean', and(name({ type: 'boolean', value: 'yes' })), [], 's_query', /"value": true or false/],
  ['has_related with the wrong this_object_type', and({ type: 'has_related', this_object_type: 'contact', related_object_type: 'lead', related_query: { type: 'match_all' } }),
    [], 's_query', /this_object_type must be "lead"/],
  ['has_related to an unsupported type', and({ type: 'has_related', this_object_type: 'lead', related_object_type: 'task', related_query: { type: 'match_all' } }),
    [], 's_query', /has no related "task"/],
  ['has_related without related_query', and({ type: 'has_related', this_object_type: 'lead', related_object_type: 'contact' }), [], 's_query', /needs a "related_query"/],
  ['an error deep inside has_related', and({ type: 'has_related', this_object_type: 'lead', related_object_type: 'contact', related_query: { type: 'and', queries: [{ type: 'nope' }] } }),
    [], 's_query', /^s_query\.queries\[1\]\.related_query\.queries\[0\]\.type:/],
  ['a sort that is not a list', and(), { field: 'name' }, 'sort', /^sort: "sort" must be a list/],
  ['a bad sort direction', and(), [{ direction: 'up', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }], 'sort', /^sort\[0\]\.direction:/],
  ['an unknown sort field', and(), [{ direction: 'asc', field: { type: 'regular_field', object_type: 'lead', field_name: 'colour' } }], 'sort', /^sort\[0\]\.field\.field_name: Unknown lead field/],
  // Found by the hostile-input suite: these were SQLite's or V8's errors, a 500.
  ['a query nested 3,000 levels deep', Array.from({ length: 3000 }).reduce<unknown>((q) => ({ type: 'and', queries: [q] }), lead), [], 's_query', /nested more than 100 levels deep/],
  ['a query of more than 5,000 nodes', { type: 'or', queries: Array(6000).fill(lead) }, [], 's_query', /more than 5000 nodes/],
  ['more than 100 sort keys', and(), Array(101).fill({ direction: 'asc', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' } }), 'sort', /At most 100 sort keys/],
  ['an unknown sort custom field', and(), [{ direction: 'asc', field: { type: 'custom_field', custom_field_id: 'cf_nope' } }], 'sort', /Unknown custom field cf_nope/],
];

t.test('checkQuery rejects every malformed or unsupported query with a 400 naming the path', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  for (const [label, query, sort, key, pattern] of cases) {
    try {
      checkQuery(app.tenants.db(org), org, query, sort);
      t.fail(`${label}: accepted`);
    } catch (err) {
      t.ok(err instanceof ApiError && err.status === 400, `${label}: 400`);
      const fields = (err as ApiError).details.fields ?? {};
      t.same(Object.keys(fields), [key], `${label}: field error on ${key}`);
      t.match(fields[key], pattern, label);
    }
  }
  // The same checks guard matchLeadIds.
  t.throws(() => matchLeadIds(app.tenants.db(org), org, and({ type: 'saved_search' }), { now: new Date() }), ApiError);
  t.doesNotThrow(() => checkQuery(app.tenants.db(org), org, and(name({ type: 'text', mode: 'full_words', value: 'ACME Inc.' })), []), 'the doc example is valid');
});

t.test('an and/or of 1,500 conditions compiles within SQLite\'s expression depth', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'key');
  // One-id references, the cheapest condition: 1,500 fit the query's cost budget (budget.ts).
  const status = (id: string) => ({ type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'status_id' }, condition: { type: 'reference', reference_type: 'status', object_ids: [id] } });
  const many = and({ type: 'or', queries: Array.from({ length: 1500 }, (_, i) => status(`stat_none${i}`)) });
  t.same(matchLeadIds(app.tenants.db(org), org, many, { now: new Date() }), [], 'a flat chain of 1,500 ORs (past SQLite\'s depth of 1,000) was "Expression tree is too large"');
  t.doesNotThrow(() => checkQuery(app.tenants.db(org), org, Array.from({ length: 99 }).reduce<unknown>((q) => ({ type: 'and', negate: true, queries: [q] }), lead), []), '100 levels, each negated, still fit');
});
