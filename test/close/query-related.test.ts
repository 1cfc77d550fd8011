import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { call, closeState, isFieldError } from './helper.js';

// The query forms Close's own scripts send: related-object queries `rel(query)`, the bare `*`, the
// address terms and counts, `sort:activities`; and the s_query forms they compile to (has_related
// address and sequence_subscription). Each expectation is written out from the seed (seed/default.json).

shareApps(t);

/** Every lead id the legacy query returns (through _skip paging), in answer order. */
async function list(app: FastifyInstance, query: string): Promise<string[]> {
  const out: string[] = [];
  for (let skip = 0; ; skip += 200) {
    const res = await call(app, { path: `/lead/?_limit=200&_skip=${skip}&_fields=id&query=${encodeURIComponent(query)}` });
    if (res.statusCode !== 200) throw new Error(`${query}: ${res.statusCode} ${res.body}`);
    const body = res.json() as { data: { id: string }[]; has_more: boolean };
    out.push(...body.data.map((l) => l.id));
    if (!body.has_more) return out;
  }
}
const total = async (app: FastifyInstance, query: string) =>
  (await call(app, { path: `/lead/?_limit=0&query=${encodeURIComponent(query)}` })).json().total_results as number;

const L = (s: string) => `lead_${s}`;
// The seed's leads with two addresses, by their number of activities (the seed's activities of each).
const TWO_ADDRESSES_BY_ACTIVITIES = [
  'ZXUWbAkWVFF1seTyPPCawVusRidoq6NNACOR2Cve31u', 'r8EmAKv81Sh7RWH3ixEmOGnJEDNrkF0uFAzshRiXzOa', // 0 activities
  '5KjggFvOa47HWRX3teC7BISXNEWq4EhixcuT6Lqebnv', '6oFP55JPRkmpPDHlTvoF7pUJlkh1XTNtZu2WjLSoCm7', 'MqlERovujwB9P3MMSwIBOazY2apkEpPbVIDy6rNX68r',
  'PWolShHwaBmVhjraPjFJKwmgoTGnmlhWyuVvFCK8DHF', 'SbJVszgM9ojWJ1AThKIoSZUG1wu8AAJTE4kvwf90uNs', 'URwTh9eUEkXKkC8QscXK1tFEaem2mdqj9iJ75K8RXQT',
  'wjSPMQXrWtm2OepPzfkcn7ZHOVdSShrn3Haqrqi96xo', // 1 each
  'Ud9pCab5oJ2zo0V1m8GMsfgWHrQ35FgeOZlp5GUMnWM', // 2
  '2eYP2lUm0lfx95OxTofk05oHavmsZNLTHmbNNoNT4zr', 'vJmVeXivTfkzO8A9iLfPX00she6nFwcN31nY2vYM6So', // 3 each
].map(L);
const SUBSCRIBED = ['aZFWLUu2ZODNoO2MY7HrNNai0YLUyRu2WaLNQAHaWJH', 'eDvPKx2PQrTJcSUnrgCmoq547QLhxRAjVgFyhaNNJDJ',
  'gtTrWYclOZQWChJfsaSslrm5P9cgbwe4cMQWFbQog3W', 'oaPZhcGH8BgEqroUObvTWvZOn4egcF6F9xYADH1ojPx', 'vOrP44Zl2o1zvLQSw9WlCIcAmcxQrFF72bJE3DBKN8K'].map(L);
const DE = ['5KjggFvOa47HWRX3teC7BISXNEWq4EhixcuT6Lqebnv', '6oFP55JPRkmpPDHlTvoF7pUJlkh1XTNtZu2WjLSoCm7',
  'LJufjVidIVzahI769OAOvnURKv6tVbYdPDKN1Jh2gPo', 'ZXUWbAkWVFF1seTyPPCawVusRidoq6NNACOR2Cve31u'].map(L);
const MD = ['2eYP2lUm0lfx95OxTofk05oHavmsZNLTHmbNNoNT4zr', 'PWolShHwaBmVhjraPjFJKwmgoTGnmlhWyuVvFCK8DHF', 'Ud9pCab5oJ2zo0V1m8GMsfgWHrQ35FgeOZlp5GUMnWM',
  'r8EmAKv81Sh7RWH3ixEmOGnJEDNrkF0uFAzshRiXzOa', 'wjSPMQXrWtm2OepPzfkcn7ZHOVdSShrn3Haqrqi96xo'].map(L);
const SF = [L('xj0IXAwhaVbtrY1qcoQS5F4ToqbkuWlG0orCclw0Osa')];
const TRIAL = 'seq_h8bOXiyRAUtUxMkE2KM4LK3C1PeFb2Koi1JArULulZE';

