import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build } from '../helper.js';
import { ctl, digest, isControlError } from './helper.js';
import { isLoopback, parseOrigin } from '../../src/control/browser-guard.js';

// Browsers cannot drive the control API from another site: a write whose Sec-Fetch-Site is cross-site,
// or whose Origin is neither this emulator nor loopback, is a 403; control bodies are JSON (else 415).

const EVIL = 'http://evil.example';

/** Two organizations, so a refused reset has something to wipe. */
async function withOrgs(t: Parameters<typeof build>[0], opts: Parameters<typeof build>[1] = {}) {
  const app = await build(t, opts);
  for (const credential of ['alpha', 'beta']) app.tenants.create(credential, 'seed');
  return app;
}

const orgCount = (app: FastifyInstance) => app.db.prepare('SELECT count(*) FROM orgs WHERE is_template = 0').pluck().get() as number;

t.test("a text/plain POST /_mock/reset from another site's page is refused and every organization stays", async (t) => {
  const app = await withOrgs(t);
  const before = digest(app);
  const res = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { origin: EVIL, 'content-type': 'text/plain' }, payload: 'x' });
  const err = isControlError(t, res, 403, 'FORBIDDEN');
  t.match(err.message, /Origin http:\/\/evil\.example is neither this emulator \(localhost\) nor loopback/);
  t.equal(orgCount(app), 2, 'both organizations are still in the database');
  t.same((await ctl(app, 'GET', '/orgs')).json().data.map((o: { credentials: string[] }) => o.credentials[0]).sort(), ['alpha', 'beta']);
  t.equal(digest(app), before, 'no row changed');
});

t.test("the same attack with a JSON body, a DELETE or a form post is refused too", async (t) => {
  const app = await withOrgs(t);
  const before = digest(app);
  isControlError(t, await app.inject({ method: 'POST', url: '/_mock/reset', headers: { origin: EVIL } }), 403, 'FORBIDDEN');
  isControlError(t, await app.inject({ method: 'DELETE', url: '/_mock/orgs/alpha', headers: { origin: EVIL } }), 403, 'FORBIDDEN');
  isControlError(t, await ctl(app, 'POST', '/orgs', { credential: 'gamma' }, { origin: `${EVIL}:4010` }), 403, 'FORBIDDEN');
  isControlError(t, await app.inject({
    method: 'POST', url: '/_mock/reset', headers: { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1',
  }), 403, 'FORBIDDEN');
  t.equal(digest(app), before, 'nothing changed');
});

t.test('with CONTROL_TOKEN the rule holds as well: the right token from another site is still a 403', async (t) => {
  const app = await withOrgs(t, { controlToken: 's3cret' });
  const res = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { origin: EVIL, authorization: 'Bearer s3cret' } });
  isControlError(t, res, 403, 'FORBIDDEN');
  t.equal(orgCount(app), 2);
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset', headers: { authorization: 'Bearer s3cret' } })).statusCode, 204, 'without Origin the token is enough');
  t.equal(orgCount(app), 0);
});

t.test('Sec-Fetch-Site: cross-site is refused, whatever the Origin says', async (t) => {
  const app = await withOrgs(t);
  for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'Cross-Site', origin: 'http://localhost:4010' }]) {
    const err = isControlError(t, await app.inject({ method: 'POST', url: '/_mock/reset', headers }), 403, 'FORBIDDEN');
    t.match(err.message, /Sec-Fetch-Site is cross-site/);
  }
  t.equal(orgCount(app), 2);
});

