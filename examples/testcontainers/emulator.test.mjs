// The emulator in a container per test file, with Testcontainers for Node (`npm i -D testcontainers`;
// needs a Docker engine). Run: node --test emulator.test.mjs
//
// EMULATOR_IMAGE picks the image (test/docker/smoke.sh runs this file against the one it builds);
// the default is the one .github/workflows/release.yml publishes on each version tag.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { GenericContainer, Wait } from 'testcontainers';

const IMAGE = process.env.EMULATOR_IMAGE ?? 'ghcr.io/crm-bulk-emulator/crm-bulk-emulator:latest';
const KEY = 'testcontainers-key'; // a Close API key: one organization, reset before each test

let container;
let base;

before(async () => {
  container = await new GenericContainer(IMAGE)
    .withExposedPorts(4010)
    .withEnvironment({ TICK_MS: '0' }) // no background ticker: the tests drive bulk actions themselves
    .withWaitStrategy(Wait.forHttp('/_mock/health', 4010).forStatusCode(200))
    .start();
  base = `http://${container.getHost()}:${container.getMappedPort(4010)}`;
  await control('POST', '/orgs', { credential: KEY });
});
after(async () => {
  await container?.stop();
});
beforeEach(() => control('POST', `/orgs/${KEY}/reset`));

/** A control API call (`/_mock/…`); its JSON answer, or undefined for a 204. */
async function control(method, path, body) {
  const res = await fetch(`${base}/_mock${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} /_mock${path} → ${res.status} ${await res.clone().text()}`);
  return res.status === 204 ? undefined : res.json();
}

/** A Close API call with the organization's key, as the code under test would make it. */
async function close(method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

test('the container answers as Close, with the default seed', async () => {
  const me = await close('GET', '/me/');
  assert.equal(me.status, 200);
  assert.equal(me.body.organizations[0].name, 'Acme Demo Org');
  const leads = await close('GET', '/lead/?_limit=0');
  assert.equal(leads.body.total_results, 300);
});

test('a bulk edit runs to done when the control API drives it', async () => {
  const started = await close('POST', '/bulk_action/edit/', {
    type: 'set_lead_status',
    lead_status_id: 'stat_t7Zd2uspYPvBafR5bu9agrFZFs8GToWIbDnkqSk8nT8', // "Qualified" in the default seed
    s_query: { type: 'object_type', object_type: 'lead' },
  });
  assert.equal(started.status, 200);
  assert.equal(started.body.status, 'created');
  const job = await control('POST', `/jobs/${started.body.id}/run`);
  assert.equal(job.status, 'done');
  assert.equal(job.n_leads_processed, 300);
  const edited = await close('GET', `/bulk_action/edit/${started.body.id}/`);
  assert.equal(edited.body.status, 'done');
});

test('each test starts from the seed again: the reset undid the bulk edit', async () => {
  const { body } = await close('GET', '/bulk_action/edit/');
  assert.deepEqual(body.data, []);
});
