import t from 'tap';
import { multipart } from '../helper.js';
import { readDb, startServer, tempDb, type ServerProcess } from '../process-helper.js';

// A real server process with a file database is killed (SIGKILL, by the test-only crash hook) while a
// BlueAI contacts CSV import is writing its rows, inside its transaction. The import is all or
// nothing: after a restart none of its rows exist, the import before it is intact, and sending the
// same file again imports each row exactly once.

const token = 'import-crash-token';
const ROWS = 40;
const csv = (batch: string) => ['first_name,last_name,email,note', ...Array.from({ length: ROWS }, (_, i) =>
  `n${i},試験${batch},${batch}-${i}@example.jp,"row ${i}, of ${batch}"`)].join('\r\n');

async function upload(server: ServerProcess, content: string) {
  const { payload, headers } = multipart([{ name: 'file', filename: 'contacts.csv', content }]);
  return fetch(`${server.url}/api/v1/crm/bulk/contacts/import`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body: payload });
}

t.test('a crash in the middle of an import commit leaves none of its rows; a re-run applies each once', async (t) => {
  t.setTimeout(90_000);
  const db = tempDb('import-crash');

  // The second import to reach the point dies there; the first commits.
  const first = await startServer(t, { DB: db, EMULATOR_CRASH_AT: 'contacts-import-mid-commit:2' });
  const seeded = await fetch(`${first.url}/api/v1/crm/contacts?limit=1`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(seeded.status, 200, 'the organization exists before the imports');
  const ok = await upload(first, csv('A'));
  t.equal(ok.status, 200);
  t.same(await ok.json(), { processed: ROWS, errors: [] });
  const dying = await upload(first, csv('B')).then((r) => r.status, (err: Error) => err.message);
  t.equal(dying, 'fetch failed', 'the request got no answer: the server died mid-commit');
  t.equal(await first.exited, 'SIGKILL', 'the server killed itself at the crash point');

  const look = readDb(t, db);
  const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(token) as string;
  const total = () => look.prepare(`SELECT count(*) FROM blueai_contacts WHERE org_id = ?`).pluck().get(org) as number;
  const byEmail = (a: { email: string }, b: { email: string }) => (a.email < b.email ? -1 : 1);
  const rowsOf = (batch: string) => (look.prepare(`SELECT email, count(*) AS n FROM blueai_contacts WHERE org_id = ? AND last_name = ?
    GROUP BY email`).all(org, `試験${batch}`) as { email: string; n: number }[]).sort(byEmail);
  const once = (batch: string) => Array.from({ length: ROWS }, (_, i) => ({ email: `${batch}-${i}@example.jp`, n: 1 })).sort(byEmail);
  const seedCount = total() - ROWS;
  t.ok(seedCount > 0, 'the organization has its seeded contacts');
  t.same(rowsOf('A'), once('A'), 'the committed import is intact');
  t.same(rowsOf('B'), [], 'none of the interrupted import\'s rows were written');
  t.equal(look.pragma('integrity_check', { simple: true }), 'ok');

  const second = await startServer(t, { DB: db });
  t.equal(total(), seedCount + ROWS, 'a restart neither reseeds nor replays anything');
  const again = await upload(second, csv('B'));
  t.equal(again.status, 200);
  t.same(await again.json(), { processed: ROWS, errors: [] }, 'the same file imports again');
  t.equal(await second.stop(), null, 'clean shutdown');

  t.same(rowsOf('A'), once('A'));
  t.same(rowsOf('B'), once('B'), 'each row of the re-run exactly once');
  t.equal(total(), seedCount + 2 * ROWS);
  t.same(look.prepare(`SELECT note FROM blueai_contacts WHERE org_id = ? AND email = ?`).pluck().get(org, 'B-7@example.jp'), 'row 7, of B');
  t.equal(look.pragma('integrity_check', { simple: true }), 'ok');
});
