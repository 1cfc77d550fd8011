import t from 'tap';
import { build, bearer, isError, shareApps } from './helper.js';
import { basic } from './close/seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Out-of-range paging numbers are the caller's mistake: a 400 in the vendor's envelope, never a 500.
const HUGE = ['9223372036854775807', '1e308', '9007199254740992'];

t.test("Close lists answer an out-of-range _skip with a 400 field error on _skip", async (t) => {
  const app = await build(t);
  for (const path of ['/lead/', '/contact/', '/opportunity/', '/activity/', '/custom_object/', '/bulk_action/edit/', '/status/lead/', '/custom_field/lead/']) {
    for (const skip of HUGE) {
      const res = await app.inject({ url: `/api/v1${path}?_skip=${skip}`, headers: basic() });
      t.equal(res.statusCode, 400, `${path} _skip=${skip}`);
      t.same(Object.keys(res.json()['field-errors']), ['_skip']);
    }
  }
  const edge = await app.inject({ url: `/api/v1/lead/?_skip=${Number.MAX_SAFE_INTEGER}`, headers: basic() });
  t.equal(edge.statusCode, 200, 'the largest exact integer is accepted');
  t.same(edge.json().data, []);
});

t.test('Close results_limit beyond an exact integer is a 400 on search and bulk edits', async (t) => {
  const app = await build(t);
  const query = { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }] };
  const search = await app.inject({ method: 'POST', url: '/api/v1/data/search/', headers: { ...basic(), 'content-type': 'application/json' }, payload: `{"query": ${JSON.stringify(query)}, "results_limit": 1e308}` });
  t.equal(search.statusCode, 400);
  t.ok(search.json()['field-errors'].results_limit);
});

t.test('BlueAI lists answer an out-of-range offset with a 400 VALIDATION_ERROR naming offset', async (t) => {
  const app = await build(t);
  for (const path of ['/deals', '/contacts', '/companies', '/members', '/deals/deal_11111111111111111111111111111111/activities']) {
    for (const offset of HUGE) {
      const res = await app.inject({ url: `/api/v1/crm${path}?offset=${offset}`, headers: bearer() });
      const e = isError(t, res, 400, 'VALIDATION_ERROR');
      t.ok(e.details.fields?.offset, `${path} offset=${offset}`);
    }
  }
});
