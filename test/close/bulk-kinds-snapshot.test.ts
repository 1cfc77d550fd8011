import t from 'tap';
import { build, seed, shareApps } from '../helper.js';
import { basic, leadsQuery } from './seed-ids.js';
import { ctl } from '../control/helper.js';

// Bulk delete, email and sequence subscription jobs left mid-flight survive a snapshot and a restore
// (their kind, params and frozen items with each item's detail), answer the same, and carry on.
shareApps(t);

const close = seed.close!;
const leads = close.leads.slice(0, 6).map((l) => l.id);
const account = close.connected_accounts![0]!;
const BODIES: Record<string, Record<string, unknown>> = {
  // Custom activities: the other kinds act on the same leads' contacts.
  delete: { bulk_object_type: 'custom_activity' },
  email: { template_id: close.email_templates![1]!.id, contact_preference: 'all' },
  sequence_subscription: {
    action_type: 'subscribe', sequence_id: close.sequences![1]!.id, sender_account_id: account.id, sender_name: 'Kenta Sato',
    sender_email: account.email, contact_preference: 'contact',
  },
};

t.test('every kind mid-flight: snapshot, more changes, restore, the same answers, and the job finishes', async (t) => {
  const app = await build(t, { batchSize: 2 });
  await ctl(app, 'POST', '/orgs', { credential: 'kinds-snap' });
  const headers = basic('kinds-snap');
  const ids: Record<string, string> = {};
  for (const [kind, body] of Object.entries(BODIES)) {
    const res = await app.inject({ method: 'POST', url: `/api/v1/bulk_action/${kind}/`, headers, payload: { ...body, s_query: leadsQuery(...leads) } });
    t.equal(res.statusCode, 200, kind);
    ids[kind] = res.json().id;
    const stepped = (await ctl(app, 'POST', `/jobs/${ids[kind]}/step?org=kinds-snap`, { ticks: 3 })).json();
    t.match(stepped, { kind, status: 'processing', items_done: 2 }, `${kind} mid-flight`);
  }
  const reads = async () => {
    const out: string[] = [];
    for (const kind of Object.keys(BODIES)) {
      out.push((await app.inject({ url: `/api/v1/bulk_action/${kind}/${ids[kind]}/`, headers })).body);
      out.push(JSON.stringify((await ctl(app, 'GET', `/jobs/${ids[kind]}?org=kinds-snap`)).json()));
    }
    out.push((await app.inject({ url: `/api/v1/activity/email/?lead_id=${leads[0]}`, headers })).body);
    out.push((await app.inject({ url: `/api/v1/sequence_subscription/?sequence_id=${close.sequences![1]!.id}`, headers })).body);
    out.push((await app.inject({ url: '/api/v1/contact/?_limit=100', headers })).body);
    return out;
  };
  const before = await reads();
  const snap = (await ctl(app, 'GET', '/orgs/kinds-snap/snapshot')).json();
  t.same(snap.close.bulk_edits.map((b: { kind: string }) => b.kind), ['delete', 'email', 'sequence_subscription']);
  t.ok(snap.close.bulk_edits[1].items.every((i: { detail?: string; object_type: string }) => i.object_type === 'none' || typeof i.detail === 'string'), 'email items keep their address');

  for (const kind of Object.keys(BODIES)) await ctl(app, 'POST', `/jobs/${ids[kind]}/run?org=kinds-snap`);
  t.not((await reads()).join(), before.join(), 'running them changed the answers');
  t.equal((await ctl(app, 'PUT', '/orgs/kinds-snap/snapshot', snap)).statusCode, 200);
  t.same(await reads(), before, 'restored: the same bytes');

  for (const kind of Object.keys(BODIES)) {
    const done = (await ctl(app, 'POST', `/jobs/${ids[kind]}/run?org=kinds-snap`)).json();
    t.match(done, { kind, status: 'done', error_reason: null }, `${kind} carries on`);
    t.equal(done.n_objects_processed, done.n_objects, `${kind}: every object once`);
  }
});

t.test('a snapshot naming a bulk action of the wrong kind, id prefix or type is refused', async (t) => {
  const app = await build(t);
  await ctl(app, 'POST', '/orgs', { credential: 'kinds-bad' });
  const res = await app.inject({ method: 'POST', url: '/api/v1/bulk_action/delete/', headers: basic('kinds-bad'), payload: { s_query: leadsQuery(leads[0]!) } });
  const snap = (await ctl(app, 'GET', '/orgs/kinds-bad/snapshot')).json();
  t.equal(snap.close.bulk_edits[0].id, res.json().id);
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ type: 'set_lead_status' }, /type/],
    [{ kind: 'edit' }, /bulkedit_|type/],
    [{ kind: 'planet' }, /kind/],
  ];
  for (const [patch, message] of cases) {
    const bad = structuredClone(snap);
    Object.assign(bad.close.bulk_edits[0], patch);
    const out = await ctl(app, 'PUT', '/orgs/kinds-bad/snapshot', bad);
    t.equal(out.statusCode, 400, JSON.stringify(patch));
    t.match(JSON.stringify(out.json()), message);
  }
});
