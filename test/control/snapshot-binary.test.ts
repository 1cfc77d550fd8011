import t from 'tap';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { build, bearer, SEED_IDS, shareApps } from '../helper.js';
import { ctl, digest, isControlError } from './helper.js';
import { MIGRATIONS } from '../../src/migrations.js';

// Binary snapshots (src/core/org-binary.ts): GET …/snapshot with Accept: application/vnd.sqlite3 answers
// the organization's database image; PUT …/snapshot with Content-Type: application/vnd.sqlite3 restores
// one after checking it (400, nothing changed, otherwise). JSON snapshots carry an ETag that If-Match names on restore.

shareApps(t);
const SQLITE = 'application/vnd.sqlite3';

async function org(app: FastifyInstance, credential: string): Promise<string> {
  const res = await ctl(app, 'POST', '/orgs', { credential });
  t.equal(res.statusCode, 201, res.body);
  return res.json().id as string;
}
const image = async (app: FastifyInstance, id: string) => {
  const res = await app.inject({ url: `/_mock/orgs/${id}/snapshot`, headers: { accept: SQLITE } });
  t.equal(res.statusCode, 200);
  return res;
};
const putImage = (app: FastifyInstance, id: string, body: Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'PUT', url: `/_mock/orgs/${id}/snapshot`, headers: { 'content-type': SQLITE, ...headers }, payload: body });
const dataGen = (app: FastifyInstance, id: string) => app.db.prepare(`SELECT data_gen FROM orgs WHERE id = ?`).pluck().get(id);

t.test('a binary snapshot restores into another organization: the same vendor answers, every row under the new id', async (t) => {
  const app = await build(t);
  const a = await org(app, 'bin-a');
  const patch = await app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('bin-a'), payload: { name: 'Only in A' } });
  t.equal(patch.statusCode, 200);
  const res = await image(app, a);
  t.equal(res.headers['content-type'], SQLITE);
  t.equal(res.headers['x-snapshot-format'], 'sqlite3; version=1');
  t.match(res.headers['x-snapshot-schema'], /^core:\d+,/);
  t.equal(res.rawPayload.subarray(0, 15).toString('latin1'), 'SQLite format 3');

  const b = await org(app, 'bin-b');
  const restored = await putImage(app, b, res.rawPayload, { 'x-snapshot-format': 'sqlite3; version=1' });
  t.equal(restored.statusCode, 200, restored.body);
  t.equal(restored.json().id, b);
  const deal = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('bin-b') });
  t.equal(deal.json().name, 'Only in A', 'B answers what A had');
  const db = app.tenants.db(b);
  t.equal(db.prepare(`SELECT name FROM blueai_deals WHERE org_id = ? AND id = ?`).pluck().get(b, SEED_IDS.deal1), 'Only in A');
  t.equal(db.prepare(`SELECT count(*) FROM blueai_deals WHERE org_id <> ?`).pluck().get(b), 0, 'no row keeps A\'s id');
  const jsonA = (await ctl(app, 'GET', `/orgs/${a}/snapshot`)).json();
  const jsonB = (await ctl(app, 'GET', `/orgs/${b}/snapshot`)).json();
  t.same({ ...jsonB, credentials: [] }, JSON.parse(JSON.stringify({ ...jsonA, credentials: [] }).replaceAll(a, b)), 'the same dataset, A\'s id become B\'s');
});

t.test('a corrupted image, bytes that are no SQLite image, or another format is a 400 and changes nothing', async (t) => {
  const app = await build(t);
  const a = await org(app, 'bin-c');
  const good = (await image(app, a)).rawPayload;
  const before = digest(app, a);
  const gen = dataGen(app, a);
  const corrupted = Buffer.from(good);
  for (let at = 4096; at < corrupted.length - 4096; at += 4096) corrupted.fill(0x5a, at + 100, at + 400);
  isControlError(t, await putImage(app, a, corrupted), 400, 'VALIDATION_ERROR', 'body');
  isControlError(t, await putImage(app, a, Buffer.from('{"not":"sqlite"}'.repeat(64))), 400, 'VALIDATION_ERROR', 'body');
  isControlError(t, await putImage(app, a, good.subarray(0, 1000)), 400, 'VALIDATION_ERROR', 'body');
  const format = await putImage(app, a, good, { 'x-snapshot-format': 'sqlite3; version=99' });
  isControlError(t, format, 400, 'VALIDATION_ERROR', 'body');
  t.match(format.json().error.message, /x-snapshot-format/);
  t.equal(digest(app, a), before, 'the organization\'s data is unchanged');
  t.equal(dataGen(app, a), gen, 'its generation did not move');
});

t.test('an image of another schema version is a 400 naming both versions, nothing changed', async (t) => {
  const app = await build(t);
  const a = await org(app, 'bin-d');
  const good = (await image(app, a)).rawPayload;
  const db = new Database(good);
  const last = MIGRATIONS.find((s) => s.owner === 'close')!.migrations.at(-1)!.version;
  db.prepare(`DELETE FROM schema_migrations WHERE owner = 'close' AND version = ?`).run(last);
  const older = db.serialize();
  db.close();
  const before = digest(app, a);
  const res = await putImage(app, a, older);
  const err = isControlError(t, res, 400, 'VALIDATION_ERROR', 'body');
  t.match(err.message, new RegExp(`close:${last - 1}.*close:${last}`));
  t.equal(digest(app, a), before);
});

t.test('a JSON snapshot has an ETag; If-Match restores it from the held image, and a wrong one is a 412 that changes nothing', async (t) => {
  const app = await build(t);
  const a = await org(app, 'bin-e');
  const snap = await ctl(app, 'GET', `/orgs/${a}/snapshot`);
  t.equal(snap.statusCode, 200);
  const etag = snap.headers.etag as string;
  t.match(etag, /^"[0-9a-f]{64}"$/);
  t.equal((await ctl(app, 'GET', `/orgs/${a}/snapshot`)).headers.etag, etag, 'the same data, the same ETag');
  const snapshot = snap.json();

  const b = await org(app, 'bin-f');
  const patched = await app.inject({ method: 'PATCH', url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('bin-f'), payload: { name: 'Changed in B' } });
  t.equal(patched.statusCode, 200);
  const changed = digest(app, b);
  const wrong = await ctl(app, 'PUT', `/orgs/${b}/snapshot`, snapshot, { 'if-match': `"${'0'.repeat(64)}"` });
  isControlError(t, wrong, 412, 'PRECONDITION_FAILED', 'If-Match');
  t.equal(digest(app, b), changed, 'nothing changed');
  isControlError(t, await ctl(app, 'PUT', `/orgs/${b}/snapshot`, snapshot, { 'if-match': 'not-an-etag' }), 400, 'VALIDATION_ERROR', 'If-Match');

  for (let i = 0; i < 2; i++) {
    // First: hashed once and checked against the ETag; then: the held image, no hash.
    const res = await ctl(app, 'PUT', `/orgs/${b}/snapshot`, snapshot, { 'if-match': etag });
    t.equal(res.statusCode, 200, res.body);
    const deal = await app.inject({ url: `/api/v1/crm/deals/${SEED_IDS.deal1}`, headers: bearer('bin-f') });
    t.not(deal.json().name, 'Changed in B', 'the snapshot\'s deal is back');
    t.equal(app.tenants.db(b).prepare(`SELECT name FROM blueai_deals WHERE org_id = ? AND id = ?`).pluck().get(b, SEED_IDS.deal1), deal.json().name);
  }
});
