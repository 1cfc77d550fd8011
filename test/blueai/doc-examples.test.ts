import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

// Every curl example of the vendor's bulk documentation, run verbatim with the real curl against a
// fresh default start of the compiled server; only the scheme and host are changed.

const doc = readFileSync(new URL('../fixtures/blueai-crm-bulk.txt', import.meta.url), 'utf8');
const server = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));
const run = promisify(execFile);

/** [curl command, the documented response JSON that follows it, if any] in document order. */
const examples = [...doc.matchAll(/curl [\s\S]*?(?=Response Example|\/api\/v1\/crm\/[a-z/]+[A-Z]|$)/g)].map((m) => {
  const after = doc.slice(m.index! + m[0].length);
  const response = after.startsWith('Response Example') ? /^Response Example\s*(\{[\s\S]*?\})/.exec(after)?.[1] : undefined;
  return { command: m[0].trim(), response: response ? JSON.parse(response) : undefined };
});

t.test('the documentation has six curl examples, two with a response example', async (t) => {
  t.equal(examples.length, 6);
  t.equal(examples.filter((e) => e.response).length, 2);
});

t.test('each documented curl example answers as documented against a fresh default start', async (t) => {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(process.execPath, [server], { env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  for (let i = 0; i < 600; i++) { // up to 30 s: a loaded CI machine starts slowly
    const up = await fetch(`http://127.0.0.1:${port}/_mock/health`).then((r) => r.ok, () => false);
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const outputs: string[] = [];
  for (const { command, response } of examples) {
    const local = command.replaceAll('https://api.blueai.jp', `http://127.0.0.1:${port}`);
    const { stdout } = await run('bash', ["-c", local], { encoding: 'utf8' });
    outputs.push(stdout);
    if (response) t.same(JSON.parse(stdout), response, command.split('\n')[0]);
  }
  const [update, del, imp, deals, contacts, companies] = outputs;
  t.same(JSON.parse(update!), { processed: 3, errors: [] });
  t.same(JSON.parse(del!), { processed: 2, errors: [] });
  t.match(JSON.parse(imp!), { error: { code: 'VALIDATION_ERROR', message: /multipart\/form-data/, details: { fields: { file: String } } } }, 'the import example sends no file: a 400 in the envelope');
  t.ok(deals!.startsWith('\uFEFFid,name,customer_name,company_id,contact_id,amount,stage,expected_close_date,assigned_member_id,created_at,updated_at\r\n'));
  t.notOk(deals!.includes('deal_11111111111111111111111111111111'), 'the deleted deals are gone from the export');
  t.ok(contacts!.startsWith('\uFEFFid,company_id,name,email,phone,position,notes,created_at,updated_at\r\n'));
  t.ok(companies!.startsWith('\uFEFFid,name,name_kana,department,industry,employee_count,website_url,postal_code,address,phone,email,notes,created_at,updated_at\r\n'));
});
