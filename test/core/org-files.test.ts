import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { build, bearer, SEED_IDS } from '../helper.js';

// With DB=<path>, every organization's data is `<path>-orgs/<org id>.<generation>.db` (src/core/org-dbs.ts).
// A crash inside a restore, reset or deletion can leave files of another generation behind; at start
// every file that is not an organization's current data goes (src/core/org-files.ts).

t.test('at start, files of other generations, of deleted organizations, temporary files and orphan logs are removed; the current data stays intact', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-strays-'));
  const file = join(dir, 'emulator.db');
  const app = await build(t, { db: file });
  const del = await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('stray-key'), payload: { ids: [SEED_IDS.deal1] } });
  t.equal(del.statusCode, 200);
  const id = app.tenants.get('stray-key').id;
  // A second organization reset once: its generation 0 is gone, 1 is current (made on its next use).
  const other = app.tenants.resolve('stray-other').id;
  await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('stray-other') });
  t.equal((await app.inject({ method: 'POST', url: `/_mock/orgs/${other}/reset` })).statusCode, 200);
  await app.close();

  const orgs = `${file}-orgs`;
  const current = join(orgs, `${id}.0.db`);
  t.ok(existsSync(current), 'the organization\'s current file');
  // What crashes leave: a restore's next generation and its log, a temporary copy, another
  // generation's files, the files of an organization that no longer exists.
  const planted = [
    `${id}.1.db`, `${id}.1.db-wal`, `${id}.1.db-shm`, `${id}.1.db.tmp`, `${id}.0.db.tmp`,
    `${other}.0.db`, `${other}.0.db-wal`, `${other}.1.db-wal`,
    `orga_${'Z'.repeat(43)}.0.db`, `orga_${'Z'.repeat(43)}.0.db-wal`,
  ];
  for (const name of planted) copyFileSync(current, join(orgs, name));
  writeFileSync(join(orgs, 'notes.txt'), 'not an organization file');

  const again = await build(t, { db: file });
  const left = readdirSync(orgs).sort();
  for (const name of planted) t.notOk(left.includes(name), `${name} removed`);
  t.ok(left.includes(`${id}.0.db`), 'the current file stays');
  t.ok(left.includes('notes.txt'), 'a file that is not an organization\'s stays');
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('stray-key') })).statusCode, 404, 'the write before the restart stands');
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal2}`, headers: bearer('stray-key') })).statusCode, 200, 'and the rest of its data');
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('stray-other') })).statusCode, 200, 'the reset organization answers its seed');

  // A restore writes the next generation: nothing planted is replayed into it.
  const snap = (await again.inject({ url: `/_mock/orgs/${id}/snapshot` })).json();
  t.equal((await again.inject({ method: 'PUT', url: `/_mock/orgs/${id}/snapshot`, payload: snap })).statusCode, 200);
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('stray-key') })).statusCode, 404, 'restored as it was');
  t.same(readdirSync(orgs).filter((n) => n.startsWith(`${id}.`) && n.endsWith('.db')), [`${id}.1.db`], 'one generation left');
});

t.test('a restore never replays a log left under the name of its next generation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-replay-'));
  const file = join(dir, 'emulator.db');
  const app = await build(t, { db: file });
  await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('replay-key') });
  const id = app.tenants.get('replay-key').id;
  const snap = (await app.inject({ url: `/_mock/orgs/${id}/snapshot` })).json();
  await app.close();
  const again = await build(t, { db: file });

  // A real log of this organization's data that deletes every deal, where generation 1 will be
  // written: what a crash between writing a restore's file and its commit leaves behind.
  const orgs = `${file}-orgs`;
  const copy = join(dir, 'copy.db');
  copyFileSync(join(orgs, `${id}.0.db`), copy);
  const writer = new Database(copy);
  writer.pragma('journal_mode = WAL');
  writer.pragma('wal_autocheckpoint = 0');
  writer.prepare(`DELETE FROM blueai_deals`).run();
  copyFileSync(`${copy}-wal`, join(orgs, `${id}.1.db-wal`));
  writer.close();

  t.equal((await again.inject({ method: 'PUT', url: `/_mock/orgs/${id}/snapshot`, payload: snap })).statusCode, 200);
  t.equal((await again.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('replay-key') })).statusCode, 200, 'the restored deal is there');
  t.equal(again.tenants.db(id).prepare(`SELECT count(*) FROM blueai_deals`).pluck().get(), snap.blueai.deals.length, 'every deal of the snapshot');
  t.equal(again.tenants.db(id).pragma('integrity_check', { simple: true }), 'ok');
});

t.test('a restore whose commit fails leaves no file of the generation it wrote; the organization keeps its data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'org-failed-restore-'));
  const file = join(dir, 'emulator.db');
  const app = await build(t, { db: file });
  await app.inject({ method: 'POST', url: '/api/v1/crm/bulk/deals/delete', headers: bearer('failed-key'), payload: { ids: [SEED_IDS.deal1] } });
  const id = app.tenants.get('failed-key').id;
  const snap = (await app.inject({ url: `/_mock/orgs/${id}/snapshot` })).json();
  // The commit in the process-wide database fails (a locked file, a full disk): simulated here.
  const tenants = app.tenants as unknown as { nextGeneration: () => void };
  tenants.nextGeneration = () => {
    throw new Error('simulated failure of the commit');
  };
  t.throws(() => app.tenants.restore(id, snap), /simulated failure/);
  t.same(readdirSync(`${file}-orgs`).filter((n) => n.startsWith(`${id}.1.`)), [], 'no file of generation 1');
  t.ok(existsSync(join(`${file}-orgs`, `${id}.0.db`)), 'generation 0 stays');
  t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('failed-key') })).statusCode, 404, 'its data as it was');
  t.equal((await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal2}`, headers: bearer('failed-key') })).statusCode, 200);
});
