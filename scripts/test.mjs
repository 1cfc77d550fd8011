// `npm test` runs this after type checking and building: it runs tap (arguments pass through, so
// `npm test -- test/config.test.ts` works), then lists the ten test files that took longest, from
// the `# time=` line tap writes at the end of each file's results in .tap/test-results, then (on a
// plain run only: named files cover a part) holds each critical directory to its coverage floor
// (scripts/coverage.mjs). It exits with tap's status, or 1 when a floor is not met. The lines come
// after tap's `# { total: … }` summary and print no such line, so .ci/run still finds tap's summary
// as the last one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, '.tap', 'test-results');
const started = Date.now();

const tap = spawnSync(process.execPath, [join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

// Node 20.1+ walks the tree itself; a missing directory (no run yet) lists nothing.
let entries = [];
try { entries = readdirSync(results, { recursive: true }).filter((p) => p.endsWith('.tap')); } catch { /* no results */ }

const times = [];
for (const entry of entries) {
  const f = join(results, entry);
  if (statSync(f).mtimeMs < started - 1000) continue; // left over from an earlier run
  const last = readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('# time=')).pop();
  if (last) times.push({ file: entry.replace(/\.tap$/, ''), ms: parseFloat(last.slice('# time='.length)) });
}
times.sort((a, b) => b.ms - a.ms);
if (times.length > 1) {
  const total = times.reduce((s, t) => s + t.ms, 0);
  console.log(`\nslowest test files (of ${times.length}, ${(total / 1000).toFixed(1)} s in all):`);
  for (const t of times.slice(0, 10)) console.log(`${(t.ms / 1000).toFixed(1).padStart(8)} s  ${t.file}`);
}

let coverage = 0;
// Named files cover a part of the code, and options may turn coverage off: floors hold a plain run.
const subset = process.argv.length > 2;
const summary = join(root, '.tap', 'report', 'coverage-summary.json');
let fresh = false;
try { fresh = statSync(summary).mtimeMs >= started - 1000; } catch { /* no report */ }
if (subset) console.log('\ncoverage floors: checked on a plain `npm test` only (arguments were given)');
else if (!fresh) { console.log('\ncoverage: FAILED: this run wrote no .tap/report/coverage-summary.json'); coverage = 1; }
else coverage = spawnSync(process.execPath, [join(root, 'scripts', 'coverage.mjs'), summary], { cwd: root, stdio: 'inherit' }).status ?? 1;
process.exit(tap.status || coverage);
