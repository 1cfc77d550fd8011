import t from 'tap';
import { build, bearer, orgOf, SEED_IDS, shareApps } from '../helper.js';
import { CS, call, closeOrg } from '../close/helper.js';

// GET one Close lead and one BlueAI deal answer from src/core/answer-cache.ts until the organization's
// next write: the same bytes as a fresh render, and never a stale answer after any write, reset or restore.

shareApps(t);
const LEAD = CS.leads[0]!.id;

t.test('a cached lead answer is the bytes a fresh render serializes, per _fields', async (t) => {
  const app = await build(t);
  const first = await call(app, { path: `/lead/${LEAD}/` });
  const again = await call(app, { path: `/lead/${LEAD}/` });
  t.equal(first.statusCode, 200);
  t.equal(again.body, first.body, 'the same bytes twice');
  const org = closeOrg(app);
  const fresh = app.tenants.run(org, () => app.closeStore.leads.get(org, LEAD));
  t.same(JSON.parse(first.body), JSON.parse(JSON.stringify(fresh)), 'what the store renders');
  const trimmed = await call(app, { path: `/lead/${LEAD}/?_fields=id,name` });
  t.same(trimmed.json(), { id: LEAD, name: fresh.name }, '_fields is part of the key');
  t.equal((await call(app, { path: `/lead/${LEAD}/` })).body, first.body, 'the full answer is still the full one');
});

t.test('a write to the lead, or to a table the lead shows, changes the next answer', async (t) => {
  const app = await build(t);
  await call(app, { path: `/lead/${LEAD}/` });
  const put = await call(app, { method: 'PUT', path: `/lead/${LEAD}/`, payload: { name: 'Renamed by a PUT' } });
  t.equal(put.statusCode, 200);
  t.equal((await call(app, { path: `/lead/${LEAD}/` })).json().name, 'Renamed by a PUT');
  const contact = await call(app, { method: 'POST', path: '/contact/', payload: { lead_id: LEAD, name: 'Newly Added' } });
  t.equal(contact.statusCode, 200, contact.body);
  const after = (await call(app, { path: `/lead/${LEAD}/` })).json();
  t.ok(after.contacts.some((c: { id: string }) => c.id === contact.json().id), 'the new contact shows in the lead');
  const org = closeOrg(app);
  const stored = app.tenants.db(org).prepare(`SELECT name FROM close_contacts WHERE org_id = ? AND id = ?`).pluck().get(org, contact.json().id);
  t.equal(stored, 'Newly Added');
});

t.test('a deal answer follows a PATCH, and a reset brings the seeded answer back', async (t) => {
  const app = await build(t);
  const url = `/api/v1/crm/deals/${SEED_IDS.deal1}`;
  const seeded = await app.inject({ url, headers: bearer() });
  t.equal(seeded.statusCode, 200);
  const patch = await app.inject({ method: 'PATCH', url, headers: bearer(), payload: { name: 'Patched deal' } });
  t.equal(patch.statusCode, 200);
  const patched = await app.inject({ url, headers: bearer() });
  t.equal(patched.json().name, 'Patched deal');
  t.equal(patched.body, patch.body, 'the GET answers what the PATCH answered');
  const org = orgOf(app);
  t.equal(app.tenants.db(org).prepare(`SELECT name FROM blueai_deals WHERE org_id = ? AND id = ?`).pluck().get(org, SEED_IDS.deal1), 'Patched deal');
  const reset = await app.inject({ method: 'POST', url: `/_mock/orgs/${org}/reset` });
  t.equal(reset.statusCode, 200, reset.body);
  t.equal((await app.inject({ url, headers: bearer() })).body, seeded.body, 'the seeded bytes again after the reset');
});

t.test('an unknown lead is still a 404 and is never cached', async (t) => {
  const app = await build(t);
  const missing = `lead_${'x'.repeat(43)}`;
  for (let i = 0; i < 2; i++) {
    const res = await call(app, { path: `/lead/${missing}/` });
    t.equal(res.statusCode, 404);
    t.match(res.json(), { error: /not found/i });
  }
});
