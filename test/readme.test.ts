import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startServer } from './process-helper.js';

// The README's curl examples, run as a reader would paste them into one terminal, in README order,
// against a fresh `npm start` of the compiled server with the defaults a reader has (the background
// ticker included: TICK_MS=100). Only the host is changed.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /^\s*curl /m.test(b));
const run = promisify(execFile);

// Sourced first: curl logs each call's status, and `expect` checks an answer (see the file).
const PRELUDE = fileURLToPath(new URL('./readme-prelude.sh', import.meta.url));

/** The settings of the README's Configuration table (`| \`PORT\` | \`--port\` |`): none may leak in from the test's environment. */
const SETTINGS = [...readme.matchAll(/^\| `([A-Z_]+)` \| `--/gm)].map((m) => m[1]!);

/**
 * A README block as a script, the local host in place of localhost:4010. A `# → <answer>` line
 * checks the last curl's answer; `<command>   # → <answer>` checks what that command printed.
 */
function script(block: string, base: string): string {
  return block
    .split('\n')
    .map((line) => {
      const m = /^(.*?)\s*# → (.*)$/.exec(line);
      if (!m) return line;
      const wanted = `expect '${m[2]!.replaceAll("'", `'\\''`)}'`;
      if (!m[1]!.trim()) return wanted;
      return `{ ${m[1]}; } > "$OUT"; LAST=$(<"$OUT"); printf '%s\\n' "$LAST"; ${wanted}`;
    })
    .join('\n')
    .replaceAll('http://localhost:4010', base);
}

/** Whether an answer is what a README comment shows: literally, where "…" or "..." stands for anything. */
function shows(answer: string, shown: string): boolean {
  const parts = shown.split(/…|\.\.\./).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(answer.trim());
}

t.test('the README has curl examples for BlueAI, Close, Close\'s other bulk actions and the control API', async (t) => {
  t.equal(blocks.length, 4);
  t.match(blocks[0], '/api/v1/crm/');
  t.match(blocks[1], '/api/v1/bulk_action/edit/');
  t.match(blocks[2], '/api/v1/bulk_action/delete/');
  t.match(blocks[3], '$E/orgs');
  t.ok(SETTINGS.includes('TICK_MS') && SETTINGS.length > 10, `the Configuration table lists ${SETTINGS.join(', ')}`);
});

t.test("every curl command of the README answers as its '# →' comment says, and below 400 unless it shows an error", async (t) => {
  for (const name of SETTINGS) delete process.env[name];
  // The one setting the examples ask for: the webhook example's receiver is on 127.0.0.1 (refused by default).
  const start = /`WEBHOOK_HOSTS=(\S+) npm start`/.exec(readme);
  t.ok(start, 'the README says how to start the emulator for its webhook example');
  const server = await startServer(t, { WEBHOOK_HOSTS: start![1]! });
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const log = join(dir, 'calls.log');
  const body = blocks.map((b) => script(b, server.url)).join('\n');
  await run('bash', ['-c', `source '${PRELUDE}'\n${body}`], { cwd: dir, env: { ...process.env, LOG: log, OUT: join(dir, 'out') }, encoding: 'utf8' });

  // The log in order: each call, then the '# →' answer shown for it (if any).
  type Call = { status: string; subshell: boolean; bytes: number; args: string; shown?: string; answer?: string };
  const calls: Call[] = [];
  let checks = 0;
  for (const fields of readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => l.split('\t'))) {
    if (fields[0] === 'expect') {
      t.ok(calls.length > 0 && calls.at(-1)!.shown === undefined, `'# → ${fields[1]}' follows a call of its own`);
      Object.assign(calls.at(-1)!, { shown: fields[1], answer: fields[2] });
      checks++;
    } else {
      calls.push({ status: fields[0]!, subshell: fields[1] !== '0', bytes: Number(fields[2]), args: fields[3]! });
    }
  }
  const curls = blocks.join('\n').match(/^\s*curl |&& curl |\$\(curl /gm)!.length;
  t.equal(calls.length, curls, `each of the ${curls} curl commands ran`);
  t.equal(checks, (blocks.join('\n').match(/# → /g) ?? []).length, "every '# →' of the blocks was checked");
  for (const call of calls) {
    const what = `${call.status} ${call.args.slice(0, 140)}`;
    const error = call.shown !== undefined && call.shown.startsWith('{"error"');
    t.ok(error ? Number(call.status) >= 400 : Number(call.status) < 400, what);
    if (call.shown !== undefined) t.ok(shows(call.answer!, call.shown), `answers ${call.shown}`, { answer: call.answer!.slice(0, 300) });
    else t.ok(call.bytes === 0 || call.subshell, `prints nothing, or its answer is captured: ${what}`);
  }

  // What the examples left behind: the imported contact; the Close bulk edit done on its own (ACME
  // Inc. matches two leads); no fault rule; the ticker running; suite-42 back to its seed (a reset
  // also drops the organization's own clock: it follows the default again).
  const ctl = (path: string) => fetch(`${server.url}/_mock${path}`).then((r) => r.json());
  const contacts = await fetch(`${server.url}/api/v1/crm/contacts?search=hanako@example.com`, { headers: { authorization: 'Bearer my-test-suite' } }).then((r) => r.json());
  t.match(contacts, { items: [{ last_name: 'Yamada', first_name: 'Hanako', email: 'hanako@example.com' }], total: 1 });
  t.match(await ctl('/jobs?org=my-test-suite&kind=edit'), { data: [{ status: 'done', n_leads: 2, n_leads_processed: 2 }] });
  // The other kinds' example: the lead emailed (3 contacts), its first contact subscribed, then deleted.
  t.match(await ctl('/jobs?org=my-test-suite&kind=email'), { data: [{ status: 'done', n_leads: 1, n_objects: 3, n_objects_processed: 3 }] });
  t.match(await ctl('/jobs?org=my-test-suite&kind=sequence_subscription'), { data: [{ status: 'done', n_objects_processed: 1 }] });
  t.match(await ctl('/jobs?org=my-test-suite&kind=delete'), { data: [{ status: 'done', n_objects_processed: 1 }] });
  t.match(await ctl('/webhooks/deliveries?org=my-test-suite'), { data: [{ status: 'pending' }] }, 'the lead.deleted delivery is queued');
  t.same(await ctl('/faults'), { data: [] }, 'the fault rule was removed');
  t.same(await ctl('/ticker'), { running: true, tick_ms: 100, batch_size: 100 }, 'the ticker runs again');
  t.match(await ctl('/orgs/suite-42'), { dataset: 'seed', counts: { close: { leads: 300, bulk_edits: 0 } }, clock: { source: 'default' } });
  t.same((await ctl('/orgs')).data.map((o: { credentials: string[] }) => o.credentials), [['my-test-suite'], ['suite-42']], 'no organization named <token>');
  t.ok(readFileSync(join(dir, 'contacts.csv'), 'utf8').startsWith('\uFEFFid,company_id,name,email'), 'the export was saved');
});
