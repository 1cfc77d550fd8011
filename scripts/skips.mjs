// Lists every skipped test of a run and says whether each was allowed: `.ci/run` calls it after
// `npm test` and the Docker smoke test, so a green CI cannot hide a suite that did not run.
//
//   node scripts/skips.mjs [--results DIR] [--since MS] [--smoke FILE] [--tap-count N]
//
// --results  tap's per-file results (default .tap/test-results); files older than --since
//            (epoch ms, 1 s slack) are left over from an earlier run and ignored.
// --smoke    the Docker smoke test's output: its `SKIPPED: docker smoke test — <why>` line is a skip
//            of the suite `docker`.
// --tap-count tap's own summary count (`# { …, skip: N }`): skips the results do not explain
//            count as unexplained (never allowed), so a parsing gap cannot pass silently.
// ALLOW_SKIP (environment): comma list of suites allowed to skip, e.g. `docker,dashboard,python`.
//
// A skip's suite is the label its reason starts with (`{ skip: 'python: no python3 with requests' }`
// → `python`; a lower-case word, then a colon and a space); an unlabelled skip's suite is its test
// file (`test/x.test.ts`), which ALLOW_SKIP may name too. Prints one line per skip and exits 1 when
// any is not allowed. tap writes a skipped test as `ok N - name # SKIP reason` (indented under its
// subtests) and a skipped file as `1..0 # reason` at the top of its results.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first unescaped ` # ` of a TAP test line (tap escapes `#` in names as `\#`), or -1. */
function directiveAt(line) {
  for (let i = line.indexOf(' # '); i !== -1; i = line.indexOf(' # ', i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= 0 && line[j] === '\\'; j--) slashes++;
    if (slashes % 2 === 0) return i;
  }
  return -1;
}

const unescape = (s) => s.replaceAll('\\#', '#').replaceAll('\\\\', '\\');

/** The label a reason starts with (`python: …` → `python`), or undefined. */
export function labelOf(reason) {
  const colon = reason.indexOf(': ');
  if (colon < 1 || colon > 30) return undefined;
  const word = reason.slice(0, colon);
  for (const ch of word) if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch === '-')) return undefined;
  return word;
}

/**
 * The skips in one file's TAP results: [{ file, test, reason, suite }]. `test` is the subtest path
 * joined with ` > ` (empty for a whole skipped file).
 */
export function skipsInTap(file, text) {
  const found = [];
  const stack = []; // [{ indent, name }] of the open `# Subtest:` lines
  for (const raw of text.split('\n')) {
    const body = raw.trimStart();
    const indent = raw.length - body.length;
    while (stack.length && stack[stack.length - 1].indent > indent) stack.pop();
    if (body.startsWith('# Subtest: ')) {
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      stack.push({ indent, name: body.slice('# Subtest: '.length) });
      continue;
    }
    let reason;
    let name = '';
    if (indent === 0 && body.startsWith('1..0 # ')) {
      reason = body.slice('1..0 # '.length).trim(); // the whole file planned nothing, with a reason
    } else if (body.startsWith('ok ') || body.startsWith('not ok ')) {
      const at = directiveAt(body);
      if (at === -1) continue;
      const directive = body.slice(at + 3); // `SKIP`, `SKIP reason`, `TODO …` or `time=…`
      if (directive.slice(0, 4).toUpperCase() !== 'SKIP' || (directive.length > 4 && directive[4] !== ' ')) continue;
      reason = directive.slice(4).trim();
      const head = body.slice(0, at);
      const dash = head.indexOf(' - ');
      name = dash === -1 ? '' : unescape(head.slice(dash + 3));
    } else {
      continue;
    }
    reason = unescape(reason) || '(no reason given)';
    // Subtests that enclose this line are less indented (a closed sibling's entry is popped above).
    const parents = stack.filter((s) => s.indent < indent).map((s) => s.name);
    const test = [...parents, name].filter(Boolean).join(' > ');
    found.push({ file, test, reason, suite: labelOf(reason) ?? file });
  }
  return found;
}

/** The Docker smoke test's skip, from its output. */
export function skipsInSmoke(text) {
  const prefix = 'SKIPPED: docker smoke test — ';
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line ? [{ file: 'test/docker/smoke.sh', test: '', reason: line.slice(prefix.length).trim(), suite: 'docker' }] : [];
}

/** The suites ALLOW_SKIP names. */
export const allowedSuites = (value) => new Set((value ?? '').split(',').map((s) => s.trim()).filter(Boolean));

/**
 * Decides: { lines, bad } where `lines` describe every skip (and unexplained ones) and `bad` counts
 * those not allowed.
 */
export function judge(skips, allowed, tapCount) {
  const lines = [];
  let bad = 0;
  for (const s of skips) {
    const ok = allowed.has(s.suite);
    if (!ok) bad++;
    const where = s.test ? `${s.file} > ${s.test}` : s.file;
    lines.push(`${ok ? 'allowed' : 'NOT ALLOWED'} skip [${s.suite}] ${where}: ${s.reason}`);
  }
  const fromTap = skips.filter((s) => s.suite !== 'docker' || s.file !== 'test/docker/smoke.sh').length;
  if (tapCount !== undefined && tapCount > fromTap) {
    bad += tapCount - fromTap;
    lines.push(`NOT ALLOWED: tap counted ${tapCount} skips but its results name ${fromTap}: ${tapCount - fromTap} unexplained`);
  }
  return { lines, bad };
}

/** The TAP files under `dir` written since `since` (epoch ms), with their paths relative to `dir`. */
export function readResults(dir, since = 0) {
  let entries = [];
  try { entries = readdirSync(dir, { recursive: true }).filter((p) => String(p).endsWith('.tap')); } catch { return []; }
  return entries
    .map((p) => join(dir, String(p)))
    .filter((f) => statSync(f).mtimeMs >= since - 1000)
    .sort()
    .map((f) => ({ file: relative(dir, f).replace(/\.tap$/, '').split('\\').join('/'), text: readFileSync(f, 'utf8') }));
}

function main(argv) {
  const opt = new Map();
  for (let i = 0; i < argv.length; i += 2) opt.set(argv[i], argv[i + 1]);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = opt.get('--results') ?? join(root, '.tap', 'test-results');
  const skips = readResults(dir, Number(opt.get('--since') ?? 0)).flatMap((r) => skipsInTap(r.file, r.text));
  if (opt.has('--smoke')) skips.push(...skipsInSmoke(readFileSync(opt.get('--smoke'), 'utf8')));
  const tapCount = opt.has('--tap-count') ? Number(opt.get('--tap-count')) : undefined;
  const allowed = allowedSuites(process.env.ALLOW_SKIP);
  const { lines, bad } = judge(skips, allowed, tapCount);
  for (const l of lines) console.log(l);
  // .ci/run reads the count from this last line.
  if (bad) {
    console.log(`${bad} ${bad === 1 ? 'skip' : 'skips'} not allowed: install what they need, or allow the suite with ` +
      `ALLOW_SKIP=<suite>[,<suite>…] (now: ${[...allowed].join(',') || 'none'})`);
  } else if (lines.length) {
    console.log(`all ${lines.length} ${lines.length === 1 ? 'skip' : 'skips'} allowed by ALLOW_SKIP=${[...allowed].join(',')}`);
  }
  return bad ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exit(main(process.argv.slice(2)));
