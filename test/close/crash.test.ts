import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import { seed } from '../helper.js';
import { CLOSE, leadsQuery } from './seed-ids.js';

// A real server process with a file database is killed (SIGKILL, by the test-only crash hook) in the
// middle of a bulk edit batch, inside its transaction; a restarted server finishes the job. Every item
// must be applied exactly once: the half-applied batch rolled back, nothing before it applied again.

const server = fileURLToPath(new URL('../../dist/src/server.js', import.meta.url));
const key = 'crash-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'content-type': 'application/json' };

function start(env: Record<string, string>) {
  return spawn(process.execPath, [server], { env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env }, stdio: 'ignore' });
}

async function waitHealthy(port: number) {
  for (let i = 0; i < 1200; i++) { // up to 30 s: a loaded CI machine starts slowly
    if (await fetch(`http://127.0.0.1:${port}/_mock/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('not healthy');
}

t.test('a crash in the middle of a batch loses no item and applies none twice', async (t) => {
  const db = join(mkdtempSync(join(tmpdir(), 'crash-')), 'emulator.db');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const leads = seed.close!.leads.slice(0, 12).map((l) => l.id);

  // First run: no ticker; the job is created, then a ticker with a crash point on the 3rd batch.
  const first = start({ PORT: String(port), DB: db, TICK_MS: '20', BATCH_SIZE: '4', EMULATOR_CRASH_AT: 'bulk-edit-mid-batch:3' });
  t.teardown(() => first.kill('SIGKILL'));
  await waitHealthy(port);
  const created = await (await fetch(`http://127.0.0.1:${port}/api/v1/bulk_action/edit/`, {
    method: 'POST', headers,
    body: JSON.stringify({ type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: 'crash-test', s_query: leadsQuery(...leads) }),
  })).json();
  const [, signal] = await once(first, 'exit');
  t.equal(signal, 'SIGKILL', 'the server killed itself at the crash point');

  const look = new Database(db, { readonly: true });
  const job = look.prepare(`SELECT status, n_objects, n_objects_processed FROM close_bulk_edits WHERE id = ?`).get(created.id);
  t.same(job, { status: 'processing', n_objects: 12, n_objects_processed: 8 }, 'two whole batches committed, the third rolled back');
  const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(key);
  const applied = () => look.prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = '"crash-test"'`).pluck().get(org, CLOSE.field.sourceDetail);
  t.equal(applied(), 8);
  const doneBefore = look.prepare(`SELECT lead_id FROM close_bulk_edit_items WHERE bulk_edit_id = ? AND done = 1`).pluck().all(created.id) as string[];
  const stamp = look.prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(org, JSON.stringify(doneBefore)) as { id: string; date_updated: string }[];
  look.close();

  const second = start({ PORT: String(port), DB: db, TICK_MS: '20', BATCH_SIZE: '4' });
  t.teardown(() => second.kill('SIGKILL'));
  await waitHealthy(port);
  let status = '';
  for (let i = 0; i < 200 && status !== 'done'; i++) {
    status = (await (await fetch(`http://127.0.0.1:${port}/api/v1/bulk_action/edit/${created.id}/`, { headers })).json()).status;
    if (status !== 'done') await new Promise((r) => setTimeout(r, 25));
  }
  t.equal(status, 'done');
  second.kill('SIGTERM');
  await once(second, 'exit');

  const after = new Database(db, { readonly: true });
  t.same(after.prepare(`SELECT n_objects, n_objects_processed, n_leads_processed FROM close_bulk_edits WHERE id = ?`).get(created.id), { n_objects: 12, n_objects_processed: 12, n_leads_processed: 12 });
  t.equal(after.prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = '"crash-test"'`).pluck().get(org, CLOSE.field.sourceDetail), 12);
  const restamped = after.prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(org, JSON.stringify(doneBefore));
  t.same(restamped, stamp, 'leads edited before the crash were not edited again');
  t.equal(after.prepare(`SELECT count(*) FROM close_outbox WHERE ref_id = ?`).pluck().get(created.id), 1);
  after.close();
});
