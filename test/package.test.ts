import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { uninstrumented } from './process-helper.js';

// The package as npm publishes it: `npm pack` of the built tree (dist/, built by `npm test` before tap
// runs), its file list, and a consumer project that installs the tarball and compiles against both
// entries with `strict` and `skipLibCheck: false` (every .d.ts the package ships is checked).

// npm pack and an install into a scratch project: minutes on a loaded machine.
t.setTimeout(300_000);

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// The scratch project's installs come from npm's cache when they can; the registry otherwise.
const quiet = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

const scratch = mkdtempSync(join(tmpdir(), 'pack-'));
t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
// --ignore-scripts: `prepare` would build again; the tree is built already.
const packed = run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch, ...quiet], { cwd: root, env: uninstrumented(), maxBuffer: 64 * 1024 * 1024 })
  .then(({ stdout }) => JSON.parse(stdout)[0] as { filename: string; files: { path: string }[] });

t.test('the tarball ships what runs: the bundled server, the library and its types, the default seed, the dashboard, the licence', async (t) => {
  const files = (await packed).files.map((f) => f.path).sort();
  for (const path of [
    'LICENSE', 'README.md', 'package.json', 'dist/server.mjs', 'seed/default.json',
    'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/client.js', 'dist/src/client.d.ts', 'dist/schemas/seed.js',
    'src/ui/index.html', 'src/ui/app.js', 'src/ui/style.css',
  ]) t.ok(files.includes(path), `ships ${path}`);
  const allowed = /^(LICENSE|README\.md|package\.json|dist\/server\.mjs|seed\/default\.json|src\/ui\/[^/]+|dist\/(src|schemas)\/.+\.(js|d\.ts|json))$/;
  t.same(files.filter((f) => !allowed.test(f)), [], 'nothing else: no benchmarks, seed generator, source maps, tests or TypeScript sources');
  t.notOk(files.some((f) => f.startsWith('dist/bench/') || f === 'seed/generate.mjs' || f.endsWith('.map')), 'explicitly: no dist/bench, seed/generate.mjs or .map');
  t.match(readFileSync(join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) 2026 crm-bulk-emulator contributors\n/);
});

t.test('a strict consumer (skipLibCheck false) that installs the tarball compiles against both entries', async (t) => {
  const { filename } = await packed;
  const own = (name: string) => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // --ignore-scripts: compiling needs no native build of better-sqlite3.
  await run(npm, ['install', '--ignore-scripts', ...quiet, join(scratch, filename), `typescript@${own('typescript')}`, '@types/node@20'], { cwd: scratch, env: uninstrumented() });
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, skipLibCheck: false, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: ['node'] },
    include: ['consumer.ts'],
  }));
  writeFileSync(join(scratch, 'consumer.ts'), [
    `import { startEmulator, buildApp, type AppOptions, type RunningEmulator } from 'crm-bulk-emulator';`,
    `import { EmulatorClient, EmulatorError, type FaultRuleInput, type JournalEntry } from 'crm-bulk-emulator/client';`,
    `const options: AppOptions = { auth: 'strict', tickMs: 0 };`,
    `const running: Promise<RunningEmulator> = startEmulator({ ...options, port: 0 });`,
    `void buildApp;`,
    `const client = new EmulatorClient('http://127.0.0.1:4010', { controlToken: 't' });`,
    `const rule: FaultRuleInput = { status: 503 };`,
    `export async function use(): Promise<string> {`,
    `  const { client: own } = await running;`,
    `  const entries: JournalEntry[] = (await own.requests.list({ limit: 1 })).data;`,
    `  try { await client.faults.add(rule); } catch (err) { if (err instanceof EmulatorError) return err.code; }`,
    `  return String(entries.length);`,
    `}`,
  ].join('\n'));
  const tsc = join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', scratch], { cwd: scratch, env: uninstrumented() }).then(
    () => ({ code: 0, out: '' }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  );
  t.equal(result.out, '', 'no compile errors');
  t.equal(result.code, 0);
});