t.test('legacy related-object queries, address terms and counts select exactly the expected leads', async (t) => {
  const app = await build(t);
  const cases: [string, string[]][] = [
    ['contact(sequence_subscription(sequence:*))', SUBSCRIBED],
    ['contact(sequence_subscription(sequence:*)) ', SUBSCRIBED],
    [`contact(sequence_subscription(sequence:${TRIAL}))`, [SUBSCRIBED[0]!, SUBSCRIBED[1]!, SUBSCRIBED[2]!, SUBSCRIBED[4]!]],
    ['contact(sequence_subscription(sequence:"renewal reminder"))', [SUBSCRIBED[3]!, SUBSCRIBED[4]!]],
    ['contact(sequence_subscription(status:paused))', [SUBSCRIBED[1]!]],
    ['contact(sequence_subscription(sequence:* status:active))', [SUBSCRIBED[2]!, SUBSCRIBED[3]!, SUBSCRIBED[4]!]],
    ['contact(sequence_subscription(status:finished or status:paused))', [SUBSCRIBED[0]!, SUBSCRIBED[1]!]],
    ['contact(name:"長谷川 達也")', [L('n7pT99c0nAO4ibkvJFLtdlkwzo5KRqET7d9tonAqKF6')]],
    ['opportunity(status:Won value > 24000000)', [L('QVBcDlNlUNRMV1lf2kpqzKJXXifkftCL27bgfXrjucl'), L('SiEDKo5s49h0ecIk6F2wobqjtca51sAgx23ghjERUdm')]],
    ['opportunity(status:Negotiation value > 22000000)', ['XEgXHKvUJBfzqlu54b85ae5S3hg0GAPk2Zp6JFqvgRC', 'ZOtbszlkluJNNdPk2q7UhUwXm7w3vcdgwtzmdpu9ley',
      'aZFWLUu2ZODNoO2MY7HrNNai0YLUyRu2WaLNQAHaWJH'].map(L)],
    ['opportunity(status:Negotiation value > 22000000) contact(sequence_subscription(sequence:*))', [L('aZFWLUu2ZODNoO2MY7HrNNai0YLUyRu2WaLNQAHaWJH')]],
    ['addresses > 1', [...TWO_ADDRESSES_BY_ACTIVITIES].sort()],
    ['country:DE', DE],
    ['country:de', DE],
    ['state:MD', MD],
    ['city:"San Francisco"', SF],
    ['zipcode:94103', SF],
    ['country:DE addresses:2', DE.filter((id) => TWO_ADDRESSES_BY_ACTIVITIES.includes(id))],
  ];
  for (const [query, expected] of cases) t.same((await list(app, query)).sort(), expected, query);
});

t.test('the bare * is every lead, address counts split the seed, and sort:activities orders by activity count', async (t) => {
  const app = await build(t);
  t.equal(await total(app, '*'), 300);
  t.equal(await total(app, '* sort:created'), 300);
  const byCreated = await list(app, 'sort:created');
  t.same(await list(app, '* sort:created'), byCreated, '* sort:created pages as sort:created');
  t.equal(await total(app, 'addresses:0'), 276);
  t.equal(await total(app, 'addresses:1'), 12);
  t.equal(await total(app, 'addresses >= 1'), 24);
  t.equal(await total(app, 'addresses:*'), 24);
  t.equal(await total(app, 'not contact(sequence_subscription(sequence:*))'), 295);
  // Fewest activities first, ties by id; `-activities` the other way round.
  t.same(await list(app, 'addresses > 1 sort:activities'), TWO_ADDRESSES_BY_ACTIVITIES);
  t.same(await list(app, 'addresses > 1 sort:-activities'), [...TWO_ADDRESSES_BY_ACTIVITIES].reverse());
  // A note added to the lead with none moves it to the end.
  const [first] = TWO_ADDRESSES_BY_ACTIVITIES;
  for (let i = 0; i < 4; i++) t.equal((await call(app, { method: 'POST', path: '/activity/note/', payload: { lead_id: first, note: `n${i}` } })).statusCode, 200);
  t.same(await list(app, 'addresses > 1 sort:activities'), [...TWO_ADDRESSES_BY_ACTIVITIES.slice(1), first]);
});

