import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { VERSION } from '../src/version.js';
import { startServer } from './process-helper.js';

// Real processes of the compiled server (dist/, built by `npm test` before tap runs).
const server = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));
const seedPath = fileURLToPath(new URL('../seed/default.json', import.meta.url));

function start(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [server, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return { child, stderr: () => stderr };
}

async function exitOf(env: Record<string, string>, args: string[] = []) {
  const { child, stderr } = start(env, args);
  const [code] = await once(child, 'exit');
  return { code: code as number, stderr: stderr() };
}

async function waitHealthy(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) { // up to 30 s: a loaded CI machine starts slowly
    try {
      const res = await fetch(`http://127.0.0.1:${port}/_mock/health`);
      if (res.status === 200) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('server did not become healthy');
}

const freePort = () => 20000 + Math.floor(Math.random() * 20000);

t.test('bad configuration exits with code 2 and one line naming the problem, before listening', async (t) => {
  const cases = [
    [{ PORT: 'abc' }, [], /^crm-bulk-emulator: configuration error: PORT must be/],
    [{ AUTH: 'sometimes' }, [], /AUTH must be "open" or "strict"/],
    [{}, ['--bogus'], /bogus/],
  ] as [Record<string, string>, string[], RegExp][];
  // The processes run side by side; each one's answer is checked in order.
  const exits = cases.map(([env, args]) => exitOf(env, args));
  for (const [, , message] of cases) {
    const { code, stderr } = await exits.shift()!;
    t.equal(code, 2);
    t.match(stderr, message);
    t.equal(stderr.trim().split('\n').length, 1, 'exactly one line');
  }
});

t.test('--help prints every option with its variable and default and exits 0; --version prints the version; a typo names the closest option and exits 2', async (t) => {
  const run = async (args: string[]) => {
    const child = spawn(process.execPath, [server, ...args], { env: { ...process.env, PORT: 'not-a-port' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const [code] = await once(child, 'exit');
    return { code: code as number, stdout, stderr };
  };
  const [help, version, typo] = await Promise.all([run(['--help']), run(['--version']), run(['--prot', '5000'])]);
  t.equal(help.code, 0, '--help exits 0 (even with a bad PORT in the environment)');
  t.equal(help.stderr, '');
  t.match(help.stdout, /Usage: crm-bulk-emulator \[options\]/);
  t.match(help.stdout, /--port <n> +PORT +.*\(default: 4010\)/);
  t.match(help.stdout, /--query-timeout-ms <ms> +QUERY_TIMEOUT_MS +.*\(default: 2000\)/);
  t.equal(version.code, 0);
  t.equal(version.stdout, `${VERSION}\n`);
  t.equal(typo.code, 2);
  t.equal(typo.stdout, '');
  t.equal(typo.stderr, 'crm-bulk-emulator: configuration error: unknown option --prot; did you mean --port? (--help lists every option)\n');
});

t.test('a broken seed file exits with code 2 naming the file and the problem', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'seed-'));
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  const cases: [string, string, RegExp][] = [
    ['missing.json', '', /missing\.json: cannot be read \(ENOENT\)/],
    ['broken.json', '{"credentials": [', /broken\.json: is not valid JSON/],
    ['shape.json', JSON.stringify({ ...seed, blueai: { ...seed.blueai, deals: 'many' } }), /shape\.json: \/blueai\/deals: /],
    ['refs.json', JSON.stringify({ ...seed, blueai: { ...seed.blueai, deals: [{ ...seed.blueai.deals[0], stage: 'nowhere' }] } }), /refs\.json: \/blueai\/deals\/0\/stage: "nowhere" is not a stage/],
  ];
  for (const [name, content] of cases) if (content) writeFileSync(join(dir, name), content);
  // The processes run side by side; each one's answer is checked in order.
  const exits = cases.map(([name]) => exitOf({ SEED: join(dir, name), PORT: String(freePort()) }));
  for (const [name, , message] of cases) {
    const { code, stderr } = await exits.shift()!;
    t.equal(code, 2, name);
    t.match(stderr, message, name);
    t.equal(stderr.trim().split('\n').length, 1, `${name}: one line`);
  }
});

t.test('the server listens on PORT, answers health, serves the API and stops cleanly on SIGTERM', async (t) => {
  const port = freePort();
  const { child } = start({ PORT: String(port) });
  t.teardown(() => child.kill('SIGKILL'));
  await waitHealthy(port);
  const health = await (await fetch(`http://127.0.0.1:${port}/_mock/health`)).json();
  t.equal(health.status, 'ok');
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/crm/bulk/deals/update`, {
    method: 'POST',
    headers: { cookie: 'better-auth.session_token=<token>', 'content-type': 'application/json' },
    body: JSON.stringify({ ids: ['deal_11111111111111111111111111111111'], stage: 'proposal' }),
  });
  t.same(await res.json(), { processed: 1, errors: [] });
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  t.equal(code, 0);
});

t.test('once listening, npm start prints a banner: both base URLs, docs, dashboard, and whether the control API is open', async (t) => {
  // Both servers start side by side; each is checked in turn.
  const servers = ['', 'banner-secret'].map((token) => {
    const port = freePort();
    // The protected one also runs in strict auth mode: the banner lists the seed's keys.
    const { child, stderr } = start({ PORT: String(port), ...(token ? { CONTROL_TOKEN: token, AUTH: 'strict' } : {}) });
    t.teardown(() => child.kill('SIGKILL'));
    const up = (async () => {
      await waitHealthy(port);
      for (let i = 0; i < 100 && !stderr().includes('  Auth '); i++) await new Promise((r) => setTimeout(r, 20));
    })();
    up.catch(() => {}); // awaited below; a failure there fails the test, not the process
    return { token, port, child, stderr, up };
  });
  for (const { token, port, child, stderr, up } of servers) {
    await up;
    const base = `http://127.0.0.1:${port}`;
    const lines = stderr().trimEnd().split('\n');
    t.equal(lines.length, 7, 'seven short lines');
    t.equal(lines[0], `crm-bulk-emulator ${VERSION} is listening on ${base}`);
    t.same(lines.slice(1, 5), [`  Close API    ${base}/api/v1/`, `  BlueAI API   ${base}/api/v1/crm/`, `  API docs     ${base}/_mock/docs`, `  Dashboard    ${base}/_mock/ui`]);
    t.match(lines[5], token ? /Control API {2}protected/ : /Control API {2}open: anyone who reaches this port/);
    t.equal(lines[6], token ? '  Auth         strict: only the seed\'s keys open an organization: blueai-demo-token, ci-token' : '  Auth         open: any new key opens an organization (--auth strict accepts only the seed\'s keys)');
    // The bundled server finds the dashboard's files.
    const page = await fetch(`${base}/_mock/ui`);
    t.equal(page.status, 200);
    t.match(await page.text(), /<title>crm-bulk-emulator · dashboard<\/title>/);
    t.equal((await fetch(`${base}/_mock/ui/app.js`)).status, 200);
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

t.test('without HOST, npm start listens on 127.0.0.1 only, and a page of another site cannot reset it', async (t) => {
  const port = freePort();
  const { child, stderr } = start({ PORT: String(port), HOST: '' });
  t.teardown(() => child.kill('SIGKILL'));
  await waitHealthy(port);
  for (let i = 0; i < 100 && !stderr().includes('Control API'); i++) await new Promise((r) => setTimeout(r, 20));
  t.match(stderr(), `is listening on http://127.0.0.1:${port}\n`);
  const outside = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
  if (outside) await t.rejects(fetch(`http://${outside.address}:${port}/_mock/health`), `not reachable on ${outside.address}`);
  else t.comment('no non-loopback IPv4 interface: reachability from outside not checked');

  const base = `http://127.0.0.1:${port}/_mock`;
  t.equal((await fetch(`${base}/orgs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"credential":"kept"}' })).status, 201);
  // What a form or a no-cors fetch on http://evil.example sends: a simple request, no preflight.
  const attack = await fetch(`${base}/reset`, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'text/plain' }, body: '' });
  t.equal(attack.status, 403);
  t.equal((await attack.json()).error.code, 'FORBIDDEN');
  t.same((await (await fetch(`${base}/orgs`)).json()).data.map((o: { credentials: string[] }) => o.credentials), [['kept']], 'the organization is still there');
  child.kill('SIGTERM');
  await once(child, 'exit');
});

t.test('with a file database, data survives a restart', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'db-')), 'emulator.db');
  const port = freePort();
  const headers = { authorization: 'Bearer persist', 'content-type': 'application/json' };
  const first = start({ PORT: String(port), DB: db });
  t.teardown(() => first.child.kill('SIGKILL')); // a no-op once it exited; stops it if a wait fails
  await waitHealthy(port);
  const created = await (await fetch(`http://127.0.0.1:${port}/api/v1/crm/deals`, { method: 'POST', headers, body: JSON.stringify({ name: '永続化テスト' }) })).json();
  first.child.kill('SIGTERM');
  await once(first.child, 'exit');

  const second = start({ PORT: String(port), DB: db });
  t.teardown(() => second.child.kill('SIGKILL'));
  await waitHealthy(port);
  const again = await fetch(`http://127.0.0.1:${port}/api/v1/crm/deals/${created.id}`, { headers });
  t.equal(again.status, 200);
  t.equal((await again.json()).name, '永続化テスト');
  const list = await (await fetch(`http://127.0.0.1:${port}/api/v1/crm/deals?limit=1`, { headers })).json();
  t.equal(list.total, 201, 'the organization was not seeded a second time');
});

t.test('the real server advances Close bulk edits in the background (TICK_MS) until done', async (t) => {
  const port = freePort();
  const { child } = start({ PORT: String(port), TICK_MS: '10' });
  t.teardown(() => child.kill('SIGKILL'));
  await waitHealthy(port);
  const headers = { authorization: 'Basic ' + Buffer.from('ticker-key:').toString('base64'), 'content-type': 'application/json' };
  const created = await (await fetch(`http://127.0.0.1:${port}/api/v1/bulk_action/edit/`, {
    method: 'POST', headers,
    body: JSON.stringify({
      type: 'set_lead_status', lead_status_id: 'stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8',
      s_query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }, { type: 'field_condition', field: { type: 'regular_field', object_type: 'lead', field_name: 'name' }, condition: { type: 'text', mode: 'full_words', value: 'ACME Inc.' } }] },
    }),
  })).json();
  t.equal(created.status, 'created');
  let status = created.status;
  for (let i = 0; i < 200 && status !== 'done'; i++) {
    await new Promise((r) => setTimeout(r, 20));
    status = (await (await fetch(`http://127.0.0.1:${port}/api/v1/bulk_action/edit/${created.id}/`, { headers })).json()).status;
  }
  t.equal(status, 'done');
});

t.test('CLOSE_PORT and BLUEAI_PORT: npm start also serves each vendor alone on its port, says so, and stops all three on SIGTERM', async (t) => {
  const server = await startServer(t, { CLOSE_PORT: '0', BLUEAI_PORT: '0' });
  let banner = '';
  for (let i = 0; i < 600 && !/BlueAI API .*alone on/.test(banner); i++) {
    banner = server.stderr();
    await new Promise((r) => setTimeout(r, 50));
  }
  const close = /Close API .*alone on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  const blueai = /BlueAI API .*alone on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
  t.ok(close && blueai, banner);
  const key = { authorization: `Basic ${Buffer.from('port-key:').toString('base64')}` };
  t.equal((await fetch(`${close}/api/v1/me/`, { headers: key })).status, 200);
  t.equal((await fetch(`${close}/_mock/health`)).status, 404, 'the control API only on PORT');
  t.equal((await fetch(`${blueai}/api/v1/crm/deals?limit=1`, { headers: { authorization: 'Bearer port-key' } })).status, 200);
  t.equal((await fetch(`${blueai}/api/v1/me/`, { headers: key })).status, 404, 'Close\'s path is not on BlueAI\'s port');
  t.equal((await fetch(`${server.url}/_mock/health`)).status, 200);
  t.equal(await server.stop(), null, 'a clean exit');
  t.equal(server.child.exitCode, 0);
});
