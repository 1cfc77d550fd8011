import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// scripts/coverage.mjs, the per-directory coverage floors `npm test` enforces after a full run: run
// on hand-made istanbul summaries (the json-summary shape tap writes), not on a real coverage run.

const root = fileURLToPath(new URL('../../', import.meta.url));
const script = join(root, 'scripts', 'coverage.mjs');
const DIRS = ['src/core', 'src/close/jobs', 'src/close/query', 'src/close/store', 'src/close/webhooks', 'src/blueai', 'src/control'];

const figures = (lines: [number, number], branches: [number, number]) => ({
  lines: { total: lines[0], covered: lines[1], skipped: 0, pct: 0 },
  statements: { total: lines[0], covered: lines[1], skipped: 0, pct: 0 },
  functions: { total: 1, covered: 1, skipped: 0, pct: 100 },
  branches: { total: branches[0], covered: branches[1], skipped: 0, pct: 0 },
});

function run(summary: Record<string, unknown>) {
  const file = join(mkdtempSync(join(tmpdir(), 'coverage-')), 'coverage-summary.json');
  writeFileSync(file, JSON.stringify(summary));
  const r = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout };
}

/** Every floor directory fully covered: one file each. */
const full = () => Object.fromEntries([
  ['total', figures([1, 1], [1, 1])],
  ...DIRS.map((d) => [join(root, d, 'x.ts'), figures([100, 100], [10, 10])]),
]);

t.test('every directory at 100 %: the figures are listed and the check passes', async (t) => {
  const r = run(full());
  t.equal(r.status, 0, r.out);
  for (const d of DIRS) t.match(r.out, new RegExp(`${d.replace('/', '\\/')}\\s+lines 100\\.00% \\(floor \\d+(\\.\\d+)?%\\), branches 100\\.00%`), d);
  t.notMatch(r.out, /FAILED/);
});

t.test('a directory whose branches drop below the floor fails, naming the directory, the figure and the floor', async (t) => {
  const summary = full();
  // Two files of src/close/query: 30 of 100 branches covered in all; a file of src/close/queryx is another directory.
  summary[join(root, 'src/close/query/x.ts')] = figures([100, 100], [50, 20]);
  summary[join(root, 'src/close/query/deep/y.ts')] = figures([100, 100], [50, 10]);
  summary[join(root, 'src/close/queryx/z.ts')] = figures([100, 0], [100, 0]);
  const r = run(summary);
  t.equal(r.status, 1);
  t.match(r.out, /coverage: FAILED: src\/close\/query branches 30\.00% is below its floor of \d+(\.\d+)?%/);
  t.match(r.out, /src\/close\/query\s+lines 100\.00% .*, 2 files/, 'subdirectories count, a sibling with a longer name does not');
  t.equal(r.out.match(/FAILED/g)?.length, 1, 'only that one');
});

t.test('a directory missing from the report fails (a rename must move its floor too)', async (t) => {
  const summary = full();
  delete summary[join(root, 'src/blueai/x.ts')];
  const r = run(summary);
  t.equal(r.status, 1);
  t.match(r.out, 'coverage: FAILED: src/blueai has no covered files in the report');
});

t.test('an unreadable report fails with a hint', async (t) => {
  const r = spawnSync(process.execPath, [script, join(tmpdir(), 'no-such-summary.json')], { encoding: 'utf8' });
  t.equal(r.status, 1);
  t.match(r.stdout, /cannot read .*no-such-summary\.json .*json-summary/);
});
