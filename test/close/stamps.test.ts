import t from 'tap';
import { build, shareApps } from '../helper.js';
import { ctl } from '../control/helper.js';
import { basic } from './seed-ids.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Close timestamps carry microseconds; writes in one millisecond take consecutive ones, so lists that
// sort by date_created keep creation order even on a frozen clock, however many writes it sees.

const CLOSE_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const FROZEN = '2026-01-15T09:00:00Z';

t.test('1,500 leads created in one frozen millisecond list newest first in creation order, with strictly increasing timestamps', async (t) => {
  const app = await build(t, { freezeAt: Date.parse(FROZEN) });
  const org = (await ctl(app, 'POST', '/orgs', { credential: 'many', dataset: 'empty' })).json();
  // The stores work on the database of the organization in context, as a request's handler does.
  const inOrg = <T>(fn: () => T): T => app.tenants.run(org.id, fn);
  const user = inOrg(() => app.closeStore.users.apiUser(org.id));
  const created: string[] = [];
  for (let i = 0; i < 1500; i++) created.push(inOrg(() => app.closeStore.leads.create(org.id, user, { name: `lead ${i}` })).id);

  const stored = app.tenants.db(org.id).prepare(`SELECT date_created FROM close_leads WHERE org_id = ? AND id = ?`).pluck();
  const stamps = created.map((id) => stored.get(org.id, id) as string);
  t.ok(stamps.every((s) => CLOSE_DATE.test(s)), 'every timestamp is in Close\'s format');
  t.ok(stamps.every((s, i) => i === 0 || s > stamps[i - 1]!), 'each is later than the one before');
  t.equal(stamps[0], '2026-01-15T09:00:00.000000+00:00');
  t.equal(stamps[999], '2026-01-15T09:00:00.000999+00:00');
  t.equal(stamps[1000], '2026-01-15T09:00:00.001000+00:00', 'the 1,001st carries into the next millisecond');
  t.equal(stamps[1499], '2026-01-15T09:00:00.001499+00:00');

  const listed = inOrg(() => app.closeStore.leads.list(org.id, { _skip: 0, _limit: 2000 })).data.map((l) => l.id);
  t.same(listed, [...created].reverse(), 'the store lists newest first, in creation order');
  const page = await app.inject({ url: '/api/v1/lead/?_skip=490&_limit=20', headers: basic('many') });
  t.same(page.json().data.map((l: { id: string }) => l.id), [...created].reverse().slice(490, 510), 'and so does the API, across the carry');
});

t.test('one organization\'s writes never move another\'s timestamps, and a clock moved back stamps from its new time', async (t) => {
  const app = await build(t, { freezeAt: Date.parse(FROZEN) });
  const a = (await ctl(app, 'POST', '/orgs', { credential: 'ahead', dataset: 'empty' })).json();
  const b = (await ctl(app, 'POST', '/orgs', { credential: 'behind', dataset: 'empty' })).json();
  await ctl(app, 'PUT', '/orgs/ahead/clock', { now: '2030-01-01T00:00:00Z', frozen: true });
  const lead = (orgId: string) => app.tenants.run(orgId, () => app.closeStore.leads.create(orgId, app.closeStore.users.apiUser(orgId), { name: 'x' })).date_created;
  t.equal(lead(a.id), '2030-01-01T00:00:00.000000+00:00');
  t.equal(lead(b.id), '2026-01-15T09:00:00.000000+00:00', 'the other organization stamps from its own clock');
  t.equal(lead(a.id), '2030-01-01T00:00:00.000001+00:00');
  t.equal(lead(b.id), '2026-01-15T09:00:00.000001+00:00');
  await ctl(app, 'PUT', '/orgs/ahead/clock', { now: '2029-01-01T00:00:00Z', frozen: true });
  t.equal(lead(a.id), '2029-01-01T00:00:00.000000+00:00', 'back in time, from the new instant');
});
