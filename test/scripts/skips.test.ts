import t from 'tap';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// scripts/skips.mjs is the part of .ci/run that finds every skipped test and fails CI on a skip its
// ALLOW_SKIP does not name. Run here as .ci/run runs it, on fixture TAP results (test/fixtures/skips,
// the shape tap 21 writes to .tap/test-results) and the Docker smoke test's output, never by running CI.

const script = fileURLToPath(new URL('../../scripts/skips.mjs', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/skips/', import.meta.url));

function skips(args: string[], allow?: string) {
  const env = { ...process.env };
  delete env.ALLOW_SKIP;
  if (allow !== undefined) env.ALLOW_SKIP = allow;
  const r = spawnSync(process.execPath, [script, '--results', join(fixtures, 'results'), ...args], { env, encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.trim().split('\n').filter(Boolean), stderr: r.stderr };
}

const DASHBOARD = "test/ui/dashboard.test.ts > the dashboard in a browser: dashboard: no browser could start (browserType.launch: Failed to launch chromium because executable doesn't exist at /usr/bin/chromium)";
const PYTHON = 'test/close/doc-examples.test.ts > the Python example does the same: python: no python3 with requests on this machine (.ci/run installs it)';
const NESTED = 'test/core/nested.test.ts > outer > deeper > a name with # in it: (no reason given)';
const WHOLE = 'test/core/whole.test.ts: sqlite was built without JSON1';
const DOCKER = 'test/docker/smoke.sh: apt-get could not install docker.io';

t.test('with no ALLOW_SKIP every skip is listed with its suite, place and reason, and the run fails', async (t) => {
  const r = skips(['--smoke', join(fixtures, 'smoke-skipped.txt'), '--tap-count', '4']);
  t.equal(r.status, 1);
  t.same(r.lines, [
    `NOT ALLOWED skip [python] ${PYTHON}`,
    `NOT ALLOWED skip [test/core/nested.test.ts] ${NESTED}`,
    `NOT ALLOWED skip [test/core/whole.test.ts] ${WHOLE}`,
    `NOT ALLOWED skip [dashboard] ${DASHBOARD}`,
    `NOT ALLOWED skip [docker] ${DOCKER}`,
    '5 skips not allowed: install what they need, or allow the suite with ALLOW_SKIP=<suite>[,<suite>…] (now: none)',
  ], 'a TODO, an empty subtest, `# time=` and an escaped \\# SKIP in a name are no skips');
  t.equal(r.stderr, '');
});

t.test('ALLOW_SKIP names suites by label or by test file; only the others fail the run', async (t) => {
  const r = skips(['--smoke', join(fixtures, 'smoke-skipped.txt')], 'docker, dashboard,python,test/core/whole.test.ts');
  t.equal(r.status, 1);
  t.same(r.lines, [
    `allowed skip [python] ${PYTHON}`,
    `NOT ALLOWED skip [test/core/nested.test.ts] ${NESTED}`,
    `allowed skip [test/core/whole.test.ts] ${WHOLE}`,
    `allowed skip [dashboard] ${DASHBOARD}`,
    `allowed skip [docker] ${DOCKER}`,
    '1 skip not allowed: install what they need, or allow the suite with ALLOW_SKIP=<suite>[,<suite>…] (now: docker,dashboard,python,test/core/whole.test.ts)',
  ]);
});

t.test('every skip allowed: exit 0 with the list and a closing line', async (t) => {
  const r = skips(['--smoke', join(fixtures, 'smoke-skipped.txt')], 'docker,dashboard,python,test/core/whole.test.ts,test/core/nested.test.ts');
  t.equal(r.status, 0);
  t.equal(r.lines.length, 6);
  t.equal(r.lines.at(-1), 'all 5 skips allowed by ALLOW_SKIP=docker,dashboard,python,test/core/whole.test.ts,test/core/nested.test.ts');
});

t.test('a label names a suite only as a lower-case word before ": "; the docker label alone does not allow the python skip', async (t) => {
  const r = skips(['--smoke', join(fixtures, 'smoke-passed.txt')], 'docker,test/core/whole.test.ts,test/core/nested.test.ts');
  t.equal(r.status, 1);
  t.same(r.lines.filter((l) => l.startsWith('NOT ALLOWED')), [`NOT ALLOWED skip [python] ${PYTHON}`, `NOT ALLOWED skip [dashboard] ${DASHBOARD}`],
    'a passing smoke test adds no skip');
});

t.test('skips tap counted that its results do not name are unexplained and never allowed', async (t) => {
  const r = skips(['--tap-count', '6'], 'dashboard,python,test/core/whole.test.ts,test/core/nested.test.ts');
  t.equal(r.status, 1);
  t.same(r.lines.slice(-2), [
    'NOT ALLOWED: tap counted 6 skips but its results name 4: 2 unexplained',
    '2 skips not allowed: install what they need, or allow the suite with ALLOW_SKIP=<suite>[,<suite>…] (now: dashboard,python,test/core/whole.test.ts,test/core/nested.test.ts)',
  ]);
});

t.test('results older than --since are left over from an earlier run and not read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skips-'));
  cpSync(join(fixtures, 'results'), dir, { recursive: true });
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(join(dir, 'test/ui/dashboard.test.ts.tap'), old, old);
  const r = spawnSync(process.execPath, [script, '--results', dir, '--since', String(Date.now() - 60_000)], {
    env: { ...process.env, ALLOW_SKIP: 'python,test/core/whole.test.ts,test/core/nested.test.ts' }, encoding: 'utf8',
  });
  t.equal(r.status, 0, 'the old dashboard skip does not count');
  t.notMatch(r.stdout, /dashboard/);
});

t.test('no results and no smoke output: nothing skipped, nothing printed, exit 0', async (t) => {
  const r = spawnSync(process.execPath, [script, '--results', mkdtempSync(join(tmpdir(), 'skips-none-'))], { encoding: 'utf8' });
  t.equal(r.status, 0);
  t.equal(r.stdout, '');
});
