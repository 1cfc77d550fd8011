import Database from 'better-sqlite3';
import t from 'tap';
import { SEED_IDS } from '../helper.js';
import { basic, CLOSE } from '../close/seed-ids.js';
import { startServer, tempDb } from '../process-helper.js';

// Another process holding the database file's write lock (a second emulator on the same file, a
// sqlite3 shell left in a transaction) longer than the busy timeout (5 s): reads still answer (WAL),
// and a write is a retryable 503 in the vendor's envelope with Retry-After, not a bare 500; once the
// lock is released the same write succeeds.

t.test('a write lock held by another process is a 503 with Retry-After in each envelope, then the write works', async (t) => {
  t.setTimeout(90_000);
  const db = tempDb('busy');
  const server = await startServer(t, { DB: db, TICK_MS: '0' });
  const blueai = { authorization: 'Bearer busy-token', 'content-type': 'application/json' };
  const close = { ...basic('busy-token'), 'content-type': 'application/json' };
  t.equal((await fetch(`${server.url}/api/v1/crm/deals?limit=1`, { headers: blueai })).status, 200, 'the organization exists');

  // The process-wide file (organizations, the control plane) and the organization's own file.
  const other = new Database(db);
  t.teardown(() => other.open && other.close());
  const org = other.prepare(`SELECT o.id, o.data_gen FROM credentials c JOIN orgs o ON o.id = c.org_id WHERE c.token = 'busy-token'`).get() as { id: string; data_gen: number };
  const otherOrg = new Database(`${db}-orgs/${org.id}.${org.data_gen}.db`);
  t.teardown(() => otherOrg.open && otherOrg.close());
  other.exec('BEGIN IMMEDIATE');
  other.prepare(`UPDATE orgs SET name = name`).run();
  otherOrg.exec('BEGIN IMMEDIATE');
  otherOrg.prepare(`UPDATE orgs SET name = name`).run();

  const read = await fetch(`${server.url}/api/v1/crm/deals/${SEED_IDS.deal1}`, { headers: blueai });
  t.equal(read.status, 200, 'a read does not wait for the writer');
  const update = () => fetch(`${server.url}/api/v1/crm/bulk/deals/update`, {
    method: 'POST', headers: blueai, body: JSON.stringify({ ids: [SEED_IDS.deal1], assigned_member_id: SEED_IDS.member }),
  });
  const busy = await update();
  t.equal(busy.status, 503);
  t.equal(busy.headers.get('retry-after'), '1');
  const body = await busy.json();
  t.same(Object.keys(body), ['error']);
  t.match(body.error, { code: 'SERVICE_UNAVAILABLE', message: /busy/, details: { retry_after: 1 } });
  t.notMatch(JSON.stringify(body), /SQLITE/);

  const closeBusy = await fetch(`${server.url}/api/v1/lead/${CLOSE.acmeInc}/`, { method: 'PUT', headers: close, body: JSON.stringify({ description: 'busy' }) });
  t.equal(closeBusy.status, 503);
  t.equal(closeBusy.headers.get('retry-after'), '1');
  t.match(await closeBusy.json(), { error: /busy/ });

  const controlBusy = await fetch(`${server.url}/_mock/orgs/busy-token/reset`, { method: 'POST' });
  t.equal(controlBusy.status, 503);
  t.match(await controlBusy.json(), { error: { code: 'SERVICE_UNAVAILABLE', message: /busy/ } });

  other.exec('COMMIT');
  other.close();
  otherOrg.exec('COMMIT');
  otherOrg.close();
  const after = await update();
  t.equal(after.status, 200);
  t.same(await after.json(), { processed: 1, errors: [] }, 'the same write succeeds once the lock is gone');
  t.equal((await fetch(`${server.url}/_mock/health`)).status, 200);
});
