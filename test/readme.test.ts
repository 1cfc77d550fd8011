import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startServer } from './process-helper.js';

// The README's and docs/*.md's curl examples, run as a reader would paste them into one terminal, in
// order (README first, then each page of docs/ by name), against a fresh `npm start` of the compiled
// server with the defaults a reader has (the background ticker included: TICK_MS=100). Only the host
// (and the webhook receiver's port, so parallel runs never collide) is changed. The other code of the
// README and docs/ runs in test/readme-code.test.ts.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const PAGES = ['README.md', ...readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const fenced = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
/** Each page's curl blocks, in page order. */
const pageBlocks = PAGES.map((page) => ({ page, blocks: fenced(read(page), 'sh').filter((b) => /^\s*curl /m.test(b)) }));
const blocks = pageBlocks.flatMap((p) => p.blocks);
const blocksOf = (page: string) => pageBlocks.find((p) => p.page === page)?.blocks ?? [];
const run = promisify(execFile);

// Sourced first: curl logs each call's status, and `expect` checks an answer (see the file).
const PRELUDE = fileURLToPath(new URL('./readme-prelude.sh', import.meta.url));

/** The settings of docs/configuration.md's table (`| \`PORT\` | \`--port\` |`): none may leak in from the test's environment. */
const SETTINGS = [...read('docs/configuration.md').matchAll(/^\| `([A-Z_]+)` \| `--/gm)].map((m) => m[1]!);

/** The port the examples' webhook receiver listens on; replaced by a free one. */
const RECEIVER_PORT = '4011';
const LEAD = 'lead_JkLgBR6lIrdC7I3ZQEQPRip4S0RD7eawonaJbYwqrSd';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A block as a script, the local host in place of localhost:4010. A `# → <answer>` line
 * checks the last curl's answer; `<command>   # → <answer>` checks what that command printed.
 */
function script(block: string, base: string, receiverPort: number): string {
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
    .replaceAll('http://localhost:4010', base)
    .replaceAll(`127.0.0.1:${RECEIVER_PORT}`, `127.0.0.1:${receiverPort}`)
    .replaceAll(`listen(${RECEIVER_PORT},`, `listen(${receiverPort},`);
}

/** Whether an answer is what a README comment shows: literally, where "…" or "..." stands for anything. */
function shows(answer: string, shown: string): boolean {
  const parts = shown.split(/…|\.\.\./).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(answer.trim());
}

t.test('the README and docs/ have curl examples for BlueAI, Close, the other bulk actions with webhooks, the control API and webhooks', async (t) => {
  const [blueai, close, others] = blocksOf('README.md');
  t.equal(blocksOf('README.md').length, 3);
  t.match(blueai, '/api/v1/crm/');
  t.match(close, '/api/v1/bulk_action/edit/');
  t.match(others, '/api/v1/bulk_action/delete/');
  t.match(others, 'node receiver.mjs', 'the README starts a webhook receiver');
  t.match(others, '/_mock/webhooks/flush', 'and drives its delivery');
  t.equal(blocksOf('docs/control-api.md').length, 1);
  t.match(blocksOf('docs/control-api.md')[0], '$E/orgs');
  t.equal(blocksOf('docs/webhooks.md').length, 1);
  t.match(blocksOf('docs/webhooks.md')[0], '$E/webhooks/flush');
  t.ok(SETTINGS.includes('TICK_MS') && SETTINGS.length > 10, `the Configuration table lists ${SETTINGS.join(', ')}`);
});

t.test("docs/webhooks.md's receiver is the one the README writes to receiver.mjs", async (t) => {
  const written = /cat > receiver\.mjs <<'JS'\n([\s\S]*?)\nJS\n/.exec(readme)?.[1];
  t.ok(written, 'the README writes receiver.mjs');
  t.equal(fenced(read('docs/webhooks.md'), 'js')[0]?.trimEnd(), written);
});

t.test("every curl command of the README and docs/ answers as its '# →' comment says, and below 400 unless it shows an error", async (t) => {
  for (const name of SETTINGS) delete process.env[name];
  // The one setting the examples ask for: the webhook examples' receiver is on 127.0.0.1 (refused by default).
  const start = /`WEBHOOK_HOSTS=(\S+) npm start`/.exec(readme);
  t.ok(start, 'the README says how to start the emulator for its webhook example');
  const server = await startServer(t, { WEBHOOK_HOSTS: start![1]! });
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const log = join(dir, 'calls.log');
  const receiverPort = await freePort();
  const body = blocks.map((b) => script(b, server.url, receiverPort)).join('\n');
  // A receiver left running by a failing block must not outlive the script.
  const cleanup = `trap 'kill $(jobs -p) 2>/dev/null' EXIT`;
  await run('bash', ['-c', `source '${PRELUDE}'\n${cleanup}\n${body}`], { cwd: dir, env: { ...process.env, LOG: log, OUT: join(dir, 'out') }, encoding: 'utf8' });

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
  // The webhook examples: each receiver got its deliveries, signed with its subscription's key.
  const deleted = await ctl('/webhooks/deliveries?org=my-test-suite');
  t.match(deleted, { data: [{ status: 'succeeded', attempts: 1, last_status_code: 200 }] }, 'the lead.deleted delivery was sent');
  t.equal(deleted.data.length, 1);
  t.equal(readFileSync(join(dir, 'deliveries.log'), 'utf8'), `listening on 127.0.0.1:${receiverPort}\nverified lead deleted ${LEAD}\n`, "the README's receiver got it, verified");
  t.match(await ctl('/webhooks/deliveries?org=hooks-demo'), { data: [{ status: 'succeeded', attempts: 2 }, { status: 'succeeded', attempts: 1 }] });
  t.equal(readFileSync(join(dir, 'hooks.log'), 'utf8'), `listening on 127.0.0.1:${receiverPort}\n` + `verified lead updated ${LEAD}\n`.repeat(2), "docs/webhooks.md's receiver got both, verified");
  t.same(await ctl('/faults'), { data: [] }, 'the fault rules were removed');
  t.same(await ctl('/ticker'), { running: true, tick_ms: 100, batch_size: 100 }, 'the ticker runs again');
  t.match(await ctl('/orgs/suite-42'), { dataset: 'seed', counts: { close: { leads: 300, bulk_edits: 0 } }, clock: { source: 'default' } });
  t.same(
    (await ctl('/orgs')).data.map((o: { credentials: string[] }) => o.credentials).sort(),
    [['hooks-demo'], ['my-test-suite'], ['suite-42']],
    'no organization named <token>',
  );
  t.ok(readFileSync(join(dir, 'contacts.csv'), 'utf8').startsWith('\uFEFFid,company_id,name,email'), 'the export was saved');
});
