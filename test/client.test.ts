import t, { type Test } from 'tap';
import { startEmulator, EmulatorClient, EmulatorError, type ControlJobT, type StartOptions } from '../src/index.js';
import { seed } from './helper.js';

// The client against a real listening emulator (no background ticker: the test drives the jobs).
// Tests with the same options share one, handed over after a full reset (POST /_mock/reset: no
// organizations, fault rules or journal, the clock and ticker as started), as test/helper.ts shareApps.
type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const emulators = new Map<string, { emulator: Emulator; free: boolean }[]>();
t.teardown(async () => {
  for (const list of emulators.values()) for (const { emulator } of list) await emulator.close();
});
async function start(t: Test, options: StartOptions = {}) {
  const key = JSON.stringify(options);
  let entry = emulators.get(key)?.find((e) => e.free);
  if (entry) {
    entry.free = false;
    await entry.emulator.client.resetAll();
  } else {
    entry = { emulator: await startEmulator({ seed, tickMs: 0, ...options }), free: false };
    emulators.set(key, [...(emulators.get(key) ?? []), entry]);
  }
  const held = entry;
  t.teardown(() => void (held.free = true));
  return held.emulator;
}

/** Rejects with an EmulatorError of this status and code, and returns it. */
async function rejects(t: Test, call: Promise<unknown>, status: number, code: string): Promise<EmulatorError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  t.type(err, EmulatorError);
  t.match(err, { status, code });
  return err as EmulatorError;
}

t.test('an organization is created, read by credential or id, listed and deleted, with its rows', async (t) => {
  // A frozen clock: the answers compared whole carry its now.
  const { client, app } = await start(t, { freezeAt: Date.parse('2030-01-01T00:00:00Z') });
  const org = await client.orgs.create({ credential: 'key/with?odd#chars&x=%2F', dataset: 'empty' });
  t.match(org, { id: /^orga_/, credentials: ['key/with?odd#chars&x=%2F'], dataset: 'empty', clock: { source: 'default' } });
  t.same(await client.orgs.get('key/with?odd#chars&x=%2F'), org, 'a credential is URL-encoded into the path');
  t.same(await client.orgs.get(org.id), org);
  t.same((await client.orgs.list()).data.map((o) => o.id), [org.id]);
  t.equal((await client.health()).organizations, 1);

  t.equal(await client.orgs.delete(org.id), undefined, '204 answers undefined');
  t.equal(app.db.prepare('SELECT count(*) FROM orgs WHERE id = ?').pluck().get(org.id), 0);
  const err = await rejects(t, client.orgs.get(org.id), 404, 'NOT_FOUND');
  t.match(err.body, { error: { code: 'NOT_FOUND', message: String } });
  t.match(err.message, /GET \/_mock\/orgs\/orga_\S+ → 404/);
  t.same(await client.orgs.list(), { data: [] }, 'a list answers as GET /_mock/orgs does');
});

t.test('a validation error carries the field the control API names', async (t) => {
  const { client } = await start(t);
  const err = await rejects(t, client.clock.advance('soon'), 400, 'VALIDATION_ERROR');
  t.equal(err.field, 'by');
});

t.test('the default clock and an organization\'s own clock are set, advanced and reset', async (t) => {
  const { client, app } = await start(t);
  const org = await client.orgs.create({ credential: 'clock-key', dataset: 'empty' });
  t.same(await client.clock.set({ now: '2030-01-01T00:00:00.000Z', frozen: true }), { now: '2030-01-01T00:00:00.000Z', frozen: true, source: 'default' });
  t.equal((await client.clock.advance('1d')).now, '2030-01-02T00:00:00.000Z');
  t.equal((await client.clock.advance(1000)).now, '2030-01-02T00:00:01.000Z');
  t.same(await client.clock.get(), { now: '2030-01-02T00:00:01.000Z', frozen: true, source: 'default' });

  const own = client.orgs.clock('clock-key');
  t.same(await own.get(), { now: '2030-01-02T00:00:01.000Z', frozen: true, source: 'default' }, 'follows the default until set');
  t.same(await own.advance('2h'), { now: '2030-01-02T02:00:01.000Z', frozen: true, source: 'organization' });
  t.same(await own.set({ now: '2031-06-01T12:00:00.000Z' }), { now: '2031-06-01T12:00:00.000Z', frozen: true, source: 'organization' });
  t.equal(app.clock.of(org.id).now().toISOString(), '2031-06-01T12:00:00.000Z');
  t.equal((await client.clock.get()).now, '2030-01-02T00:00:01.000Z', 'the default clock did not move');
  t.same(await own.reset(), { now: '2030-01-02T00:00:01.000Z', frozen: true, source: 'default' });
});

