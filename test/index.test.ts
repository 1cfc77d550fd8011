import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startEmulator, EmulatorClient, EmulatorError } from '../src/index.js';
import { seed } from './helper.js';

const root = fileURLToPath(new URL('..', import.meta.url));

t.test('startEmulator listens on a free loopback port with an in-memory database, and close stops it', async (t) => {
  const emulator = await startEmulator({ seed, tickMs: 0 });
  t.teardown(() => emulator.close());
  t.match(emulator.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.not(emulator.url, 'http://127.0.0.1:0');
  t.match(await emulator.client.health(), { status: 'ok', database: 'memory', organizations: 0 });
  t.match(await (await fetch(`${emulator.url}/_mock/health`)).json(), { status: 'ok' }, 'a plain fetch reaches it too');
  t.equal(emulator.app.emulator.options.tickMs, 0);

  await emulator.close();
  await emulator.close();
  t.equal(emulator.app.db.open, false, 'the database is closed');
  await t.rejects(emulator.client.health(), 'nothing listens any more');
});

t.test('with a control token, a client without it gets 401 UNAUTHORIZED and the started client succeeds', async (t) => {
  const emulator = await startEmulator({ seed, tickMs: 0, controlToken: 's3cret' });
  t.teardown(() => emulator.close());
  const refusal = (call: Promise<unknown>) => call.then(() => undefined, (e: unknown) => e);
  const anonymous = new EmulatorClient(emulator.url);
  const err = await refusal(anonymous.orgs.list());
  t.type(err, EmulatorError);
  t.match(err, { status: 401, code: 'UNAUTHORIZED' });
  t.match(await refusal(new EmulatorClient(emulator.url, { controlToken: 'wrong' }).orgs.create({ credential: 'k' })), { status: 401, code: 'UNAUTHORIZED' });
  t.equal(emulator.app.db.prepare('SELECT count(*) FROM orgs WHERE is_template = 0').pluck().get(), 0, 'the refused create wrote nothing');

  t.equal((await anonymous.health()).status, 'ok', 'health needs no token');
  const org = await emulator.client.orgs.create({ credential: 'k' });
  t.same((await new EmulatorClient(emulator.url, { controlToken: 's3cret' }).orgs.list()).data.map((o) => o.id), [org.id]);
});

// dist/ is built by `npm test` before tap runs.
/** The module specifiers a compiled file imports: static, side-effect, dynamic, re-exports and require. */
function importsOf(file: string): string[] {
  const js = readFileSync(new URL(`../dist/src/${file}`, import.meta.url), 'utf8');
  const pattern = /(?:\b(?:import|export)\b[^'"`;]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"`]([^'"`]+)['"`]/g;
  return [...js.matchAll(pattern)].map((m) => m[1]!);
}

t.test('the compiled client imports nothing but node builtins, so it loads no server code', async (t) => {
  t.same(importsOf('client.js').filter((s) => !s.startsWith('node:')), []);
  t.same(importsOf('index.js').sort(), ['./app.js', './app.js', './client.js', './client.js'], 'the same reading finds the main entry\'s imports');
});

t.test('the package resolves itself through its exports: crm-bulk-emulator/client and crm-bulk-emulator', async (t) => {
  const script = `
    const client = await import('crm-bulk-emulator/client');
    const main = await import('crm-bulk-emulator');
    const e = await main.startEmulator({ tickMs: 0 });
    const health = await new client.EmulatorClient(e.url).health();
    await e.close();
    console.log(JSON.stringify({ client: Object.keys(client).sort(), main: Object.keys(main).sort(), health: health.status }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: root });
  t.same(JSON.parse(stdout), {
    client: ['EmulatorClient', 'EmulatorError', 'EmulatorUnreachableError'],
    main: ['EmulatorClient', 'EmulatorError', 'EmulatorUnreachableError', 'buildApp', 'startEmulator'],
    health: 'ok',
  });
});
