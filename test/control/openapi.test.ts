import t from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { build, shareApps } from '../helper.js';
import { isControlError } from './helper.js';
import { surfaceOf, type Surface } from '../../src/control/openapi.js';
import { BulkEditAction } from '../../schemas/close/bulk-edit.js';
import { VERSION } from '../../src/version.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  security: Record<string, string[]>[];
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>>;
  components: { securitySchemes: Record<string, Record<string, string>>; schemas?: Record<string, unknown> };
};

const EXPECTED: Record<Surface, { paths: Record<string, string[]>; schemes: Record<string, Record<string, string>> }> = {
  close: {
    paths: { '/api/v1/bulk_action/edit/': ['get', 'post'], '/api/v1/bulk_action/edit/{id}/': ['get', 'put'], '/api/v1/data/search/': ['post'] },
    schemes: { apiKey: { type: 'http', scheme: 'basic' }, bearer: { type: 'http', scheme: 'bearer' } },
  },
  blueai: {
    paths: { '/api/v1/crm/bulk/deals/update': ['post'], '/api/v1/crm/deals': ['get'] },
    schemes: { session: { type: 'apiKey', in: 'cookie', name: 'better-auth.session_token' }, bearer: { type: 'http', scheme: 'bearer' } },
  },
  control: {
    paths: { '/_mock/health': ['get'] },
    schemes: { controlToken: { type: 'http', scheme: 'bearer' } },
  },
};

for (const surface of Object.keys(EXPECTED) as Surface[]) {
  t.test(`the ${surface} document is valid OpenAPI 3.1 with its own paths, security and nothing of another surface`, async (t) => {
    const app = await build(t);
    const res = await app.inject({ url: `/_mock/openapi/${surface}.json` });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], /^application\/json/);
    const doc = res.json() as Doc;

    const validator = new Validator();
    const result = await validator.validate(doc);
    t.equal(validator.version, '3.1');
    t.same(result.errors, undefined, 'no validation errors');
    t.ok(result.valid, 'valid OpenAPI 3.1');

    t.equal(doc.info.version, VERSION);
    t.match(doc.info.title, /\S/);
    for (const [path, methods] of Object.entries(EXPECTED[surface].paths)) {
      t.ok(doc.paths[path], `has ${path}`);
      for (const method of methods) t.ok(doc.paths[path]?.[method], `has ${method.toUpperCase()} ${path}`);
    }
    const foreign = Object.keys(doc.paths).filter((path) => surfaceOf(path) !== surface);
    t.same(foreign, [], 'no path of another surface');
    t.notOk(Object.keys(doc.paths).some((path) => path.startsWith('/_mock/openapi') || path.startsWith('/_mock/docs')), 'docs routes hidden');
    t.match(doc.components.securitySchemes, EXPECTED[surface].schemes);
    t.same(doc.security.flatMap(Object.keys).sort(), Object.keys(EXPECTED[surface].schemes).sort());

    // A second request answers the cached document, byte for byte.
    t.equal((await app.inject({ url: `/_mock/openapi/${surface}.json` })).body, res.body);
  });
}

t.test('each document keeps only the component schemas it references, named after their $id', async (t) => {
  const app = await build(t);
  const docs = Object.fromEntries(
    await Promise.all((['close', 'blueai', 'control'] as const).map(async (s) => [s, (await app.inject({ url: `/_mock/openapi/${s}.json` })).json() as Doc])),
  ) as Record<Surface, Doc>;
  t.same(Object.keys(docs.blueai.components.schemas ?? {}), ['BlueAIError']);
  t.same(docs.blueai.paths['/api/v1/crm/bulk/deals/update']!.post!.responses['400']!.content!['application/json']!.schema, { $ref: '#/components/schemas/BlueAIError' });
  for (const surface of ['close', 'control'] as const) t.notOk(JSON.stringify(docs[surface]).includes('BlueAIError'), `${surface} has no BlueAI schema`);
  t.notOk(JSON.stringify(docs.close).includes('ControlError'), 'close has no control schema');
});