t.test('a snapshot restored with fewer leads replaces the organization\'s data; a reset still returns to the seed', async (t) => {
  const { client, app } = await start(t);
  const org = await client.orgs.create({ credential: 'snap-key' });
  const snap = await client.orgs.snapshot('snap-key');
  const leads = snap.close!.leads!;
  t.ok(leads.length > 10);
  // Every list of lead-owned records (subscriptions, comments, threads, recorded activities, …) keeps
  // only the leads kept, or the dataset is refused for naming a lead it does not hold.
  const kept = new Set(leads.slice(0, 10).map((l) => l.id));
  const close: Record<string, unknown> = { ...snap.close!, leads: leads.slice(0, 10) };
  for (const [key, list] of Object.entries(close)) {
    if (key === 'leads' || !Array.isArray(list)) continue;
    close[key] = list.filter((x: { lead_id?: unknown }) => typeof x !== 'object' || x === null || !('lead_id' in x) || x.lead_id === null || kept.has(x.lead_id as string));
  }
  const restored = await client.orgs.restore('snap-key', { ...snap, close: close as typeof snap.close });
  t.equal(restored.counts.close!.leads, 10);
  t.equal(restored.dataset, 'seed', 'a restore does not change what a reset returns to');
  t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM close_leads WHERE org_id = ?').pluck().get(org.id), 10);
  t.equal((await client.orgs.reset('snap-key')).counts.close!.leads, leads.length);
});

t.test('a Close bulk edit is stepped created → loading → processing → done, emails the outbox, and reset undoes it', async (t) => {
  const { client, app, url } = await start(t);
  const org = await client.orgs.create({ credential: 'close-key' });
  const headers = { authorization: 'Bearer close-key', 'content-type': 'application/json' };
  const statuses = (await (await fetch(`${url}/api/v1/status/lead/`, { headers })).json()) as { data: { id: string; label: string }[] };
  const target = statuses.data[1]!;
  const res = await fetch(`${url}/api/v1/bulk_action/edit/`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      type: 'set_lead_status',
      s_query: { type: 'and', queries: [{ type: 'object_type', object_type: 'lead' }] },
      lead_status_id: target.id,
      send_done_email: true,
    }),
  });
  t.equal(res.status, 200);
  const { id } = (await res.json()) as { id: string };

  t.match(await client.jobs.list({ org: 'close-key', status: 'created' }), { data: [{ id, org_id: org.id, status: 'created' }] });
  t.same(await client.jobs.list({ status: 'done' }), { data: [] });
  const timeout = await rejects(t, client.jobs.wait(id, { timeoutMs: 50 }), 408, 'TIMEOUT');
  t.match(timeout.state, { id, status: 'created' }, 'the timed-out wait carries the job');

  const seen: ControlJobT[] = [];
  let job = await client.jobs.get(id, { org: org.id });
  while (job.status !== 'done' && seen.length < 20) seen.push((job = await client.jobs.step(id)));
  const changes = seen.map((j) => j.status).filter((s, i, all) => s !== all[i - 1]);
  t.same(changes, ['loading', 'processing', 'done']);
  const leads = org.counts.close!.leads!;
  t.match(job, { n_leads: leads, n_leads_processed: leads, items_done: leads });
  t.same(await client.jobs.wait(id, { status: 'done', timeoutMs: 50 }), job);
  t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM close_leads WHERE org_id = ? AND status_id != ?').pluck().get(org.id, target.id), 0,
    'every lead has the new status');

  const mail = await client.outbox.list({ org: 'close-key' });
  t.match(mail, { data: [{ org_id: org.id, kind: 'bulk_edit_done', ref_id: id, subject: String }] });
  t.same(mail, await (await fetch(`${url}/_mock/outbox?org=close-key`)).json(), 'the client answers what GET /_mock/outbox answers');
  t.equal(await client.outbox.clear({ org: 'close-key' }), undefined);
  t.same(await client.outbox.list(), { data: [] });

  const reset = await client.orgs.reset('close-key');
  t.equal(reset.id, org.id);
  t.equal(reset.counts.close!.bulk_edits, 0);
  t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM close_bulk_actions WHERE org_id = ?').pluck().get(org.id), 0);
  await rejects(t, client.jobs.get(id), 404, 'NOT_FOUND');
});

