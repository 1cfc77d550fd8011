import t from 'tap';
import { startEmulator } from '../../src/index.js';
import { seed } from '../helper.js';

// README.md → "One organization per test": one emulator per file, one organization, reset before each test.
// Whatever a test changes (rows, its clock) is gone when the next one starts.

const emulator = await startEmulator({ seed, tickMs: 0 });
t.teardown(() => emulator.close());
const { client, url, app } = emulator;
const org = await client.orgs.create({ credential: 'per-test-key' });
t.beforeEach(async () => {
  await client.orgs.reset('per-test-key');
});

const close = (path: string, init: RequestInit = {}) =>
  fetch(`${url}/api/v1${path}`, {
    ...init,
    headers: { authorization: 'Bearer per-test-key', ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
const storedLeads = () => app.tenants.db(org.id).prepare('SELECT count(*) FROM close_leads WHERE org_id = ?').pluck().get(org.id) as number;
const seedLeads = seed.close!.leads.length;

for (const round of [1, 2]) {
  t.test(`round ${round}: a test starts from the seed, whatever the test before it changed`, async (t) => {
    t.equal(storedLeads(), seedLeads, 'the seed\'s leads, and no more');
    const listed = (await (await close('/lead/?_limit=0')).json()) as { total_results: number };
    t.equal(listed.total_results, seedLeads, 'the API counts the same');
    t.equal((await close(`/lead/${seed.close!.leads[0]!.id}/`)).status, 200, 'the lead the test before deleted is back');
    t.equal((await client.orgs.get('per-test-key')).clock.source, 'default', 'the organization follows the default clock again');

    // Change things the next test must not see: a new lead, a deleted one, and the organization's clock.
    const created = await close('/lead/', { method: 'POST', body: JSON.stringify({ name: `Round ${round} Inc.` }) });
    t.equal(created.status, 200);
    const seeded = seed.close!.leads[0]!.id; // an organization made from the seed keeps its ids
    t.equal((await close(`/lead/${seeded}/`, { method: 'DELETE' })).status, 200);
    await client.orgs.clock('per-test-key').advance('30d');
    t.equal(storedLeads(), seedLeads, 'one lead more, one less');
    t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM close_leads WHERE org_id = ? AND name = ?').pluck().get(org.id, `Round ${round} Inc.`), 1);
    t.equal((await client.orgs.get('per-test-key')).clock.source, 'organization');
  });
}

t.test('a reset keeps the organization: the same id and credential, nothing else created', async (t) => {
  const again = await client.orgs.get('per-test-key');
  t.equal(again.id, org.id);
  t.same(again.credentials, ['per-test-key']);
  t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM close_leads WHERE org_id = ? AND name LIKE ?').pluck().get(org.id, 'Round % Inc.'), 0, 'no round\'s lead is left');
  t.same((await client.orgs.list()).data.map((o) => o.id), [org.id]);
});
