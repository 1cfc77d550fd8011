import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, shareApps } from '../helper.js';
import { ctl, isControlError } from '../control/helper.js';
import { basic } from './seed-ids.js';
import { CS, call, closeOrg, closeState, isFieldError } from './helper.js';
import { events, freeze } from './events-helper.js';

// A lead's addresses (issue 29): written on POST and PUT /lead/ (a PUT replaces the list), checked
// (400 naming addresses.N.key, nothing written), answered with primary_address_summary, recorded in
// events, kept by snapshots and merges.

shareApps(t);

const NULLS = { label: null, address_1: null, address_2: null, city: null, state: null, zipcode: null, country: null };
const HQ = { label: 'business', address_1: '747 Howard St', address_2: 'Room 3', city: 'San Francisco', state: 'CA', zipcode: '94103', country: 'US' };
const stored = (app: FastifyInstance, id: string) =>
  JSON.parse(app.tenants.db(closeOrg(app)).prepare(`SELECT addresses FROM close_leads WHERE org_id = ? AND id = ?`).pluck().get(closeOrg(app), id) as string) as unknown[];

t.test('addresses are stored on create, answered with the summary, and replaced by a PUT', async (t) => {
  const app = await build(t);
  const res = await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Addressed', addresses: [HQ, { country: 'DE', city: 'Berlin', tz_ids: ['Europe/Berlin'] }] } });
  t.equal(res.statusCode, 200, res.body);
  const lead = res.json();
  const berlin = { ...NULLS, city: 'Berlin', country: 'DE' };
  t.same(lead.addresses, [HQ, berlin], 'every key answered, tz_ids (computed by Close) ignored');
  t.equal(lead.primary_address_summary, 'San Francisco, CA, US');
  t.same(stored(app, lead.id), [HQ, berlin]);
  t.same((await call(app, { path: `/lead/${lead.id}/?_fields=addresses,primary_address_summary` })).json(),
    { addresses: [HQ, berlin], primary_address_summary: 'San Francisco, CA, US' });

  // The shape GET answered goes back unchanged (Close's scripts edit one country and PUT the list).
  const edited = [{ ...HQ, country: 'CA' }, berlin];
  const put = await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { addresses: edited } });
  t.equal(put.statusCode, 200, put.body);
  t.same(put.json().addresses, edited);
  t.same(stored(app, lead.id), edited);
  // A PUT without addresses keeps them; one with a shorter list replaces the list; null or [] clears it.
  t.equal((await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { name: 'Renamed' } })).statusCode, 200);
  t.same(stored(app, lead.id), edited);
  t.same((await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { addresses: edited.slice(1) } })).json().primary_address_summary, 'Berlin, DE');
  t.same(stored(app, lead.id), [berlin]);
  const cleared = (await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { addresses: null } })).json();
  t.same([cleared.addresses, cleared.primary_address_summary], [[], null]);
  t.same(stored(app, lead.id), []);
  const street = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Street only', addresses: [{ address_1: '1 Main St' }] } })).json();
  t.equal(street.primary_address_summary, null, 'no city, state or country: no summary');
});

t.test('bad addresses are 400s naming the address and key, and change nothing', async (t) => {
  const app = await build(t);
  const lead = CS.leads.find((l) => (l.addresses ?? []).length > 0)!;
  const before = closeState(app);
  const cases: [string, 'POST' | 'PUT', unknown, string][] = [
    ['/lead/', 'POST', 'Main St', 'addresses'],
    ['/lead/', 'POST', [HQ, 'Main St'], 'addresses.1'],
    ['/lead/', 'POST', [{ country: 'XX' }], 'addresses.0.country'],
    ['/lead/', 'POST', [{ country: 'us' }], 'addresses.0.country'],
    ['/lead/', 'POST', [{ country: 'USA' }], 'addresses.0.country'],
    ['/lead/', 'POST', [{ label: 'home' }], 'addresses.0.label'],
    ['/lead/', 'POST', [HQ, { city: 5 }], 'addresses.1.city'],
    ['/lead/', 'POST', [{ zipcode: ['94103'] }], 'addresses.0.zipcode'],
    ['/lead/', 'POST', [{ address_1: 'x'.repeat(1001) }], 'addresses.0.address_1'],
    ['/lead/', 'POST', Array.from({ length: 101 }, () => HQ), 'addresses'],
    [`/lead/${lead.id}/`, 'PUT', [{ label: 'constructor' }], 'addresses.0.label'],
    [`/lead/${lead.id}/`, 'PUT', [{ country: '__proto__' }], 'addresses.0.country'],
    [`/lead/${lead.id}/`, 'PUT', { city: 'Tokyo' }, 'addresses'],
  ];
  for (const [path, method, addresses, field] of cases) {
    const res = await call(app, { method, path, payload: { name: 'Bad', addresses } });
    isFieldError(t, res, field);
  }
  t.equal(closeState(app), before, 'nothing was written');
  t.same(stored(app, lead.id), lead.addresses);
});

