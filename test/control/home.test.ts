import t from 'tap';
import { build, shareApps } from '../helper.js';
import { digest, isControlError } from './helper.js';
import { wantsPage } from '../../src/control/home.js';
import { VERSION } from '../../src/version.js';

// GET / and GET /_mock: a browser is sent to the dashboard, a program gets the links.

shareApps(t);

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const HOMES = ['/', '/_mock', '/_mock/'];

const INDEX = {
  name: 'crm-bulk-emulator',
  version: VERSION,
  links: {
    dashboard: '/_mock/ui/',
    docs: '/_mock/docs',
    openapi: { close: '/_mock/openapi/close.json', blueai: '/_mock/openapi/blueai.json', control: '/_mock/openapi/control.json' },
    health: '/_mock/health',
    control: '/_mock/',
    close: '/api/v1/',
    blueai: '/api/v1/crm/',
  },
};

t.test('a browser opening /, /_mock or /_mock/ is sent (302) to the dashboard, which then loads', async (t) => {
  const app = await build(t);
  for (const url of HOMES) {
    for (const accept of [CHROME, FIREFOX]) {
      const res = await app.inject({ url, headers: { accept } });
      t.equal(res.statusCode, 302, `${url} → 302`);
      t.equal(res.headers.location, '/_mock/ui/');
      t.match(res.headers.vary, /Accept/, 'caches keep the two answers apart');
      t.equal(res.body, '', 'no body');
    }
  }
  const page = await app.inject({ url: '/_mock/ui/', headers: { accept: CHROME } });
  t.equal(page.statusCode, 200);
  t.match(page.body, /<title>crm-bulk-emulator · dashboard<\/title>/);
});

t.test('a program (application/json, */*, or no Accept) gets the index of links, and each link answers', async (t) => {
  const app = await build(t);
  for (const url of HOMES) {
    for (const headers of [{ accept: 'application/json' }, { accept: '*/*' }, {}]) {
      const res = await app.inject({ url, headers });
      t.equal(res.statusCode, 200, `${url} ${JSON.stringify(headers)}`);
      t.match(res.headers['content-type'], /^application\/json/);
      t.same(res.json(), INDEX);
    }
  }
  const links = INDEX.links;
  for (const link of [links.dashboard, links.docs, links.health, links.control, ...Object.values(links.openapi)]) {
    const res = await app.inject({ url: link, headers: { accept: 'application/json' } });
    t.ok(res.statusCode === 200 || (res.statusCode === 302 && link === links.docs), `${link} answers (${res.statusCode})`);
  }
  for (const surface of ['close', 'blueai', 'control'] as const) {
    const doc = (await app.inject({ url: links.openapi[surface] })).json();
    t.match(doc, { openapi: '3.1.0', info: { title: /./ } }, `${surface} document`);
  }
});

t.test('which Accept headers get the page: text/html outranks an explicit application/json, wildcards count for neither', async (t) => {
  const cases: [string | undefined, boolean][] = [
    [CHROME, true],
    ['text/html', true],
    ['application/xhtml+xml', true],
    ['TEXT/HTML; charset=utf-8', true],
    ['application/json;q=0.5, text/html', true],
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['text/*', false],
    ['application/json', false],
    ['application/json, text/html', false],
    ['text/html;q=0.5, application/json', false],
    ['text/html;q=0', false],
    ['text/html;q=nonsense', false],
    [`${'x/y, '.repeat(100)}text/html`, false], // past the 64 entries read
  ];
  for (const [accept, page] of cases) t.equal(wantsPage(accept), page, `${JSON.stringify(accept?.slice(0, 60))} → ${page ? 'page' : 'index'}`);
  const app = await build(t);
  t.equal((await app.inject({ url: '/', headers: { accept: 'text/html;q=0.5, application/json' } })).statusCode, 200);
  t.equal((await app.inject({ url: '/', headers: { accept: 'application/json;q=0.5, text/html' } })).statusCode, 302);
});

t.test('opening / is not journaled as a vendor call; another method on / is, as an unmatched 404', async (t) => {
  const app = await build(t);
  await app.inject({ url: '/', headers: { accept: CHROME } });
  await app.inject({ url: '/?from=bookmark', headers: { accept: 'application/json' } });
  await app.inject({ method: 'HEAD', url: '/' });
  t.same(app.journal.list({}, 10).data, [], 'nothing journaled');
  const res = await app.inject({ method: 'POST', url: '/', payload: { x: 1 } });
  t.equal(res.statusCode, 404);
  const entries = app.journal.list({}, 10).data;
  t.equal(entries.length, 1);
  t.match(entries[0], { method: 'POST', path: '/', status: 404, vendor: null });
});

t.test('a Host that is not the emulator\'s own (DNS rebinding) gets 403 on /, /_mock and /_mock/; reads from another site\'s page are fine', async (t) => {
  const app = await build(t);
  app.tenants.create('home-guard', 'seed');
  const before = digest(app);
  for (const url of HOMES) {
    for (const accept of [CHROME, 'application/json']) {
      const res = await app.inject({ url, headers: { host: 'evil.example', accept } });
      const err = isControlError(t, res, 403, 'FORBIDDEN');
      t.match(err.message, /Host "evil\.example"/);
      t.equal(res.headers.location, undefined, `${url}: no redirect`);
    }
  }
  // A link on another site's page (a GET with its Origin and Sec-Fetch-Site) is a read: the browser guard lets it through.
  const res = await app.inject({ url: '/_mock', headers: { accept: CHROME, origin: 'http://other.example', 'sec-fetch-site': 'cross-site' } });
  t.equal(res.statusCode, 302);
  const post = await app.inject({ method: 'POST', url: '/_mock', headers: { 'sec-fetch-site': 'cross-site' } });
  isControlError(t, post, 403, 'FORBIDDEN');
  t.equal(digest(app), before, 'nothing changed');
});

t.test('with CONTROL_TOKEN the index and the redirect need no token (links only); the control API still does', async (t) => {
  const app = await build(t, { controlToken: 'home-secret' });
  for (const url of HOMES) {
    t.equal((await app.inject({ url, headers: { accept: CHROME } })).statusCode, 302, `${url} redirects`);
    const res = await app.inject({ url, headers: { accept: 'application/json' } });
    t.equal(res.statusCode, 200);
    t.same(res.json(), INDEX);
  }
  isControlError(t, await app.inject({ url: '/_mock/orgs' }), 401, 'UNAUTHORIZED');
});
