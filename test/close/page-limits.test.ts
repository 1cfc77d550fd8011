import t from 'tap';
import { build, shareApps } from '../helper.js';
import { call, closeState, CS } from './helper.js';

shareApps(t);

// Each Close list's largest `_limit` (schemas/close/common.ts PAGE_LIMITS): at least what a connector in
// production use sends successfully; one more is a 400 naming _limit that changes nothing.

const TABLE: [string, number][] = [
  ['/user/', 1000], ['/custom_field/lead/', 1000], ['/custom_field/contact/', 1000], ['/custom_field/opportunity/', 1000],
  ['/custom_field/activity/', 1000], ['/task/', 1000], ['/sequence/', 1000], ['/opportunity/', 250], ['/lead/', 200],
  ['/contact/', 200], ['/status/lead/', 200], ['/status/opportunity/', 200], ['/pipeline/', 200], ['/email_template/', 200],
  ['/connected_account/', 200], ['/activity/', 200], ['/bulk_action/edit/', 100], ['/bulk_action/delete/', 100],
];

t.test('every list takes the page size real connectors send, and one more is a 400 "Must be <= N." naming _limit', async (t) => {
  const app = await build(t);
  await call(app, { path: '/me/' });
  const before = closeState(app);
  for (const [path, max] of TABLE) {
    const ok = await call(app, { path: `${path}?_limit=${max}` });
    t.equal(ok.statusCode, 200, `${path} _limit=${max}`);
    t.type(ok.json().has_more, 'boolean');
    const over = await call(app, { path: `${path}?_limit=${max + 1}` });
    t.equal(over.statusCode, 400, `${path} _limit=${max + 1}`);
    t.same(over.json(), { errors: [], 'field-errors': { _limit: `Must be <= ${max}.` } });
  }
  t.equal(closeState(app), before, 'nothing changed');
});

t.test('a page of 1,000 users answers every user; a page of 250 opportunities answers 250 of them', async (t) => {
  const app = await build(t);
  const users = (await call(app, { path: '/user/?_limit=1000' })).json();
  t.equal(users.has_more, false);
  t.equal(users.data.length, CS.users.length);
  const opps = (await call(app, { path: '/opportunity/?_limit=250' })).json();
  t.equal(opps.data.length, Math.min(250, opps.total_results));
  t.equal(opps.has_more, opps.total_results > 250);
});

t.test('the event log caps its pages at 50 (Close\'s documented maximum): a larger _limit answers 50', async (t) => {
  const app = await build(t);
  for (let i = 0; i < 55; i++) await call(app, { method: 'POST', path: '/lead/', payload: { name: `Lead ${i}` } });
  const res = await call(app, { path: '/event/?_limit=1000' });
  t.equal(res.statusCode, 200);
  t.equal(res.json().data.length, 50);
});
