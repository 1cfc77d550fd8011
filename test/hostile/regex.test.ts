import t, { type Test } from 'tap';
import fc from 'fast-check';
import { holds } from '../fc.js';
import { build, bearer, count, multipart, orgOf, shareApps } from '../helper.js';
import { ctl, isControlError } from '../control/helper.js';
import { isEmail, MAX_CELL_CHARS } from '../../src/blueai/store/import.js';
import { durationMs } from '../../src/control/clock.js';
import { parseTzOffset } from '../../src/close/query/moments.js';
import { parseMoment } from '../../src/close/dates.js';
import { fold, matches, MAX_TEXT_WORDS, needle, words, type TextMode } from '../../src/close/query/text.js';
import { globMatcher } from '../../src/core/match.js';
import { EmulatorClient } from '../../src/client.js';
import type { ApiError } from '../../src/core/errors.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Every regular expression in src/ that sees untrusted input, fed 100,000-character strings built to
// make a backtracking pattern retry (long runs of what a quantifier eats, then a character that makes
// the match fail). Budgets are generous so a loaded machine passes; a quadratic pattern takes seconds.

const N = 100_000;
/** A direct check of one 100,000-character input. */
const BUDGET_MS = 250;
/** One request through app.inject (multipart parsing, an import's insert and the journal included). */
const HTTP_BUDGET_MS = 1500;

/**
 * The run's time against its budget: the best of up to three tries, so one load spike on a busy
 * machine (CI beside other jobs: 363 ms once) does not fail a linear pattern, while a quadratic one
 * (seconds every time) still does.
 */
function within<T>(t: Test, what: string, budgetMs: number, run: () => T): T {
  let best = Infinity;
  let result!: T;
  for (let i = 0; i < 3 && best >= budgetMs; i++) {
    const start = performance.now();
    result = run();
    best = Math.min(best, performance.now() - start);
  }
  t.ok(best < budgetMs, `${what}: ${best.toFixed(1)} ms (budget ${budgetMs} ms)`);
  return result;
}

async function withinAsync<T>(t: Test, what: string, budgetMs: number, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await run();
  const ms = performance.now() - start;
  t.ok(ms < budgetMs, `${what}: ${ms.toFixed(1)} ms (budget ${budgetMs} ms)`);
  return result;
}

const dots = (n: number) => '.'.repeat(n);

/** The ApiError `run` throws, or undefined (kept out of t.throws, whose report would quote 100,000 characters). */
function thrown(run: () => unknown): ApiError | undefined {
  try {
    run();
  } catch (err) {
    return err as ApiError;
  }
  return undefined;
}

t.test('the import\'s e-mail check makes the old pattern\'s decisions on short strings', async (t) => {
  // The pattern isEmail replaces: fine on short strings, O(n²) on long ones.
  const OLD = /^[^\s@"(),:;<>[\]\\]+@[^\s@"(),:;<>[\]\\]+\.[^\s@"(),:;<>[\]\\]+$/;
  const ch = fc.constantFrom('a', 'é', '山', '.', '@', ' ', '\u3000', '\t', '<', '"', ',', '[', '\\');
  // 80,000 thorough cases, 20,000 by default (test/fc.ts).
  await holds(t, 'same decisions', fc.array(ch, { maxLength: 10 }).map((a) => a.join('')),
    (s) => (OLD.test(s) === isEmail(s) ? null : `${JSON.stringify(s)}: the old pattern says ${OLD.test(s)}`), 80_000);
  for (const s of ['taro@example.jp', 'a.b+c@sub.example.co.jp', '山田@例え.jp', 'a@..b', 'x@y.z']) t.equal(isEmail(s), true, s);
  for (const s of ['not-an-email', '@b.c', 'a@b', 'a@.b', 'a@b.', 'a@b@c.d', 'a b@c.d', 'a@b.c<', '"a"@b.c']) t.equal(isEmail(s), false, s);
});

t.test('the import\'s e-mail check is linear on 100,000-character addresses', async (t) => {
  const cases: [string, string, boolean][] = [
    ['a@ + dots + <', 'a@' + dots(N) + '<', false],
    // Valid by the old pattern too: `.` is an address character, so "a@" + "..." has a dot inside its domain.
    ['a@ + dots', 'a@' + dots(N), true],
    ['a@ + "a." × n + space', 'a@' + 'a.'.repeat(N / 2) + ' ', false],
    ['@ × n', '@'.repeat(N), false],
    ['a × n + @ + dots + <', 'a'.repeat(N) + '@' + dots(N) + '<', false],
    ['a long valid address', 'a'.repeat(N) + '@' + 'b.'.repeat(N / 2) + 'jp', true],
  ];
  for (const [name, input, expected] of cases) t.equal(within(t, name, BUDGET_MS, () => isEmail(input)), expected, name);
});

t.test('an import whose rows each hold a 32,000-dot address answers quickly with one error per row', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = count(app, 'blueai_contacts', org);
  const bad = 'a@' + dots(32_000) + '<';
  const csv = ['last_name,email', ...Array.from({ length: 10 }, () => `試験,${bad}`), '試験,ok@example.jp'].join('\n');
  const { payload, headers } = multipart([{ name: 'file', filename: 'contacts.csv', content: csv }]);
  const res = await withinAsync(t, '10 rows × 32,000 dots', HTTP_BUDGET_MS, () =>
    app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer(), ...headers }, payload }));
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.processed, 1);
  t.same(body.errors, Array.from({ length: 10 }, (_, i) => `row ${i + 2}: email "${bad.slice(0, 200)}…" is invalid`));
  t.equal(count(app, 'blueai_contacts', org), before + 1);
});

