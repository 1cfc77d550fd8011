import t from 'tap';
import { readDb, startServer, tempDb } from '../process-helper.js';

// A real server process with a file database is killed (SIGKILL, by the test-only crash hook) after a
// Close write ran and before its events were recorded, inside one transaction. After a restart the
// write must be gone with its events: no change without its event, no event without its change.

const key = 'events-crash-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'content-type': 'application/json' };

t.test('a crash between a write and its event record leaves neither', async (t) => {
  const db = tempDb('events-crash');
  const first = await startServer(t, { DB: db, EMULATOR_CRASH_AT: 'close-event-before-record:2' });
  const lead = await (await fetch(`${first.url}/api/v1/lead/`, { method: 'POST', headers, body: JSON.stringify({ name: 'Before' }) })).json();
  t.match(lead.id, /^lead_/, 'the first write and its event committed');
  await fetch(`${first.url}/api/v1/lead/${lead.id}/`, { method: 'PUT', headers, body: JSON.stringify({ name: 'Lost' }) }).catch(() => null);
  t.equal(await first.exited, 'SIGKILL', 'the server killed itself at the crash point');

  const look = readDb(t, db);
  const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(key);
  t.equal(look.prepare(`SELECT name FROM close_leads WHERE org_id = ? AND id = ?`).pluck().get(org, lead.id), 'Before', 'the update rolled back');
  t.same(look.prepare(`SELECT object_id, action FROM close_events WHERE org_id = ?`).all(org), [{ object_id: lead.id, action: 'created' }], 'only the first write\'s event');

  const second = await startServer(t, { DB: db });
  const events = await (await fetch(`${second.url}/api/v1/event/?lead_id=${lead.id}`, { headers })).json();
  t.same(events.data.map((e: { action: string }) => e.action), ['created']);
  t.equal((await (await fetch(`${second.url}/api/v1/lead/${lead.id}/`, { headers })).json()).name, 'Before');
  const res = await fetch(`${second.url}/api/v1/lead/${lead.id}/`, { method: 'PUT', headers, body: JSON.stringify({ name: 'After' }) });
  t.equal(res.status, 200);
  const after = await (await fetch(`${second.url}/api/v1/event/?lead_id=${lead.id}`, { headers })).json();
  t.same(after.data.map((e: { action: string; data: { name: string } }) => [e.action, e.data.name]), [['updated', 'After'], ['created', 'Before']]);
  await second.stop();
});
