import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { CLOSE } from './seed-ids.js';

// The Python and JavaScript examples of Close's bulk edit documentation, run verbatim (only the host
// and the API key placeholder replaced) against a fresh default start of the compiled server.

const doc = readFileSync(new URL('../fixtures/close-bulk-edit.txt', import.meta.url), 'utf8');
const example = (lang: string) => new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc)![1]!;
const server = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));
const run = promisify(execFile);
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import requests']).status === 0);

async function startServer(t: Test) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [server], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  for (let i = 0; i < 1200; i++) { // up to 30 s: a loaded CI machine starts slowly
    if (await fetch(`http://127.0.0.1:${port}/_mock/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return port;
}

async function waitDone(port: number, key: string) {
  const headers = { authorization: `Bearer ${key}` };
  for (let i = 0; i < 200; i++) {
    const { data } = await (await fetch(`http://127.0.0.1:${port}/api/v1/bulk_action/edit/`, { headers })).json();
    if (data.length && data.every((e: { status: string }) => e.status === 'done')) return data;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('bulk edits did not finish');
}

async function leadStatuses(port: number, key: string, ids: string[]) {
  const headers = { authorization: `Bearer ${key}` };
  return Promise.all(ids.map(async (id) => (await (await fetch(`http://127.0.0.1:${port}/api/v1/lead/${id}/`, { headers })).json()).status_id));
}

const localise = (code: string, port: number, key: string) =>
  code.replaceAll('https://api.close.com', `http://127.0.0.1:${port}`).replaceAll('<CLOSE_API_KEY>', key);

t.test('the JavaScript example creates a bulk edit that reaches done and qualifies exactly the ACME leads', async (t) => {
  const port = await startServer(t);
  const file = join(mkdtempSync(join(tmpdir(), 'js-example-')), 'example.mjs');
  writeFileSync(file, localise(example('javascript'), port, 'js-example-key'));
  const { stdout } = await run(process.execPath, [file], { encoding: 'utf8' });
  t.match(stdout, /status: 'created'/);
  t.match(stdout, /type: 'set_lead_status'/);
  const [edit] = await waitDone(port, 'js-example-key');
  t.match(edit, { n_leads: 2, n_objects_processed: 2 });
  t.same(await leadStatuses(port, 'js-example-key', [CLOSE.acmeInc, CLOSE.incAcmeHoldings, CLOSE.acmeCorp]), [CLOSE.status.qualified, CLOSE.status.qualified, CLOSE.status.customer]);
});

// `python:` names the suite .ci/run's ALLOW_SKIP can allow (scripts/skips.mjs).
t.test('the Python example does the same', { skip: python ? false : 'python: no python3 with requests on this machine (.ci/run installs it)' }, async (t) => {
  const port = await startServer(t);
  const { stdout } = await run(python!, ['-c', localise(example('python'), port, 'py-example-key')], { encoding: 'utf8' });
  t.match(stdout, /'status': 'created'/);
  const [edit] = await waitDone(port, 'py-example-key');
  t.match(edit, { n_leads: 2, n_objects_processed: 2 });
  t.same((await leadStatuses(port, 'py-example-key', [CLOSE.acmeInc, CLOSE.incAcmeHoldings])), [CLOSE.status.qualified, CLOSE.status.qualified]);
});