t.test("the emulator's own origin and loopback origins may write", async (t) => {
  // emulator.internal is one of its names (ALLOWED_HOSTS): its own pages are served from that origin.
  const app = await withOrgs(t, { allowedHosts: ['emulator.internal'] });
  const allowed: Record<string, string>[] = [
    { origin: 'http://emulator.internal:4010', host: 'emulator.internal:4010', 'sec-fetch-site': 'same-origin' },
    { origin: 'http://EMULATOR.internal:4010', host: 'emulator.internal:4010' },
    { origin: 'https://emulator.internal', host: 'emulator.internal' },
    { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' },
    { origin: 'http://localhost' },
    { origin: 'http://127.0.0.1:3000' },
    { origin: 'http://127.255.0.9:1' },
    { origin: 'http://[::1]:8080' },
    { origin: 'http://[::ffff:127.0.0.1]:8080' },
    { 'sec-fetch-site': 'none' },
  ];
  for (const headers of allowed) {
    const res = await app.inject({ method: 'POST', url: '/_mock/orgs/alpha/reset', headers });
    t.equal(res.statusCode, 200, JSON.stringify(headers));
  }
  const created = await ctl(app, 'POST', '/orgs', { credential: 'gamma' }, { origin: 'http://localhost:4010', host: 'localhost:4010' });
  t.equal(created.statusCode, 201);
  t.equal(orgCount(app), 3);
});

t.test('Origin null, junk and look-alike origins are refused', async (t) => {
  const app = await withOrgs(t);
  const before = digest(app);
  const refused: [string, RegExp][] = [
    ['null', /Origin is null/],
    ['', /Origin "" is not an origin/],
    ['evil.example', /is not an origin/],
    ['http://localhost:4010/', /is not an origin/],
    ['http://localhost/path', /is not an origin/],
    ['http://user@localhost', /is not an origin/],
    ['file://', /is not an origin/],
    ['javascript:alert(1)', /is not an origin/],
    ['http://[::1', /is not an origin/],
    ['http://localhost, http://evil.example', /is not an origin/],
    [`http://${'a'.repeat(5000)}`, /…" is not an origin|neither this emulator/],
    ['http://127.0.0.1.evil.example', /neither this emulator/],
    ['http://localhost.evil.example', /neither this emulator/],
    ['http://[::2]', /neither this emulator/],
    ['http://128.0.0.1', /neither this emulator/],
  ];
  for (const [origin, why] of refused) {
    const err = isControlError(t, await app.inject({ method: 'POST', url: '/_mock/orgs/alpha/reset', headers: { origin } }), 403, 'FORBIDDEN');
    t.match(err.message, why, origin.slice(0, 60));
  }
  t.equal(digest(app), before, 'nothing changed');
});

t.test('reads are not refused: the browser keeps their answers from another site', async (t) => {
  const app = await withOrgs(t);
  const res = await app.inject({ url: '/_mock/orgs', headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } });
  t.equal(res.statusCode, 200);
  t.equal(res.json().data.length, 2);
});

t.test('a control body that is not JSON is a 415 naming its content type, and changes nothing', async (t) => {
  const app = await withOrgs(t);
  const before = digest(app);
  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    const res = await app.inject({ method: 'POST', url: '/_mock/orgs', headers: { 'content-type': type }, payload: '{"credential":"gamma"}' });
    const err = isControlError(t, res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    t.match(err.message, `Content-Type "${type.split(';')[0]!.toLowerCase()}" is not accepted`);
  }
  const empty = await app.inject({ method: 'POST', url: '/_mock/reset', headers: { 'content-type': 'text/plain' } });
  t.match(isControlError(t, empty, 415, 'UNSUPPORTED_MEDIA_TYPE').message, /"text\/plain"/, 'an empty text/plain body too');
  const untyped = await app.inject({ method: 'PUT', url: '/_mock/clock', payload: '{"frozen":true}' });
  t.match(isControlError(t, untyped, 415, 'UNSUPPORTED_MEDIA_TYPE').message, /without a Content-Type/);
  t.equal(digest(app), before, 'nothing changed');
  t.equal(app.clock.default.frozen, false, 'the clock was not frozen');
});

t.test('a body-less POST and JSON with parameters are accepted', async (t) => {
  const app = await withOrgs(t);
  t.equal((await app.inject({ method: 'POST', url: '/_mock/orgs/alpha/reset' })).statusCode, 200);
  const created = await app.inject({ method: 'POST', url: '/_mock/orgs', headers: { 'content-type': 'Application/JSON; charset=utf-8' }, payload: '{"credential":"gamma"}' });
  t.equal(created.statusCode, 201);
  t.equal((await app.inject({ method: 'POST', url: '/_mock/reset' })).statusCode, 204);
  t.equal(orgCount(app), 0);
});

t.test('parseOrigin and isLoopback on the edges', async (t) => {
  t.equal(parseOrigin('http://[::1]:4010')?.hostname, '[::1]');
  t.equal(parseOrigin('https://Example.COM')?.host, 'example.com');
  t.equal(parseOrigin('ws://localhost'), null);
  t.equal(parseOrigin('http://localhost?x'), null);
  t.equal(parseOrigin('http://localhost#x'), null);
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '[::ffff:7f00:1]']) t.ok(isLoopback(h), h);
  for (const h of ['localhost.', '127.0.0', '127.0.0.1.x', '126.0.0.1', '[::2]', '[::ffff:8000:1]', '[::ffff:7f00:1:2]', '']) t.notOk(isLoopback(h), h);
});
