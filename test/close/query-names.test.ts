import t from 'tap';
import { build, shareApps } from '../helper.js';
import { call, closeState } from './helper.js';
import { CLOSE } from './seed-ids.js';
import { REGULAR_FIELDS } from '../../src/close/query/fields.js';
import { trimFields } from '../../src/close/fields.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Names a plain object answers from Object.prototype. Looked up in the s_query tables, each was a 500
// (issue 13); they are names like any other unknown one: a 400 in Close's envelope that changes nothing.

const PROTO_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
const SUPPORTED = Object.keys(REGULAR_FIELDS.lead).join(', ');
const field = (name: string) => ({ type: 'regular_field', object_type: 'lead', field_name: name });
const condition = (name: string) => ({ type: 'field_condition', field: field(name), condition: { type: 'exists' } });
const lead = { type: 'object_type', object_type: 'lead' };
const unknown = (path: string, name: string) => `${path}.field_name: Unknown lead field ${JSON.stringify(name)}; supported: ${SUPPORTED}.`;
/** Bulk edits in every organization (each one's database holds only its own). */
const bulkEdits = (app: Awaited<ReturnType<typeof build>>) => app.tenants.list()
  .reduce((sum, o) => sum + (app.tenants.db(o.id).prepare('SELECT count(*) FROM close_bulk_actions').pluck().get() as number), 0);

t.test('a search filtering on a field named after an Object.prototype property is a 400 naming the field', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  for (const name of PROTO_NAMES) {
    const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query: condition(name) } });
    t.equal(res.statusCode, 400, name);
    t.same(res.json(), { errors: [], 'field-errors': { query: unknown('query.field', name) } }, name);
  }
  t.equal(closeState(app), before, 'nothing changed');
});

t.test('a search sorted by a field named after an Object.prototype property is a 400 naming the sort key', async (t) => {
  const app = await build(t);
  for (const name of PROTO_NAMES) {
    const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query: lead, sort: [{ direction: 'asc', field: field(name) }] } });
    t.equal(res.statusCode, 400, name);
    t.same(res.json(), { errors: [], 'field-errors': { sort: unknown('sort[0].field', name) } }, name);
  }
});

t.test('a bulk edit whose s_query or sort names an Object.prototype property is a 400 and creates no bulk edit', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const edits = bulkEdits(app);
  for (const name of PROTO_NAMES) {
    const base = { type: 'set_lead_status', lead_status_id: CLOSE.status.customer };
    const filtered = await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: { ...base, s_query: { type: 'and', queries: [lead, condition(name)] } } });
    t.equal(filtered.statusCode, 400, `s_query ${name}`);
    t.same(filtered.json(), { errors: [], 'field-errors': { s_query: unknown('s_query.queries[1].field', name) } }, `s_query ${name}`);
    const sorted = await call(app, { method: 'POST', path: '/bulk_action/edit/', payload: { ...base, s_query: lead, sort: [{ direction: 'desc', field: field(name) }] } });
    t.equal(sorted.statusCode, 400, `sort ${name}`);
    t.same(sorted.json(), { errors: [], 'field-errors': { sort: unknown('sort[0].field', name) } }, `sort ${name}`);
  }
  t.equal(bulkEdits(app), edits, 'no bulk edit created');
  t.equal(closeState(app), before, 'nothing changed');
});

t.test('an offset unit named after an Object.prototype property is an unknown unit, not a moment out of range', async (t) => {
  const app = await build(t);
  // `__proto__` cannot be a JSON key here: the body parser refuses it as invalid JSON.
  for (const unit of PROTO_NAMES.filter((n) => n !== '__proto__')) {
    const query = {
      type: 'field_condition', field: field('date_created'),
      condition: { type: 'moment_range', before: { type: 'offset', direction: 'past', offset: { [unit]: 1 } } },
    };
    const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query } });
    t.equal(res.statusCode, 400, unit);
    const message = `query.condition.before.offset.${unit}: Unknown offset unit "${unit}"; use years, months, weeks, days, hours, minutes or seconds.`;
    t.same(res.json(), { errors: [], 'field-errors': { query: message } }, unit);
  }
});

t.test('_fields naming an Object.prototype property returns only the real fields asked for', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query: lead, _limit: 1, _fields: { lead: [...PROTO_NAMES, 'name'] } } });
  t.equal(res.statusCode, 200);
  t.same(Object.keys(res.json().data[0]), ['__object_type', 'id', 'name']);
  const list = await call(app, { path: `/lead/?_limit=1&_fields=${PROTO_NAMES.join(',')},name` });
  t.equal(list.statusCode, 200);
  t.same(Object.keys(list.json().data[0]), ['name']);
  // What the serializer would have dropped anyway, trimFields no longer copies.
  const trimmed = trimFields({ name: 'x' }, `${PROTO_NAMES.join(',')},name`);
  t.same(Object.getOwnPropertyNames(trimmed), ['name'], 'no inherited property copied');
});
