import t, { type Test } from 'tap';
import type { ControlJobT } from '../src/index.js';
import { closeEmulators, rejects, start } from './client-helper.js';

// The client against a real listening emulator (test/client-helper.ts); the fault, journal, OpenAPI
// and webhook methods are in test/client-surfaces.test.ts.
closeEmulators(t);

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
  t.match(err.message, /^EmulatorClient\.orgs\.get: GET http:\/\/127\.0\.0\.1:\d+\/_mock\/orgs\/orga_\S+ → 404: /);
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

t.test('a BlueAI member with a password signs in to its organization; its sessions are listed and revoked', async (t) => {
  const { client, app, url } = await start(t);
  const org = await client.orgs.create({ credential: 'sign-in-key', dataset: 'empty' });
  const member = await client.blueai.addMember(org.id, { name: 'QA', email: 'qa@client.example', password: 'client-password' });
  t.match(member, { id: /^usr_[0-9a-f]{32}$/, email: 'qa@client.example', role: 'member' });
  await rejects(t, client.blueai.addMember(org.id, { name: 'QA', email: 'qa@client.example', password: 'client-password' }), 409, 'CONFLICT');
  const signIn = await fetch(`${url}/api/v1/auth/sign-in/email`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'qa@client.example', password: 'client-password' }),
  });
  t.equal(signIn.status, 200);
  const { session } = await signIn.json() as { session: { id: string } };
  const list = await client.blueai.sessions(org.id);
  t.same(list.data.map((s) => [s.id, s.user_id, s.email, s.expired]), [[session.id, member.id, 'qa@client.example', false]]);
  t.equal(await client.blueai.revokeSession(org.id, session.id), undefined);
  t.same(await client.blueai.sessions(org.id), { data: [] });
  t.equal(app.tenants.db(org.id).prepare('SELECT count(*) FROM blueai_sessions').pluck().get(), 0);
  await rejects(t, client.blueai.revokeSession(org.id, session.id), 404, 'NOT_FOUND');
});
