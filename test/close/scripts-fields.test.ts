import t from 'tap';
import { build, shareApps } from '../helper.js';
import { apiKeyIdOf } from '../../src/close/store/event-context.js';
import { CS, KEY, SEEDED_LEAD, call, closeOrg, closeState, isFieldError, mainRows, rows } from './helper.js';
import { events } from './events-helper.js';

// Issue 29: the fields Close's own maintenance scripts read (closeio/close-api-scripts): `memberships` on
// /me/, GET /api_key/, `_cursor=` (empty) as the first page, and a lead's event data without its
// nested contacts (so restoring a deleted lead from its events creates each contact once).

shareApps(t);

const [kenta] = CS.users;
const suffix = (id: string) => id.slice('user_'.length);

t.test('GET /me/ carries the key user\'s membership, as GET /organization/{id}/ lists it', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const me = await call(app, { path: '/me/' });
  t.equal(me.statusCode, 200);
  const [stored] = rows(app, `SELECT id, role_id, active FROM close_users WHERE org_id = ? AND id = ?`, org, kenta!.id);
  t.same(stored, { id: kenta!.id, role_id: 'admin', active: 1 }, 'the seed\'s first user is an active admin');
  t.same(me.json().memberships, [{
    id: `mem_${suffix(kenta!.id)}`, organization_id: org, user_id: kenta!.id, role_id: 'admin',
    date_created: kenta!.date_created, date_updated: kenta!.date_updated,
    user_email: 'kenta.sato@acme-demo.example.com', user_first_name: 'Kenta', user_last_name: 'Sato', user_full_name: 'Kenta Sato',
    user_image: me.json().memberships[0].user_image,
  }]);
  const orgAnswer = (await call(app, { path: `/organization/${org}/?_fields=memberships,inactive_memberships` })).json();
  t.same(orgAnswer.memberships.find((m: { user_id: string }) => m.user_id === kenta!.id), me.json().memberships[0], 'the same membership');
  t.same((await call(app, { path: '/me/?_fields=memberships' })).json(), { memberships: me.json().memberships });
  // A role change shows at once (memberships are columns of close_users).
  app.tenants.db(org).prepare(`UPDATE close_users SET role_id = 'user' WHERE org_id = ? AND id = ?`).run(org, kenta!.id);
  t.equal((await call(app, { path: '/me/' })).json().memberships[0].role_id, 'user');
});

t.test('GET /organization/{id}/ lists active and inactive memberships with the seed\'s users and roles', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const body = (await call(app, { path: `/organization/${org}/?_fields=memberships,inactive_memberships` })).json();
  const role = (u: (typeof CS.users)[number]) => [u.id, u.role_id];
  t.same(body.memberships.map((m: { user_id: string; role_id: string }) => [m.user_id, m.role_id]), CS.users.filter((u) => u.active).map(role));
  t.same(body.inactive_memberships.map((m: { user_id: string; role_id: string }) => [m.user_id, m.role_id]), CS.users.filter((u) => !u.active).map(role));
});

t.test('GET /api_key/ lists the caller\'s organization\'s keys only, never a whole secret', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const other = 'another-organization-key-5678';
  t.equal((await call(app, { path: '/me/', key: other })).statusCode, 200, 'another organization');
  // A second key of the first organization (as a restored snapshot may have), added after the first.
  app.db.prepare(`INSERT INTO credentials (token, org_id, created_at) VALUES (?, ?, ?)`).run('second-key-of-acme-wxyz', org, '2099-01-01T00:00:00.000Z');
  const res = await call(app, { path: '/api_key/' });
  t.equal(res.statusCode, 200);
  const stored = mainRows(app, `SELECT token, created_at FROM credentials WHERE org_id = ? ORDER BY created_at, token`, org) as { token: string; created_at: string }[];
  t.equal(stored.length, 2);
  t.same(res.json(), {
    data: stored.map((c) => ({
      id: apiKeyIdOf(c.token), organization_id: org, user_id: kenta!.id, description: null, key_last4: c.token.slice(-4),
      date_created: c.created_at.replace('Z', '000+00:00'), date_updated: c.created_at.replace('Z', '000+00:00'),
    })),
    has_more: false,
  });
  for (const c of [...stored.map((s) => s.token), other]) t.notOk(res.body.includes(c), 'no whole key in the answer');
  t.notOk(res.body.includes(apiKeyIdOf(other)), 'not the other organization\'s key');
  t.same((await call(app, { path: '/api_key/', key: other })).json().data.map((k: { id: string }) => k.id), [apiKeyIdOf(other)], 'and the other sees only its own');
  t.same((await call(app, { path: '/api_key/?_limit=1&_fields=id,organization_id' })).json(), { data: [{ id: apiKeyIdOf(KEY), organization_id: org }], has_more: true });
  // The id is the api_key_id the key's events carry.
  await call(app, { method: 'PUT', path: `/lead/${SEEDED_LEAD.id}/`, payload: { description: 'by key' } });
  t.equal((await events(app, `object_id=${SEEDED_LEAD.id}&action=updated`)).data[0]!.api_key_id, apiKeyIdOf(KEY));
  // A short key shows none of its characters.
  t.equal((await call(app, { path: '/api_key/', key: 'short' })).json().data[0].key_last4, null);
  isFieldError(t, await call(app, { path: '/api_key/?_limit=0' }), '_limit');
});

