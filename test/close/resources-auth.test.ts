import t from 'tap';
import { build, shareApps } from '../helper.js';
import { API, KEY, SEEDED_LEAD, call, closeAuth, closeState } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

const unauthorized = [
  ['no header', {}],
  ['Basic with bad base64', { authorization: 'Basic !!!' }],
  ['Basic with an empty key', { authorization: 'Basic ' + Buffer.from(':').toString('base64') }],
  ['an unknown scheme', { authorization: `Token ${KEY}` }],
  ['Bearer without a token', { authorization: 'Bearer ' }],
] as const;

t.test('every resource answers 401 {"error":"Unauthorized"} without usable credentials and changes nothing', async (t) => {
  const app = await build(t);
  await call(app, { path: '/me/' }); // create the organization first, to compare its state
  const before = closeState(app);
  const requests = [
    ['GET', '/lead/'], ['POST', '/lead/'], ['PUT', `/lead/${SEEDED_LEAD.id}/`], ['DELETE', `/lead/${SEEDED_LEAD.id}/`],
    ['GET', '/contact/'], ['POST', '/opportunity/'], ['GET', '/status/lead/'], ['POST', '/custom_field/lead/'],
    ['GET', '/custom_field_schema/lead/'], ['POST', '/activity/custom/'], ['GET', '/activity/'], ['DELETE', '/custom_object/custobj_x/'],
    ['GET', '/custom_object_type/'], ['GET', '/custom_activity/'], ['GET', '/status/opportunity/'],
  ] as const;
  for (const [label, headers] of unauthorized) {
    for (const [method, path] of requests) {
      const res = await app.inject({ method, url: API + path, headers, payload: method === 'POST' || method === 'PUT' ? { name: 'x' } : undefined });
      t.equal(res.statusCode, 401, `${label}: ${method} ${path}`);
      t.same(res.json(), { error: 'Unauthorized' });
    }
  }
  t.equal(closeState(app), before);
});

t.test('Basic with the key as username and Bearer with the key reach the same organization', async (t) => {
  const app = await build(t);
  const created = await app.inject({ method: 'POST', url: `${API}/lead/`, headers: closeAuth(), payload: { name: 'via basic' } });
  t.equal(created.statusCode, 200);
  const viaBearer = await app.inject({ url: `${API}/lead/${created.json().id}/`, headers: { authorization: `Bearer ${KEY}` } });
  t.equal(viaBearer.statusCode, 200);
  t.equal(viaBearer.json().name, 'via basic');
  const otherOrg = await app.inject({ url: `${API}/lead/${created.json().id}/`, headers: closeAuth('another-key') });
  t.equal(otherOrg.statusCode, 404, 'another key is another organization');
});

t.test('a Close route that is not emulated answers 404 {"error": …}', async (t) => {
  const app = await build(t);
  const res = await call(app, { path: '/custom_field/nonsense/' });
  t.equal(res.statusCode, 404);
  t.same(Object.keys(res.json()), ['error']);
  const schema = await call(app, { path: '/custom_field_schema/shared/' });
  t.equal(schema.statusCode, 404);
});
