import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEmulator } from '../src/index.js';

// The README's and docs/'s code other than curl (test/readme.test.ts runs those), as a reader pastes it:
// the "One organization per test" file and the TypeScript example of docs/control-api.md.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const fenced = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
const run = promisify(execFile);

// Files pasted into the package's own tree, where `import 'crm-bulk-emulator'` resolves to this package
// (Node's self-reference through package.json `exports`: the compiled dist/, as an installed copy would).
const pasted = fileURLToPath(new URL('../.tap/readme-examples/', import.meta.url));
mkdirSync(pasted, { recursive: true });

t.test('the README\'s "One organization per test" file runs as pasted', async (t) => {
  const files = fenced(read('README.md'), 'js').filter((b) => b.startsWith('// org-per-test.test.mjs'));
  t.equal(files.length, 1, 'the README has the file');
  const file = join(pasted, 'org-per-test.test.mjs');
  writeFileSync(file, files[0]!);
  const { stdout } = await run(process.execPath, [file], { encoding: 'utf8', env: { ...process.env, TAP: '0' } });
  // It exits 0 only if every test passed (run would throw otherwise); both ran.
  t.match(stdout, /^ok 1 - a test may delete a lead/m);
  t.match(stdout, /^ok 2 - …and the next one starts from the seed again/m);
  t.notMatch(stdout, /not ok/, 'none fails');
});

t.test("docs/control-api.md's TypeScript example prints what its comment says", async (t) => {
  const page = read('docs/control-api.md');
  const example = fenced(page, 'ts').find((b) => b.includes("from 'crm-bulk-emulator'"));
  t.ok(example, 'the page has the example');
  const printed = /npx tsx example\.mts\s+# prints: (.*)$/m.exec(page)?.[1];
  t.ok(printed, 'the page says what it prints');
  // Its last lines reach "an emulator running elsewhere" at localhost:4010: one listening here stands in.
  const elsewhere = await startEmulator({ port: 0 });
  t.teardown(() => elsewhere.close());
  const file = join(pasted, 'example.mts');
  t.ok(example!.includes("'http://localhost:4010'"), 'the example names the usual address');
  writeFileSync(file, example!.replaceAll("'http://localhost:4010'", `'${elsewhere.url}'`));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, CONTROL_TOKEN: '' } });
  t.equal(stdout.trim(), printed!.trim());
});
