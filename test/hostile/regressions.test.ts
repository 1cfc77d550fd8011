import t from 'tap';
import { build, bearer, isError, shareApps } from '../helper.js';
import { basic } from '../close/seed-ids.js';
import { isControlError } from '../control/helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// What the hostile-input suite found, pinned as plain cases.

t.test('a path with bad percent-encoding is a 400 in each surface\'s envelope, not Fastify\'s', async (t) => {
  const app = await build(t);
  for (const bad of ['%zz', '%ED%A0%80', '%']) {
    isError(t, await app.inject({ url: `/api/v1/crm/deals/${bad}`, headers: bearer() }), 400, 'VALIDATION_ERROR');
    const close = await app.inject({ url: `/api/v1/lead/${bad}/`, headers: basic() });
    t.equal(close.statusCode, 400);
    t.same(Object.keys(close.json()), ['error']);
    t.type(close.json().error, 'string');
    isControlError(t, await app.inject({ url: `/_mock/orgs/${bad}` }), 400, 'VALIDATION_ERROR');
  }
});

t.test('an unknown id of up to 2,048 characters is the route\'s own 404; a longer one a 414 in the envelope', async (t) => {
  const app = await build(t);
  const long = 'x'.repeat(2048);
  isError(t, await app.inject({ url: `/api/v1/crm/deals/deal_${long.slice(5)}`, headers: bearer() }), 404, 'NOT_FOUND');
  t.equal((await app.inject({ url: `/api/v1/lead/lead_${long.slice(5)}/`, headers: basic() })).statusCode, 404);
  isControlError(t, await app.inject({ url: `/_mock/orgs/${long}` }), 404, 'NOT_FOUND');
  const tooLong = 'x'.repeat(2049);
  isError(t, await app.inject({ url: `/api/v1/crm/deals/${tooLong}`, headers: bearer() }), 414, 'VALIDATION_ERROR');
  const close = await app.inject({ url: `/api/v1/lead/${tooLong}/`, headers: basic() });
  t.equal(close.statusCode, 414);
  t.type(close.json().error, 'string');
  isControlError(t, await app.inject({ url: `/_mock/jobs/${tooLong}` }), 414, 'VALIDATION_ERROR');
});

t.test('a client error a plugin raises is given the code of its status', async (t) => {
  const app = await build(t);
  // @fastify/static (the docs page) refuses a NUL in a file name with a 403.
  isControlError(t, await app.inject({ url: '/_mock/docs/static/%00' }), 403, 'FORBIDDEN');
});