t.test('events carry addresses: data on create, previous_data and changed_fields on update', async (t) => {
  const app = await build(t);
  await freeze(app);
  const lead = (await call(app, { method: 'POST', path: '/lead/', payload: { name: 'Evented', addresses: [HQ] } })).json();
  await ctl(app, 'POST', '/clock/advance', { by: '1m' });
  await call(app, { method: 'PUT', path: `/lead/${lead.id}/`, payload: { addresses: [{ ...HQ, country: 'CA' }] } });
  const mine = (await events(app, `lead_id=${lead.id}`)).data.filter((e) => e.object_type === 'lead');
  const created = mine.find((e) => e.action === 'created')!;
  const updated = mine.find((e) => e.action === 'updated')!;
  t.same(created.data!.addresses, [HQ]);
  t.equal(created.data!.primary_address_summary, 'San Francisco, CA, US');
  t.same(updated.previous_data!.addresses, [HQ]);
  t.same(updated.data!.addresses, [{ ...HQ, country: 'CA' }]);
  t.ok(updated.changed_fields.includes('addresses'), `changed_fields ${updated.changed_fields.join(',')}`);
});

t.test('a merge appends the source lead\'s addresses to the destination\'s', async (t) => {
  const app = await build(t);
  const post = async (body: object) => (await call(app, { method: 'POST', path: '/lead/', payload: body })).json();
  const source = await post({ name: 'Source', addresses: [{ ...NULLS, city: 'Berlin', country: 'DE' }] });
  const destination = await post({ name: 'Destination', addresses: [HQ] });
  const res = await call(app, { method: 'POST', path: '/lead/merge/', payload: { source: source.id, destination: destination.id } });
  t.equal(res.statusCode, 200, res.body);
  t.same(stored(app, destination.id), [HQ, { ...NULLS, city: 'Berlin', country: 'DE' }]);
  t.equal((await call(app, { path: `/lead/${source.id}/` })).statusCode, 404);
});

t.test('addresses go through a snapshot byte for byte, and a dataset with a bad address is refused', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'addr' });
  const c = basic('addr');
  const lead = (await app.inject({ method: 'POST', url: '/api/v1/lead/', headers: c, payload: { name: 'Snap', addresses: [HQ, { label: 'other', country: 'JP' }] } })).json();
  const snap = (await ctl(app, 'GET', '/orgs/addr/snapshot')).json();
  const inSnap = snap.close.leads.find((l: { id: string }) => l.id === lead.id);
  t.same(inSnap.addresses, [HQ, { ...NULLS, label: 'other', country: 'JP' }]);
  t.notOk('addresses' in snap.close.leads.find((l: { addresses?: unknown }) => !l.addresses), 'leads without addresses carry no key');
  const read = async () => (await app.inject({ url: `/api/v1/lead/${lead.id}/`, headers: c })).body;
  const before = await read();
  await app.inject({ method: 'PUT', url: `/api/v1/lead/${lead.id}/`, headers: c, payload: { addresses: [] } });
  t.equal((await ctl(app, 'PUT', '/orgs/addr/snapshot', snap)).statusCode, 200);
  t.equal(await read(), before, 'the lead answers the same bytes');
  t.same((await ctl(app, 'GET', '/orgs/addr/snapshot')).json(), snap, 'snapshot → restore → snapshot is the same');

  const bad = structuredClone(snap);
  const i = bad.close.leads.findIndex((l: { id: string }) => l.id === lead.id);
  bad.close.leads[i].addresses[1].country = 'ZZ';
  isControlError(t, await ctl(app, 'PUT', '/orgs/addr/snapshot', bad), 400, 'VALIDATION_ERROR', `dataset/close/leads/${i}/addresses/1/country`);
  t.same((await ctl(app, 'GET', '/orgs/addr/snapshot')).json(), snap, 'nothing changed');
});