t.test('_cursor= (empty) is the first page of the event log, and cursor "" the first page of a search', async (t) => {
  const app = await build(t);
  for (const name of ['a', 'b', 'c']) await call(app, { method: 'POST', path: '/lead/', payload: { name } });
  const plain = await call(app, { path: '/event/?object_type=lead&action=created&_limit=2' });
  const empty = await call(app, { path: '/event/?object_type=lead&action=created&_limit=2&_cursor=' });
  t.equal(empty.statusCode, 200);
  t.same(empty.json(), plain.json());
  t.equal(plain.json().data.length, 2);
  t.type(plain.json().cursor_next, 'string');
  const query = { type: 'object_type', object_type: 'lead' };
  const first = await call(app, { method: 'POST', path: '/data/search/', payload: { query, _limit: 5 } });
  const withEmpty = await call(app, { method: 'POST', path: '/data/search/', payload: { query, _limit: 5, cursor: '' } });
  t.equal(withEmpty.statusCode, 200);
  t.same(withEmpty.json(), first.json());
});

t.test('a lead deleted, then posted back from its event\'s previous_data, has each contact once after its contacts are restored', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const lead = (await call(app, { path: `/lead/${SEEDED_LEAD.id}/` })).json();
  t.ok(lead.contacts.length >= 1);
  t.equal((await call(app, { method: 'DELETE', path: `/lead/${lead.id}/` })).statusCode, 200);
  const [deleted] = (await events(app, `object_type=lead&action=deleted&lead_id=${lead.id}`)).data;
  const prev = { ...deleted!.previous_data! };
  t.notOk('contacts' in prev, 'no nested contacts');
  t.notOk('opportunities' in prev, 'no nested opportunities');
  t.same(prev['contact_ids'], lead.contacts.map((c: { id: string }) => c.id), 'contact_ids stays');
  // What Close's restore script does: the lead from previous_data (less its id), then each contact from its own event.
  delete prev['id'];
  const restored = await call(app, { method: 'POST', path: '/lead/', payload: prev });
  t.equal(restored.statusCode, 200, 'the lead is posted back as its event gave it');
  const newId = restored.json().id as string;
  t.same(restored.json().contacts, [], 'the lead alone');
  const contactEvents = (await events(app, `object_type=contact&action=deleted&lead_id=${lead.id}`)).data;
  for (const e of contactEvents) {
    const { id: _id, ...c } = e.previous_data!;
    const res = await call(app, { method: 'POST', path: '/contact/', payload: { ...c, lead_id: newId } });
    t.equal(res.statusCode, 200, `contact ${e.object_id} posted back`);
  }
  const names = rows(app, `SELECT name FROM close_contacts WHERE org_id = ? AND lead_id = ? ORDER BY name`, org, newId).map((r) => r['name']);
  t.same(names, lead.contacts.map((c: { name: string }) => c.name).sort(), 'each contact once');
  t.equal(rows(app, `SELECT name FROM close_leads WHERE org_id = ? AND id = ?`, org, newId)[0]!['name'], lead.name);
});

t.test('the merged event of a lead merge shows the destination without nested contacts', async (t) => {
  const app = await build(t);
  const [a, b] = await Promise.all(['Src', 'Dst'].map(async (name) =>
    (await call(app, { method: 'POST', path: '/lead/', payload: { name, contacts: [{ name: `${name} person` }] } })).json()));
  const before = closeState(app);
  t.equal((await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: a.id, destination: b.id } })).statusCode, 200);
  t.not(closeState(app), before);
  const [merged] = (await events(app, `object_id=${b.id}&action=merged`)).data;
  t.equal(merged!.data!['id'], b.id);
  t.notOk('contacts' in merged!.data!);
  t.equal((merged!.data!['contact_ids'] as string[]).length, 2);
});