t.test('a 100,000-character address cell is that row\'s length error, not an e-mail check', async (t) => {
  const app = await build(t);
  const org = orgOf(app);
  const before = count(app, 'blueai_contacts', org);
  const csv = `last_name,email\n試験,a@${dots(N)}<\n`;
  const { payload, headers } = multipart([{ name: 'file', filename: 'contacts.csv', content: csv }]);
  const res = await withinAsync(t, 'one 100,002-character cell', HTTP_BUDGET_MS, () =>
    app.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer(), ...headers }, payload }));
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 0, errors: [`row 2: email is ${N + 3} characters long; a cell may hold at most ${MAX_CELL_CHARS}`] });
  t.equal(count(app, 'blueai_contacts', org), before);
});

t.test('durations, time zone offsets and moments parse 100,000-character strings in linear time', async (t) => {
  t.equal(within(t, 'durationMs of a unitless digit run', BUDGET_MS, () => durationMs('1'.repeat(N))), 0);
  t.equal(within(t, 'durationMs of "1m" × n', BUDGET_MS, () => durationMs('1m'.repeat(N / 2))), (N / 2) * 60_000);
  for (const [name, input] of [['digits', '1'.repeat(N)], ['1. + digits + x', '1.' + '1'.repeat(N) + 'x'], ['signs', '+'.repeat(N)], ['colons', '1:'.repeat(N / 2)]]) {
    const error = within(t, `X-TZ-Offset ${name}`, BUDGET_MS, () => thrown(() => parseTzOffset(input!)));
    t.equal(error?.status, 400, `X-TZ-Offset ${name} is a 400`);
  }
  t.ok(Number.isNaN(within(t, 'a date followed by junk', BUDGET_MS, () => parseMoment('2026-01-01' + 'x'.repeat(N)))));
});

t.test('text conditions fold and split 100,000-character values in linear time', async (t) => {
  t.equal(within(t, 'words of "a " × n', BUDGET_MS, () => words('a '.repeat(N / 2))).length, N / 2);
  t.equal(within(t, 'words of full-width letters', BUDGET_MS, () => words('Ａ'.repeat(N))).length, 1);
  t.equal(within(t, 'fold of ASCII then one non-ASCII character', BUDGET_MS, () => fold('A'.repeat(N) + 'é')).length, N + 1);
});

t.test('a text condition matches a 100,000-word field in linear time for its longest allowed value', async (t) => {
  // The worst case the cap allows: 64 needle words that all occur, against a field whose every word
  // starts each of them and whose phrase almost matches at every position.
  const value = Array.from({ length: MAX_TEXT_WORDS - 1 }, () => 'a').join(' ') + ' b';
  const field = 'a '.repeat(N / 2);
  for (const mode of ['full_words', 'beginning_of_words', 'phrase'] as TextMode[]) {
    t.equal(within(t, `${mode} of 64 words against 50,000`, BUDGET_MS, () => matches(needle(mode, value), field)), false, `${mode} does not match`);
  }
});