t.test('health is marked as needing no credential in the control document', async (t) => {
  const app = await build(t);
  const doc = (await app.inject({ url: '/_mock/openapi/control.json' })).json() as Doc;
  t.same(doc.paths['/_mock/health']!.get!.security, []);
  t.match(doc.components.securitySchemes.controlToken!.description, /CONTROL_TOKEN/);
  t.match((doc.info as { description?: string }).description, /CONTROL_TOKEN/);
});

t.test("a bulk edit GET /api/v1/bulk_action/edit/{id}/ answers validates against the close document's response schema", async (t) => {
  const app = await build(t);
  const doc = (await app.inject({ url: '/_mock/openapi/close.json' })).json() as Doc;
  const schema = doc.paths['/api/v1/bulk_action/edit/{id}/']!.get!.responses['200']!.content!['application/json']!.schema;
  t.same(Object.keys(schema.properties as object).sort(), Object.keys(BulkEditAction.properties).sort(), "BulkEditAction's fields");

  const auth = { authorization: `Basic ${Buffer.from('openapi-key:').toString('base64')}` };
  const created = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: auth, payload: { type: 'clear_custom_field', custom_field_name: 'Notes', s_query: { type: 'object_type', object_type: 'lead' } } });
  t.equal(created.statusCode, 200, created.body);
  const res = await app.inject({ url: `/api/v1/bulk_action/edit/${created.json().id}/`, headers: auth });
  t.equal(res.statusCode, 200);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile({ ...schema, required: Object.keys(BulkEditAction.properties) });
  t.ok(validate(res.json()), JSON.stringify(validate.errors));
});

t.test('the docs page loads swagger-ui from the emulator itself and offers the three documents', async (t) => {
  const app = await build(t);
  for (const url of ['/_mock/docs', '/_mock/docs/']) {
    const page = await app.inject({ url });
    t.equal(page.statusCode, 200, url);
    t.match(page.headers['content-type'], /^text\/html/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    t.ok(assets.length >= 4, `${url} references its assets`);
    t.same(assets.filter((a) => /^(https?:)?\/\//.test(a)), [], 'no remote asset');
    for (const asset of assets) {
      const resolved = new URL(asset, `http://emulator${url}`).pathname;
      t.equal((await app.inject({ url: resolved })).statusCode, 200, `${resolved} is served`);
    }
  }
  const init = await app.inject({ url: '/_mock/docs/static/swagger-initializer.js' });
  for (const surface of ['close', 'blueai', 'control']) t.match(init.body, `"url":"/_mock/openapi/${surface}.json"`);
});

t.test('with a CONTROL_TOKEN the documents need it; the docs page and its files do not, and send the tab\'s token', async (t) => {
  const app = await build(t, { controlToken: 'secret' });
  for (const url of ['/_mock/openapi/control.json', '/_mock/openapi/close.json', '/_mock/docs/json', '/_mock/docs/yaml']) {
    isControlError(t, await app.inject({ url }), 401, 'UNAUTHORIZED');
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer wrong' } })).statusCode, 401, `${url} wrong token`);
    t.equal((await app.inject({ url, headers: { authorization: 'Bearer secret' } })).statusCode, 200, `${url} with token`);
  }
  for (const url of ['/_mock/docs', '/_mock/docs/', '/_mock/docs/static/swagger-initializer.js', '/_mock/docs/static/swagger-ui.css']) {
    t.equal((await app.inject({ url })).statusCode, 200, `${url} without token`);
  }
  // The page adds the token the dashboard keeps for the tab, on /_mock/ calls only.
  const init = (await app.inject({ url: '/_mock/docs/static/swagger-initializer.js' })).body;
  t.match(init, /"requestInterceptor":function controlTokenInterceptor\(req\)/);
  // The page holds the function's text as the running code has it: tsc's output keeps the source's
  // quotes, while esbuild (the dist/server.mjs bundle, and tsx under tap) prints double quotes.
  t.match(init, /sessionStorage\.getItem\((['"])crm-bulk-emulator\.control-token\1\)/);
  t.match(init, /startsWith\((['"])\/_mock\/\1\)/);
});
