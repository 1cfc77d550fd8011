import t, { type Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { prettyLogs } from '../src/config.js';
import { build } from './helper.js';

// The log lines themselves, captured from the logger's stream (AppOptions.logStream).

interface Line { level: number; msg: string; [field: string]: unknown }
const INFO = 30;
const ERROR = 50;

async function logged(t: Test, logLevel = 'info'): Promise<{ app: FastifyInstance; lines: Line[] }> {
  const lines: Line[] = [];
  const app = await build(t, { logger: true, logLevel, logStream: { write: (line: string) => void lines.push(JSON.parse(line) as Line) } }, false);
  return { app, lines };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

t.test('a request logs one line at info: method, path without query, status, ms, vendor and organization', async (t) => {
  const { app, lines } = await logged(t);
  const res = await app.inject({ method: 'GET', url: '/api/v1/crm/deals?limit=1&q=secret', headers: bearer('blueai-demo-token') });
  t.equal(res.statusCode, 200);
  const org = app.tenants.find('blueai-demo-token')!;
  const requests = lines.filter((l) => l.reqId !== undefined);
  t.equal(requests.length, 1, 'one line, not Fastify\'s incoming request + request completed');
  t.match(requests[0], { level: INFO, method: 'GET', path: '/api/v1/crm/deals', status: 200, ms: Number, vendor: 'blueai', organization: org.id, msg: /^GET \/api\/v1\/crm\/deals 200 \d+ms$/ });
  t.notMatch(JSON.stringify(lines), /secret/, 'the query string is not logged');

  lines.length = 0;
  const missing = await app.inject({ method: 'GET', url: '/api/v1/crm/deals/deal_nope', headers: bearer('blueai-demo-token') });
  t.equal(missing.statusCode, 404);
  t.same(lines.map((l) => [l.level, l.msg]), [[INFO, 'GET /api/v1/crm/deals/deal_nope 404 ' + `${lines[0]!.ms as number}ms`]], 'a 4xx is the request line alone at info');

  lines.length = 0;
  t.equal((await app.inject({ method: 'GET', url: '/_mock/health' })).statusCode, 200);
  t.same(lines, [], 'health checks log at debug only');
  t.equal((await app.inject({ method: 'GET', url: '/_mock/orgs' })).statusCode, 200);
  t.match(lines, [{ level: INFO, method: 'GET', path: '/_mock/orgs', vendor: 'control', organization: null }]);
});

t.test('an injected fault logs at info with its rule id and no stack; a real 5xx logs at error with its stack', async (t) => {
  const { app, lines } = await logged(t);
  const rule = (await app.inject({ method: 'POST', url: '/_mock/faults', payload: { vendor: 'blueai', path: '/api/v1/crm/deals', status: 503 } })).json();
  lines.length = 0;
  const res = await app.inject({ method: 'GET', url: '/api/v1/crm/deals', headers: bearer('ci-token') });
  t.equal(res.statusCode, 503);
  t.equal(app.faults.list().find((r) => r.id === rule.id)?.hits, 1, 'the rule fired');
  t.match(lines, [
    { level: INFO, fault: rule.id, status: 503, msg: `injected fault (rule ${rule.id})` },
    { level: INFO, status: 503, path: '/api/v1/crm/deals', vendor: 'blueai' },
  ]);
  t.equal(lines.length, 2);
  t.notOk(lines.some((l) => l.level >= ERROR || l.err !== undefined || /\n\s+at /.test(JSON.stringify(l))), 'no error line, no stack');

  await app.inject({ method: 'DELETE', url: '/_mock/faults' });
  // A bug: something the emulator did not expect throws while serving.
  app.tenants.resolve = () => {
    throw new Error('boom: an unexpected failure');
  };
  lines.length = 0;
  const broken = await app.inject({ method: 'GET', url: '/api/v1/lead/', headers: bearer('ci-token') });
  t.equal(broken.statusCode, 500);
  const error = lines.find((l) => l.level === ERROR);
  t.match(error, { msg: 'unhandled error', err: { message: 'boom: an unexpected failure', stack: /Error: boom[\s\S]*\n\s+at / } });
  t.match(lines.at(-1), { level: INFO, status: 500, path: '/api/v1/lead/', vendor: 'close' });
});

t.test('in open mode the first unknown key that opens an organization logs a hint at info, once; seed keys never do', async (t) => {
  const { app, lines } = await logged(t);
  const hint = 'unknown key opened a new organization; use --auth strict to refuse';
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/crm/deals?limit=1', headers: bearer('ci-token') })).statusCode, 200);
  t.notOk(lines.some((l) => l.msg === hint), 'a seed key is expected: no hint');
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/crm/deals?limit=1', headers: bearer('typo-tokne') })).statusCode, 200);
  t.equal((await app.inject({ method: 'GET', url: '/api/v1/crm/deals?limit=1', headers: bearer('another-new-key') })).statusCode, 200);
  const hints = lines.filter((l) => l.msg === hint);
  t.equal(hints.length, 1, 'once');
  t.match(hints[0], { level: INFO, organization: app.tenants.find('typo-tokne')!.id });
  t.ok(app.tenants.find('another-new-key'), 'the second key opened its organization too');
  t.notMatch(JSON.stringify(lines), /typo-tokne/, 'the key itself is not logged');
});

t.test('LOG_FORMAT: pretty and json are what they say; auto is pretty only when stdout is a terminal', async (t) => {
  t.equal(prettyLogs('pretty', false), true);
  t.equal(prettyLogs('json', true), false);
  t.equal(prettyLogs('auto', true), true);
  t.equal(prettyLogs('auto', false), false);
});
