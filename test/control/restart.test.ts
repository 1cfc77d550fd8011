import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { bearer, seed } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { ctl } from './helper.js';

t.test('with a file database, organizations, their clocks and rate limits, fault rules and jobs survive a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-restart-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'state.db');
  const start = async () => {
    const app = await buildApp({ db, seed, logger: false, tickMs: 0, batchSize: 1 });
    await app.ready();
    return app;
  };

  const first = await start();
  const org = (await ctl(first, 'POST', '/orgs', { credential: 'durable', dataset: 'empty' })).json();
  await ctl(first, 'PUT', '/orgs/durable/snapshot', (await ctl(first, 'GET', '/orgs/durable/snapshot')).json());
  await ctl(first, 'PUT', '/orgs/durable/clock', { now: '2026-09-09T09:09:09Z', frozen: true });
  await ctl(first, 'POST', '/orgs', { credential: 'running' });
  await ctl(first, 'PUT', '/orgs/running/clock', { now: '2031-01-01T00:00:00Z' });
  await ctl(first, 'PUT', '/orgs/durable/rate-limit', { limit: 50, window_seconds: 10 });
  const rule = (await ctl(first, 'POST', '/faults', { vendor: 'blueai', path: '/api/v1/crm/members', org: 'running', status: 503, times: 2 })).json();
  const edit = await first.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic('running'),
    payload: { type: 'set_lead_status', lead_status_id: CLOSE.status.customer, s_query: leadsQuery(...seed.close!.leads.slice(0, 4).map((l) => l.id)) },
  });
  const jobId = edit.json().id;
  await ctl(first, 'POST', `/jobs/${jobId}/step`, { ticks: 4 });
  const before = {
    orgs: (await ctl(first, 'GET', '/orgs')).json(),
    faults: (await ctl(first, 'GET', '/faults')).json(),
    job: (await ctl(first, 'GET', `/jobs/${jobId}`)).json(),
  };
  t.match(before.job, { status: 'processing', items_done: 2 });
  await first.close();

  const second = await start();
  t.teardown(() => second.close());
  const orgs = (await ctl(second, 'GET', '/orgs')).json();
  t.same(orgs.data.map((o: { id: string }) => o.id), before.orgs.data.map((o: { id: string }) => o.id), 'the same organizations');
  const durable = (await ctl(second, 'GET', `/orgs/${org.id}`)).json();
  t.same(durable.clock, { now: '2026-09-09T09:09:09.000Z', frozen: true, source: 'organization' }, 'a frozen clock stands where it stood');
  t.same(durable.rate_limit, { limit: 50, window_seconds: 10, source: 'organization' });
  t.equal(durable.dataset, 'empty');
  t.match((await ctl(second, 'GET', '/orgs/running/clock')).json(), { frozen: false, source: 'organization', now: /^2031-01-01/ }, 'a running clock keeps its offset');
  t.same((await ctl(second, 'GET', '/faults')).json(), before.faults, 'fault rules survive');
  const faulted = await second.inject({ url: '/api/v1/crm/members', headers: bearer('running') });
  t.equal(faulted.statusCode, 503, 'and still fire');
  t.equal((await ctl(second, 'GET', '/faults')).json().data.find((r: { id: string }) => r.id === rule.id).remaining, 1);
  t.same((await ctl(second, 'GET', `/jobs/${jobId}`)).json(), before.job, 'the job is where it was');
  t.match((await ctl(second, 'POST', `/jobs/${jobId}/run`)).json(), { status: 'done', items_done: 4, n_leads_processed: 4 });
  const limited = await second.inject({ url: '/api/v1/crm/members', headers: bearer('durable') });
  t.equal(limited.headers['x-ratelimit-limit'], '50', 'the rate limit applies after the restart');
});