t.test('s_query has_related address and sequence_subscription select the same leads', async (t) => {
  const app = await build(t);
  const field = (object_type: string, field_name: string) => ({ type: 'regular_field', object_type, field_name });
  const related = (rel: string, q: object, on = 'lead') => ({ type: 'has_related', this_object_type: on, related_object_type: rel, related_query: q });
  const fc = (f: object, condition: object) => ({ type: 'field_condition', field: f, condition });
  const search = async (q: object) => {
    const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, q] }, _limit: 200 } });
    t.equal(res.statusCode, 200, res.body);
    return (res.json().data as { id: string }[]).map((d) => d.id).sort();
  };
  t.same(await search(related('address', fc(field('address', 'country'), { type: 'term', values: ['DE'] }))), DE);
  t.same(await search(related('address', fc(field('address', 'state'), { type: 'text', mode: 'full_words', value: 'md' }))), MD);
  t.same(await search(related('address', fc(field('address', 'location'), { type: 'text', mode: 'full_words', value: 'San Francisco 94103' }))), SF);
  t.same((await search(related('address', fc(field('address', 'label'), { type: 'term', values: ['business', 'mailing', 'other'] })))).length, 24);
  t.same(await search(related('contact', related('sequence_subscription', fc(field('sequence_subscription', 'status'), { type: 'term', values: ['paused'] }), 'contact'))),
    [SUBSCRIBED[1]]);
  t.same(await search(related('contact', related('sequence_subscription',
    fc(field('sequence_subscription', 'sequence_id'), { type: 'reference', reference_type: 'sequence', object_ids: [TRIAL] }), 'contact'))),
  [SUBSCRIBED[0], SUBSCRIBED[1], SUBSCRIBED[2], SUBSCRIBED[4]]);
});

t.test('query parts that are not emulated are 400s naming them, and change nothing', async (t) => {
  const app = await build(t);
  const before = closeState(app);
  const legacy: [string, RegExp][] = [
    ['call(direction:outbound)', /"call" at position 0: Related-object queries "call\(…\)" are not emulated.*contact\(…\), opportunity\(…\)/],
    ['sms(*)', /"sms".*not emulated/],
    ['sequence_subscription(sequence:*)', /"sequence_subscription".*not emulated inside a lead query/],
    ['opportunity(contact(name:x))', /"contact".*not emulated inside opportunity\(…\)/],
    ['contact(sequence_subscription(sequence:* colour:red))', /"colour".*supported: sequence, status/],
    ['contact(sequence_subscription(hello))', /"hello".*only sequence: and status:/],
    ['contact(sequence_subscription(sequence:Nope))', /"Nope".*No sequence/],
    ['contact(sequence_subscription(status:running))', /"running".*active, paused, finished/],
    ['contact(colour:red)', /"colour".*supported: name, title/],
    ['contact(sort:name)', /sort/],
    ['contact(name:x', /Expected "\)"/],
    ['contact()', /Expected a search term/],
    ['opportunity(status:Nope)', /"Nope".*opportunity status/],
    ['opportunity(value > lots)', /"lots".*number/],
    ['country > US', /"country".*comparisons/],
    ['addresses > many', /"many"/],
    ['sort:colour', /"colour".*activities/],
  ];
  for (const [q, message] of legacy) {
    const res = await call(app, { path: `/lead/?query=${encodeURIComponent(q)}` });
    isFieldError(t, res, 'query');
    t.match(res.json()['field-errors'].query, message, q);
  }
  const field = (object_type: string, field_name: string) => ({ type: 'regular_field', object_type, field_name });
  const sQueries: [object, RegExp][] = [
    [{ type: 'has_related', this_object_type: 'lead', related_object_type: 'address', related_query: { type: 'text', value: 'x' } },
      /query\.related_query\.type: A text node does not apply inside an address query/],
    [{ type: 'has_related', this_object_type: 'lead', related_object_type: 'address', related_query: { type: 'field_condition', field: { type: 'custom_field', custom_field_id: 'cf_x' }, condition: { type: 'exists' } } },
      /An address has no custom fields/],
    [{ type: 'has_related', this_object_type: 'lead', related_object_type: 'address', related_query: { type: 'field_condition', field: field('address', 'planet'), condition: { type: 'exists' } } },
      /Unknown address field "planet"; supported: label, address_1, address_2, city, state, zipcode, country, location/],
    [{ type: 'field_condition', field: field('address', 'city'), condition: { type: 'exists' } }, /An address field cannot be used on a lead/],
    [{ type: 'has_related', this_object_type: 'lead', related_object_type: 'sequence_subscription', related_query: { type: 'match_all' } },
      /A lead has no related "sequence_subscription"; supported: contact, opportunity, address/],
    [{ type: 'has_related', this_object_type: 'lead', related_object_type: 'address', related_query: { type: 'has_related', this_object_type: 'address', related_object_type: 'lead', related_query: { type: 'match_all' } } },
      /An address has no related "lead"; it has no related objects here/],
  ];
  for (const [q, message] of sQueries) {
    const res = await call(app, { method: 'POST', path: '/data/search/', payload: { query: q } });
    isFieldError(t, res, 'query');
    t.match(res.json()['field-errors'].query, message);
  }
  t.equal(closeState(app), before);
});
