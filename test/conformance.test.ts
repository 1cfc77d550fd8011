import t, { type Test } from 'tap';
import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { conformanceProblem } from './conformance.js';
import { build, bearer } from './helper.js';

// The test-wide conformance hook (test/helper.ts) must catch what Fastify's serialiser lets through.

async function probe(t: Test) {
  const app = Fastify();
  const problems: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const problem = conformanceProblem(request, reply, payload);
    if (problem) problems.push(problem);
    return payload;
  });
  // The serialiser refuses a missing key or an unknown union member itself; a pattern it does not check.
  const Thing = Type.Object({ n: Type.Integer(), kind: Type.String({ pattern: '^[ab]$' }) });
  app.get('/api/v1/crm/ok', { schema: { response: { 200: Thing } } }, async () => ({ n: 1, kind: 'a' }));
  app.get('/api/v1/crm/wrong-pattern', { schema: { response: { 200: Thing } } }, async () => ({ n: 1, kind: 'c' }));
  app.get('/api/v1/crm/teapot', { schema: { response: { 200: Thing } } }, async (_req, reply) => reply.status(418 as 200).send({ n: 1, kind: 'a' }));
  app.get('/api/v1/crm/bare', async () => ({ anything: true }));
  app.get('/api/v1/crm/text', { schema: { response: { 200: Thing } } }, async (_req, reply) => reply.type('text/plain').send('hello'));
  t.teardown(() => app.close());
  return { app, problems };
}

t.test('an answer that matches its declared schema passes', async (t) => {
  const { app, problems } = await probe(t);
  const res = await app.inject('/api/v1/crm/ok');
  t.equal(res.statusCode, 200);
  t.same(problems, []);
});

t.test("a value its schema's pattern refuses is caught", async (t) => {
  const { app, problems } = await probe(t);
  const res = await app.inject('/api/v1/crm/wrong-pattern');
  t.same(res.json(), { n: 1, kind: 'c' }, 'Fastify sent it unchecked');
  t.equal(problems.length, 1);
  t.match(problems[0], /schema rejects/);
});

t.test('a status the route does not declare is caught', async (t) => {
  const { app, problems } = await probe(t);
  await app.inject('/api/v1/crm/teapot');
  t.match(problems, [/answered 418, which its schema does not declare/]);
});

t.test('a route without a response schema is caught', async (t) => {
  const { app, problems } = await probe(t);
  await app.inject('/api/v1/crm/bare');
  t.match(problems, [/declares no response schema/]);
});

t.test('a non-JSON answer where JSON is declared is caught', async (t) => {
  const { app, problems } = await probe(t);
  await app.inject('/api/v1/crm/text');
  t.match(problems, [/as text\/plain/]);
});

t.test('an unmatched path is held to its surface\'s error envelope', async (t) => {
  const { app, problems } = await probe(t);
  const res = await app.inject('/api/v1/crm/nowhere');
  t.equal(res.statusCode, 404);
  t.match(problems, [/schema rejects/], "Fastify's default 404 body is not BlueAI's envelope");
});

t.test("the emulator's own unmatched paths answer in each surface's envelope", async (t) => {
  const app = await build(t); // the helper's hook fails this test on any non-conforming answer
  for (const url of ['/api/v1/crm/nowhere', '/api/v1/nowhere/', '/_mock/nowhere']) {
    const res = await app.inject({ url, headers: bearer() });
    t.equal(res.statusCode, 404, url);
  }
});

t.test("a Close 2xx answer that breaks Close's own schema is caught, even when ours lets it through", async (t) => {
  const app = Fastify();
  const problems: string[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    const problem = conformanceProblem(request, reply, payload);
    if (problem) problems.push(problem);
    return payload;
  });
  const Loose = Type.Object({ id: Type.String() }, { additionalProperties: true });
  app.get('/api/v1/contact/:id/', { schema: { response: { 200: Loose } } }, async (req) =>
    (req.query as { _fields?: string })._fields ? { id: 'cont_1' } : { id: 'cont_1', emails: [{ email: 'a@b.c', type: 'office' }] });
  t.teardown(() => app.close());
  await app.inject('/api/v1/contact/cont_1/');
  t.equal(problems.length, 1);
  t.match(problems[0], /Close's OpenAPI rejects: .*body must have required property 'display_name'.*body\/emails\/\* must have required property 'is_unsubscribed'/);
  await app.inject('/api/v1/contact/cont_1/?_fields=id');
  t.equal(problems.length, 1, '_fields answers are not held to its required keys');
});