t.test('jobs.run ends a job and jobs.fail puts another in error; waiting for done on it is a conflict', async (t) => {
  const { client, url } = await start(t);
  await client.orgs.create({ credential: 'run-key' });
  const edit = async () => {
    const res = await fetch(`${url}/api/v1/bulk_action/edit/`, {
      method: 'POST',
      headers: { authorization: 'Bearer run-key', 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'clear_custom_field', s_query: { type: 'object_type', object_type: 'lead' }, custom_field_name: 'Source Detail' }),
    });
    return ((await res.json()) as { id: string }).id;
  };
  const first = await edit();
  t.match(await client.jobs.pause(first), { status: 'paused', paused_from: 'created' });
  await rejects(t, client.jobs.pause(first), 409, 'CONFLICT');
  t.match(await client.jobs.resume(first), { status: 'resuming' });
  t.equal((await client.jobs.run(first)).status, 'done');
  await rejects(t, client.jobs.resume(first), 409, 'CONFLICT');
  const second = await edit();
  t.match(await client.jobs.fail(second, 'disk full'), { status: 'error', error_reason: 'disk full' });
  await rejects(t, client.jobs.wait(second, { timeoutMs: 1000 }), 409, 'CONFLICT');
});

t.test('the ticker, an organization\'s rate limit and the full reset', async (t) => {
  const { client } = await start(t);
  t.same(await client.ticker.get(), { running: false, tick_ms: 0, batch_size: 100 });
  t.same(await client.ticker.set({ batch_size: 7 }), { running: false, tick_ms: 0, batch_size: 7 });
  await client.orgs.create({ credential: 'limited', dataset: 'empty' });
  t.same(await client.rateLimit.set('limited', { limit: 5 }), { limit: 5, window_seconds: 60, source: 'organization' });
  t.same(await client.rateLimit.get('limited'), { limit: 5, window_seconds: 60, source: 'organization' });
  t.same(await client.rateLimit.clear('limited'), { limit: 0, window_seconds: 60, source: 'default' });
  t.equal(await client.resetAll(), undefined);
  t.same(await client.orgs.list(), { data: [] });
  t.equal((await client.ticker.get()).batch_size, 100, 'the full reset restores the ticker');
});

// Routes written on other branches (faults, requests, openapi): the wire format only, on a stub fetch.
function stub(answer: () => Response = () => new Response(JSON.stringify({ data: [] }), { headers: { 'content-type': 'application/json' } })) {
  const calls: { method: string; url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
    });
    return answer();
  };
  return { calls, client: new EmulatorClient('http://emulator.test:4010/', { controlToken: 'tok', fetch }) };
}
const last = <T>(a: T[]) => a[a.length - 1]!;

