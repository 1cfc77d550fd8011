// `npm test` runs this after type checking and building: it runs tap (arguments pass through, so
// `npm test -- test/config.test.ts` works), then lists the ten test files that took longest, from
// the `# time=` line tap writes at the end of each file's results in .tap/test-results. It exits
// with tap's status. The list comes after tap's `# { total: … }` summary and prints no such line,
// so .ci/run still finds tap's summary as the last one.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, '.tap', 'test-results');
const started = Date.now();

const tap = spawnSync(process.execPath, [join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});

const files = (dir) => {
  let out = [];
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out = out.concat(files(p));
    else if (e.name.endsWith('.tap')) out.push(p);
  }
  return out;
};

const times = [];
for (const f of files(results)) {
  if (statSync(f).mtimeMs < started - 1000) continue; // left over from an earlier run
  const m = /^# time=([\d.]+)ms\s*$/m.exec(readFileSync(f, 'utf8').split('\n').filter((l) => l.startsWith('# time=')).pop() ?? '');
  if (m) times.push({ file: relative(results, f).replace(/\.tap$/, ''), ms: Number(m[1]) });
}
times.sort((a, b) => b.ms - a.ms);
if (times.length > 1) {
  const total = times.reduce((s, t) => s + t.ms, 0);
  console.log(`\nslowest test files (of ${times.length}, ${(total / 1000).toFixed(1)} s in all):`);
  for (const t of times.slice(0, 10)) console.log(`${(t.ms / 1000).toFixed(1).padStart(8)} s  ${t.file}`);
}
process.exit(tap.status ?? 1);
