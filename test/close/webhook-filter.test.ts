import t from 'tap';
import { checkFilter, fieldOf, matches, type Filter } from '../../src/close/webhooks/filter.js';

const event = {
  id: 'ev_1', object_type: 'lead', action: 'updated', user_id: 'user_1', changed_fields: ['name', 'status_id'], previous_data: { name: 'Old' },
  data: { name: 'Acme', 'custom.cf_tier': 'gold', addresses: [{ state: 'CA', country: 'US' }, { state: 'MD', country: 'US' }], nested: { deep: 3 } },
};
const ok = (f: unknown) => {
  t.equal(checkFilter(f), null, `valid: ${JSON.stringify(f)}`);
  return matches(f as Filter, event);
};
const at = (field: string, filter: unknown) => ({ type: 'field_accessor', field, filter });

t.test('operators: equals, not_equals, is_null, non_null, contains (array element or substring)', async (t) => {
  t.equal(ok(at('user_id', { type: 'equals', value: 'user_1' })), true);
  t.equal(ok(at('user_id', { type: 'equals', value: 'user_2' })), false);
  t.equal(ok(at('user_id', { type: 'not_equals', value: 'user_2' })), true);
  t.equal(ok(at('previous_data', { type: 'equals', value: { name: 'Old' } })), true, 'objects compare by value');
  t.equal(ok(at('missing', { type: 'is_null' })), true, 'an absent field is null');
  t.equal(ok(at('user_id', { type: 'is_null' })), false);
  t.equal(ok(at('user_id', { type: 'non_null' })), true);
  t.equal(ok(at('changed_fields', { type: 'contains', value: 'name' })), true, 'an array element');
  t.equal(ok(at('changed_fields', { type: 'contains', value: 'nam' })), false, 'not a substring of an element');
  t.equal(ok(at('data', at('name', { type: 'contains', value: 'cm' }))), true, 'a substring');
  t.equal(ok(at('data', at('name', { type: 'contains', value: 'xyz' }))), false);
  t.equal(ok(at('data', at('nested', { type: 'contains', value: 3 }))), false, 'an object contains nothing');
});

t.test('and, or, not combine filters', async (t) => {
  const isName = at('changed_fields', { type: 'contains', value: 'name' });
  const isOther = at('changed_fields', { type: 'contains', value: 'email' });
  t.equal(ok({ type: 'and', filters: [isName, isOther] }), false);
  t.equal(ok({ type: 'or', filters: [isName, isOther] }), true);
  t.equal(ok({ type: 'not', filter: isOther }), true);
  t.equal(ok({ type: 'not', filter: { type: 'or', filters: [isName, isOther] } }), false);
});

t.test('accessors: dotted custom field names inside data, nested parts, any_array_value', async (t) => {
  t.equal(ok(at('data', at('custom.cf_tier', { type: 'equals', value: 'gold' }))), true, 'the flat custom.cf_ key');
  t.equal(ok(at('data', at('nested.deep', { type: 'equals', value: 3 }))), true, 'a dotted path through objects');
  t.equal(fieldOf(event, 'data.nested.deep'), 3);
  t.equal(fieldOf(event, 'constructor'), undefined, 'never a prototype member');
  t.equal(fieldOf(event, 'data.__proto__'), undefined);
  const md = at('data', at('addresses', { type: 'any_array_value', filter: { type: 'and', filters: [at('state', { type: 'equals', value: 'MD' }), at('country', { type: 'equals', value: 'US' })] } }));
  t.equal(ok(md), true, "Close's own example: an address in Maryland, US");
  const ny = at('data', at('addresses', { type: 'any_array_value', filter: at('state', { type: 'equals', value: 'NY' }) }));
  t.equal(ok(ny), false);
  t.equal(ok(at('user_id', { type: 'any_array_value', filter: { type: 'non_null' } })), false, 'not an array: no match');
});

t.test('checkFilter names what is wrong, with its path', async (t) => {
  t.match(checkFilter(null), /must be an object/);
  t.match(checkFilter({ type: 'equals' }), /needs a "value"/);
  t.match(checkFilter({ type: 'and', filters: [] }), /non-empty "filters"/);
  t.match(checkFilter({ type: 'or', filters: [{ type: 'is_null' }, { type: 'x' }] }), /^extra_filter\.filters\[1\]: unknown type "x"/);
  t.match(checkFilter({ type: 'field_accessor', field: '', filter: { type: 'is_null' } }), /"field" name/);
  t.match(checkFilter({ type: 'toString' }), /unknown type/);
  let deep: unknown = { type: 'is_null' };
  for (let i = 0; i < 40; i++) deep = { type: 'not', filter: deep };
  t.match(checkFilter(deep), /nested more than/);
});
