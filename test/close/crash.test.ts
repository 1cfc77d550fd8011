import t from 'tap';
import { seed } from '../helper.js';
import { readDb, startServer, tempDb } from '../process-helper.js';
import { CLOSE, leadsQuery } from './seed-ids.js';

// A real server process with a file database is killed (SIGKILL, by the test-only crash hook) in the
// middle of a bulk edit batch, inside its transaction; a restarted server finishes the job. Every item
// must be applied exactly once: the half-applied batch rolled back, nothing before it applied again.

const key = 'crash-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'content-type': 'application/json' };

t.test('a crash in the middle of a batch loses no item and applies none twice', async (t) => {
  const db = tempDb('crash');
  const leads = seed.close!.leads.slice(0, 12).map((l) => l.id);

  // First run: no ticker; the job is created, then a ticker with a crash point on the 3rd batch.
  const first = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4', EMULATOR_CRASH_AT: 'bulk-edit-mid-batch:3' });
  const created = await (await fetch(`${first.url}/api/v1/bulk_action/edit/`, {
    method: 'POST', headers,
    body: JSON.stringify({ type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: 'crash-test', s_query: leadsQuery(...leads) }),
  })).json();
  t.equal(await first.exited, 'SIGKILL', 'the server killed itself at the crash point');

  const look = readDb(t, db);
  const job = look.prepare(`SELECT status, n_objects, n_objects_processed FROM close_bulk_actions WHERE id = ?`).get(created.id);
  t.same(job, { status: 'processing', n_objects: 12, n_objects_processed: 8 }, 'two whole batches committed, the third rolled back');
  const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(key);
  const applied = () => look.prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = '"crash-test"'`).pluck().get(org, CLOSE.field.sourceDetail);
  t.equal(applied(), 8);
  const doneBefore = look.prepare(`SELECT lead_id FROM close_bulk_action_items WHERE bulk_action_id = ? AND done = 1`).pluck().all(created.id) as string[];
  const stamp = look.prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(org, JSON.stringify(doneBefore)) as { id: string; date_updated: string }[];

  const second = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4' });
  let status = '';
  for (let i = 0; i < 200 && status !== 'done'; i++) {
    status = (await (await fetch(`${second.url}/api/v1/bulk_action/edit/${created.id}/`, { headers })).json()).status;
    if (status !== 'done') await new Promise((r) => setTimeout(r, 25));
  }
  t.equal(status, 'done');
  await second.stop();

  t.same(look.prepare(`SELECT n_objects, n_objects_processed, n_leads_processed FROM close_bulk_actions WHERE id = ?`).get(created.id), { n_objects: 12, n_objects_processed: 12, n_leads_processed: 12 });
  t.equal(look.prepare(`SELECT count(*) FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = '"crash-test"'`).pluck().get(org, CLOSE.field.sourceDetail), 12);
  const restamped = look.prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`).all(org, JSON.stringify(doneBefore));
  t.same(restamped, stamp, 'leads edited before the crash were not edited again');
  t.equal(look.prepare(`SELECT count(*) FROM close_outbox WHERE ref_id = ?`).pluck().get(created.id), 1);
});