t.test('a text condition value over 1,000 characters or 64 words is a quick 400 that names it, and starts nothing', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-text');
  const name = (value: string) => ({ type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'field_condition',
    field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'phrase', value } }] });
  for (const [what, value] of [['1,001 characters', 'a'.repeat(1001)], ['65 words', 'a '.repeat(65)], ['100,000 characters', 'ab '.repeat(N / 3)]]) {
    const search = await withinAsync(t, `search with ${what}`, HTTP_BUDGET_MS, () =>
      app.inject({ method: 'POST', url: '/api/v1/data/search/', headers: bearer('close-text'), payload: { query: name(value!), results_limit: 5 } }));
    t.equal(search.statusCode, 400, `search with ${what}`);
    t.match(search.json()['field-errors'], { query: /^query\.queries\[1\]\.condition\.value: A phrase value may hold at most 1000 characters and 64 words/ });
    const edit = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/edit/', headers: bearer('close-text'),
      payload: { type: 'clear_custom_field', custom_field_name: 'Industry', s_query: name(value!) } });
    t.equal(edit.statusCode, 400, `bulk edit with ${what}`);
  }
  const node = await app.inject({ method: 'POST', url: '/api/v1/data/search/', headers: bearer('close-text'),
    payload: { query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'text', value: 'ab '.repeat(N / 3) }] } } });
  t.equal(node.statusCode, 400, 'a text node is bounded too');
  t.match(node.json()['field-errors'], { query: /^query\.queries\[1\]\.value: A beginning_of_words value may hold at most/ });
  t.equal(count(app, 'close_bulk_actions', org), 0);
  const ok = await app.inject({ method: 'POST', url: '/api/v1/data/search/', headers: bearer('close-text'),
    payload: { query: name('a '.repeat(63) + 'a'), results_limit: 5 } });
  t.equal(ok.statusCode, 200, '64 words are accepted');
});

t.test('path globs and the client\'s base URL take linear time on 100,000-character inputs', async (t) => {
  const path = '/' + 'a/'.repeat(N / 2);
  t.equal(within(t, 'a glob of stars against a long path', BUDGET_MS, () => globMatcher('/**/*/**/*/x').test(path)), false);
  t.equal(within(t, 'slashes then a character', BUDGET_MS, () => new EmulatorClient('http://h' + '/'.repeat(N) + 'x').baseUrl.length), N + 9);
  t.equal(within(t, 'trailing slashes', BUDGET_MS, () => new EmulatorClient('http://h' + '/'.repeat(N)).baseUrl), 'http://h');
});

t.test('credentials of 100,000 characters are refused quickly on every surface', async (t) => {
  const app = await build(t, { controlToken: 'secret', auth: 'strict' });
  const spaces = ' '.repeat(N);
  const cases: [string, string, string][] = [
    ['/api/v1/crm/deals', 'Bearer ' + spaces + 'x y', 'BlueAI bearer'],
    ['/api/v1/lead/', 'Bearer x' + spaces + 'y', 'Close bearer'],
    ['/api/v1/lead/', 'Basic ' + 'A'.repeat(N) + ' !', 'Close basic'],
    ['/_mock/orgs', 'Bearer ' + 'x'.repeat(N) + ' y', 'control bearer'],
  ];
  for (const [url, authorization, name] of cases) {
    const res = await withinAsync(t, name, HTTP_BUDGET_MS, () => app.inject({ method: 'GET', url, headers: { authorization } }));
    t.equal(res.statusCode, 401, name);
  }
});

t.test('control API inputs of 100,000 characters are a quick 400', async (t) => {
  const app = await build(t);
  const auth = {};
  let res = await withinAsync(t, 'clock advance by digits without a unit', HTTP_BUDGET_MS, () => ctl(app, 'POST', '/clock/advance', { by: '1'.repeat(N) + 'x' }, auth));
  isControlError(t, res, 400, 'VALIDATION_ERROR', 'by');
  res = await withinAsync(t, 'a journal status filter', HTTP_BUDGET_MS, () => ctl(app, 'GET', `/requests?status=${'1'.repeat(N)}x`, undefined, auth));
  isControlError(t, res, 400, 'VALIDATION_ERROR', 'status');
  res = await withinAsync(t, 'a journal path glob', HTTP_BUDGET_MS, () => ctl(app, 'GET', `/requests?path=${'/**'.repeat(1000)}/x`, undefined, auth));
  t.equal(res.statusCode, 200);
});

t.test('a Close body key of 100,000 characters after "custom." is a quick 400 that creates no lead', async (t) => {
  const app = await build(t);
  const org = orgOf(app, 'close-key');
  const before = count(app, 'close_leads', org);
  const key = 'custom.' + 'a'.repeat(N);
  const res = await withinAsync(t, 'custom key', HTTP_BUDGET_MS, () =>
    app.inject({ method: 'POST', url: '/api/v1/lead/', headers: bearer('close-key'), payload: { name: 'x', [key]: 1 } }));
  t.equal(res.statusCode, 400);
  t.same(Object.keys(res.json()['field-errors']), [key]);
  t.equal(count(app, 'close_leads', org), before);
});

t.test('a path of 100,000 slashes is a quick 404 in the vendor\'s envelope', async (t) => {
  const app = await build(t);
  const res = await withinAsync(t, 'slashes', HTTP_BUDGET_MS, () =>
    app.inject({ method: 'GET', url: '/api/v1/crm' + '/'.repeat(N) + 'x', headers: bearer() }));
  t.equal(res.statusCode, 404);
  t.equal(res.json().error.code, 'NOT_FOUND');
});
