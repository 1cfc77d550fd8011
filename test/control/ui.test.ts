import t from 'tap';
import { readFileSync } from 'node:fs';
import { build, shareApps } from '../helper.js';
import { ctl, digest, isControlError } from './helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// The dashboard's files as the server hands them out (the page itself is driven in test/ui/).

t.test('GET /_mock/ui serves the page; its scripts and styles come from this server only', async (t) => {
  const app = await build(t);
  for (const url of ['/_mock/ui', '/_mock/ui/', '/_mock/ui/index.html']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 200, url);
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
    t.match(res.headers['content-security-policy'], /default-src 'none'; script-src 'self'; style-src 'self'/);
    t.equal(res.headers['x-content-type-options'], 'nosniff');
    t.match(res.body, /<html lang="en">/);
  }
  const html = (await app.inject({ url: '/_mock/ui' })).body;
  const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
  t.ok(refs.includes('/_mock/ui/app.js') && refs.includes('/_mock/ui/style.css'), 'loads its script and styles');
  for (const ref of refs) t.match(ref, /^(#|\/_mock\/|data:)/, `${ref} is on this server`);
  for (const [file, type] of [['app.js', /^text\/javascript/], ['style.css', /^text\/css/]] as const) {
    const res = await app.inject({ url: `/_mock/ui/${file}` });
    t.equal(res.statusCode, 200);
    t.match(res.headers['content-type'], type);
    t.notMatch(res.body, /https?:\/\//, `${file} names no other server`);
  }
});

t.test('unknown dashboard files are a 404 in the control envelope, and no path leaves the folder', async (t) => {
  const app = await build(t);
  for (const url of ['/_mock/ui/nope.js', '/_mock/ui/..%2Fpackage.json', '/_mock/ui/%2E%2E%2Fpackage.json', '/_mock/ui/a/b']) {
    const err = isControlError(t, await app.inject({ url }), 404, 'NOT_FOUND');
    t.notMatch(err.message, /crm-bulk-emulator/, `${url} reads nothing`);
  }
  isControlError(t, await app.inject({ method: 'POST', url: '/_mock/ui' }), 404, 'NOT_FOUND');
});

t.test('dashboard file names that are Object.prototype properties are a 404 in the control envelope', async (t) => {
  const app = await build(t);
  // Looked up in a plain object each was a 500 (issue 13).
  for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
    const res = await app.inject({ url: `/_mock/ui/${name}` });
    t.equal(res.statusCode, 404, name);
    t.same(res.json(), { error: { code: 'NOT_FOUND', message: `No dashboard file ${name}; there are index.html, app.js, style.css` } }, name);
  }
});

t.test('with CONTROL_TOKEN the page loads without it, but every call it makes needs it', async (t) => {
  const app = await build(t, { controlToken: 'ui-secret' });
  t.equal((await app.inject({ url: '/_mock/ui' })).statusCode, 200);
  t.equal((await app.inject({ url: '/_mock/ui/app.js' })).statusCode, 200);
  const before = digest(app);
  isControlError(t, await ctl(app, 'GET', '/orgs'), 401, 'UNAUTHORIZED');
  // The exemption is for the page's files only: a path that climbs out of /_mock/ui reaches nothing.
  for (const url of ['/_mock/ui/../orgs', '/_mock/ui/..%2Forgs', '/_mock/ui?x=/_mock/orgs']) {
    const res = await app.inject({ method: 'POST', url: url.replace('/orgs', '/reset') });
    t.not(res.statusCode, 204, `${url} does not reset`);
    t.not(res.statusCode, 200);
  }
  t.equal(digest(app), before);
  t.equal((await ctl(app, 'GET', '/orgs', undefined, { authorization: 'Bearer ui-secret' })).statusCode, 200);
});

// WCAG 2.1 contrast, computed from the colours style.css actually declares.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

t.test('every text colour of the dashboard passes WCAG AA (4.5:1) on the background it is used on', async (t) => {
  const css = readFileSync(new URL('../../src/ui/style.css', import.meta.url), 'utf8');
  const vars = Object.fromEntries([...css.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]));
  const placeholder = /::placeholder \{ color: (#[0-9a-f]{6})/.exec(css)?.[1];
  t.ok(placeholder, 'placeholder colour declared');
  const pairs: [string, string][] = [
    ['ink', 'paper'], ['ink', 'panel'], ['muted', 'paper'], ['muted', 'panel'], ['accent', 'paper'], ['accent', 'panel'], ['accent', 'run-bg'],
    ['danger', 'paper'], ['danger', 'bad-bg'], ['ok-ink', 'ok-bg'], ['warn-ink', 'warn-bg'], ['bad-ink', 'bad-bg'], ['run-ink', 'run-bg'],
  ];
  for (const [fg, bg] of pairs) {
    t.ok(vars[fg] && vars[bg], `--${fg} and --${bg} are declared`);
    const ratio = contrast(vars[fg]!, vars[bg]!);
    t.ok(ratio >= 4.5, `--${fg} on --${bg}: ${ratio.toFixed(2)}:1`);
  }
  t.ok(contrast(placeholder!, vars.paper!) >= 4.5, `placeholder on --paper: ${contrast(placeholder!, vars.paper!).toFixed(2)}:1`);
  // The focus ring must stand out from the page (WCAG 1.4.11 non-text contrast, 3:1).
  t.ok(contrast(vars.focus!, vars.paper!) >= 3 && contrast(vars.focus!, vars.panel!) >= 3, 'focus ring visible');
});
