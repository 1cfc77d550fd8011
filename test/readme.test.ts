import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startServer } from './process-helper.js';

// The README's curl examples, run as a reader would paste them into one terminal, in README order,
// against a fresh default start of the compiled server. Only the host is changed, and a `bulkedit_…`
// placeholder becomes the id of the bulk edit the README started before it. The background ticker is
// off (TICK_MS=0), as the control block turns it off: else the job could finish before it is stepped.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^\s*curl /m.test(b));
const run = promisify(execFile);

// Sourced first: curl logs each call's status, and `expect` checks an answer (see the file).
const PRELUDE = fileURLToPath(new URL('./readme-prelude.sh', import.meta.url));

/** A README block as a script: the local host, each `# → <answer>` an `expect`, then the placeholder filled. */
function script(block: string, base: string): string {
  return block
    .split('\n')
    .map((line) => {
      const m = /^(.*?)\s*# → (.*)$/.exec(line);
      if (!m) return line.replaceAll('bulkedit_…', '$BULKEDIT');
      const command = m[1]!.replaceAll('bulkedit_…', '$BULKEDIT');
      return `${command}${command.trim() ? '; ' : ''}expect '${m[2]!.replaceAll("'", `'\\''`)}'`;
    })
    .join('\n')
    .replaceAll('http://localhost:4010', base);
}

/** Whether an answer is what a README comment shows: literally, where "…" or "..." stands for anything. */
function shows(answer: string, shown: string): boolean {
  const parts = shown.split(/…|\.\.\./).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(answer.trim());
}

t.test('the README has curl examples for BlueAI, Close and the control API', async (t) => {
  t.equal(blocks.length, 3);
  t.match(blocks[0], '/api/v1/crm/');
  t.match(blocks[1], '/api/v1/bulk_action/edit/');
  t.match(blocks[2], '$E/orgs');
});

t.test("every curl command of the README answers below 400, and as its '# →' comment says", async (t) => {
  const server = await startServer(t, { TICK_MS: '0' });
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const log = join(dir, 'calls.log');
  const body = blocks.map((b) => script(b, server.url)).join('\n');
  await run('bash', ['-c', `source '${PRELUDE}'\n${body}`], { cwd: dir, env: { ...process.env, LOG: log }, encoding: 'utf8' });
  const lines = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'));
  const calls = lines.filter(([kind]) => /^\d{3}$|^curl failed$/.test(kind!));
  const checks = lines.filter(([kind]) => kind === 'expect');
  const curls = body.match(/^\s*curl |&& curl /gm)!.length;
  t.equal(calls.length, curls, `each of the ${curls} curl commands ran`);
  for (const [status, args] of calls) t.ok(Number(status) < 400, `${status} ${args!.slice(0, 140)}`);
  t.equal(checks.length, 4, "the four '# →' answers were checked");
  for (const [, shown, answer] of checks) t.ok(shows(answer!, shown!), `answers ${shown}`, { answer: answer!.slice(0, 300) });

  // What the examples left behind: the imported contact, the Close job the control block ran to done
  // (ACME Inc. matches two leads), the fault rule it added, and suite-42 reset to its empty dataset
  // (a reset also drops the organization's own clock: it follows the default again).
  const ctl = (path: string) => fetch(`${server.url}/_mock${path}`).then((r) => r.json());
  const contacts = await fetch(`${server.url}/api/v1/crm/contacts?search=hanako@example.com`, { headers: { authorization: 'Bearer my-test-suite' } }).then((r) => r.json());
  t.match(contacts, { items: [{ last_name: 'Yamada', first_name: 'Hanako', email: 'hanako@example.com' }], total: 1 });
  t.match(await ctl('/jobs?org=my-test-suite'), { data: [{ status: 'done', n_leads: 2, n_leads_processed: 2 }] });
  t.match(await ctl('/faults'), { data: [{ vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/edit/', status: 503, remaining: 1, hits: 0 }] });
  t.match(await ctl('/orgs/suite-42'), { dataset: 'empty', counts: { close: { leads: 0, bulk_edits: 0 } }, clock: { source: 'default' } });
  t.ok(readFileSync(join(dir, 'contacts.csv'), 'utf8').startsWith('\uFEFFid,company_id,name,email'), 'the export was saved');
});