t.test('fault rules are listed, added, removed and cleared with the documented methods and bodies', async (t) => {
  const { calls, client } = stub();
  t.same(await client.faults.list(), { data: [] });
  await client.faults.add({ vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/**', org: 'k', status: 503, latency_ms: [10, 20], drop: false, probability: 0.5, times: 2, seed: 7 });
  await client.faults.remove('fault/1');
  await client.faults.clear();
  t.same(calls.map((c) => `${c.method} ${c.url}`), [
    'GET http://emulator.test:4010/_mock/faults',
    'POST http://emulator.test:4010/_mock/faults',
    'DELETE http://emulator.test:4010/_mock/faults/fault%2F1',
    'DELETE http://emulator.test:4010/_mock/faults',
  ]);
  t.same(calls[1]!.body, { vendor: 'close', method: 'POST', path: '/api/v1/bulk_action/**', org: 'k', status: 503, latency_ms: [10, 20], drop: false, probability: 0.5, times: 2, seed: 7 });
  t.equal(calls[1]!.headers['content-type'], 'application/json');
  t.equal(calls[0]!.headers['content-type'], undefined, 'no content-type without a body');
  t.ok(calls.every((c) => c.headers.authorization === 'Bearer tok'));
});

t.test('the request journal is listed, counted and cleared with its filters in the query string', async (t) => {
  const { calls, client } = stub(() => Response.json({ data: [{ id: 1, path: '/api/v1/lead/' }], count: 3, total: 1 }));
  const filter = { vendor: 'blueai', method: 'GET', path: '/api/v1/crm/**', status: '4xx', org: 'a b', since: '2030-01-01T00:00:00Z' } as const;
  t.same(await client.requests.list({ ...filter, limit: 5 }), { data: [{ id: 1, path: '/api/v1/lead/' }], count: 3, total: 1 }, 'the body as sent, total included');
  t.equal(await client.requests.count({ status: 404 }), 3);
  await client.requests.clear(filter);
  const query = 'vendor=blueai&method=GET&path=%2Fapi%2Fv1%2Fcrm%2F**&status=4xx&org=a+b&since=2030-01-01T00%3A00%3A00Z';
  t.same(calls.map((c) => `${c.method} ${c.url}`), [
    `GET http://emulator.test:4010/_mock/requests?${query}&limit=5`,
    'GET http://emulator.test:4010/_mock/requests/count?status=404',
    `DELETE http://emulator.test:4010/_mock/requests?${query}`,
  ]);
});

t.test('openapi fetches one surface\'s document; a non-JSON error answer still throws EmulatorError', async (t) => {
  const doc = { openapi: '3.1.0', info: { title: 'Close', version: '1' }, paths: {} };
  const { calls, client } = stub(() => Response.json(doc));
  t.same(await client.openapi('close'), doc);
  t.equal(last(calls).url, 'http://emulator.test:4010/_mock/openapi/close.json');

  const broken = stub(() => new Response('Bad Gateway', { status: 502 }));
  const err = await rejects(t, broken.client.openapi('control'), 502, 'HTTP_502');
  t.equal(err.body, 'Bad Gateway');
  t.equal(err.field, undefined);
});

t.test('webhook deliveries are listed, flushed and redelivered, and the settings read and changed, with the documented methods and bodies', async (t) => {
  const { calls, client } = stub(() => Response.json({ held: false, timeout_ms: 10000 }));
  await client.webhooks.deliveries({ org: 'k', status: 'pending', limit: 5 });
  await client.webhooks.flush();
  await client.webhooks.flush({ org: 'k' });
  await client.webhooks.redeliver('whdel_1', { org: 'k' });
  t.same(await client.webhooks.settings.get(), { held: false, timeout_ms: 10000 });
  await client.webhooks.settings.set({ held: true, timeout_ms: 500 });
  t.same(calls.map((c) => `${c.method} ${c.url}`), [
    'GET http://emulator.test:4010/_mock/webhooks/deliveries?org=k&status=pending&limit=5',
    'POST http://emulator.test:4010/_mock/webhooks/flush',
    'POST http://emulator.test:4010/_mock/webhooks/flush',
    'POST http://emulator.test:4010/_mock/webhooks/deliveries/whdel_1/redeliver?org=k',
    'GET http://emulator.test:4010/_mock/webhooks/settings',
    'PUT http://emulator.test:4010/_mock/webhooks/settings',
  ]);
  t.same(calls.map((c) => c.body), [undefined, {}, { org: 'k' }, undefined, undefined, { held: true, timeout_ms: 500 }]);
});
