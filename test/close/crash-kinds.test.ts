import t from 'tap';
import { seed } from '../helper.js';
import { readDb, startServer, tempDb } from '../process-helper.js';
import { leadsQuery } from './seed-ids.js';

// Every bulk kind besides edit (crash.test.ts) on the same proof: a real server with a file database
// kills itself in the middle of the third batch, inside its transaction; a restarted server finishes
// the job; every object is acted on exactly once.

const key = 'crash-kinds-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'content-type': 'application/json' };
const close = seed.close!;
const leads = close.leads.slice(0, 12).map((l) => l.id);
const sequence = (close as { sequences?: { id: string }[] }).sequences?.[0]?.id;
const account = (close as { connected_accounts?: { id: string; email?: string }[] }).connected_accounts?.[0];
const template = (close as { email_templates?: { id: string }[] }).email_templates?.[0]?.id;

interface Kind {
  kind: string;
  body: Record<string, unknown>;
  /** How many objects the job acts on, and how many rows prove each was acted on once. */
  effects(look: ReturnType<typeof readDb>, org: string, jobId: string): number;
}

const KINDS: Kind[] = [
  {
    kind: 'delete', body: { bulk_object_type: 'contact' },
    // Each deleted contact is gone; none of these leads keeps one.
    effects: (look, org) => look.prepare(`SELECT count(*) FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))`).pluck().get(org, JSON.stringify(leads)) as number,
  },
  {
    kind: 'email', body: { template_id: template, contact_preference: 'contact' },
    effects: (look, org, id) => look.prepare(`SELECT count(*) FROM close_email_activities WHERE org_id = ? AND bulk_action_id = ?`).pluck().get(org, id) as number,
  },
  {
    kind: 'sequence_subscription',
    body: { action_type: 'subscribe', sequence_id: sequence, sender_account_id: account?.id, sender_name: 'Crash Test', sender_email: account?.email ?? 'x@example.com', contact_preference: 'contact' },
    effects: (look, org, id) => look.prepare(`SELECT count(*) FROM close_sequence_subscriptions WHERE org_id = ? AND bulk_action_id = ?`).pluck().get(org, id) as number,
  },
];

for (const { kind, body, effects } of KINDS) {
  t.test(`bulk ${kind}: a crash in the middle of a batch loses no object and acts on none twice`, async (t) => {
    const db = tempDb(`crash-${kind}`);
    const first = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4', EMULATOR_CRASH_AT: 'bulk-edit-mid-batch:3' });
    const res = await fetch(`${first.url}/api/v1/bulk_action/${kind}/`, { method: 'POST', headers, body: JSON.stringify({ ...body, s_query: leadsQuery(...leads) }) });
    const created = await res.json();
    t.equal(res.status, 200, JSON.stringify(created));
    t.equal(await first.exited, 'SIGKILL', 'the server killed itself at the crash point');

    const look = readDb(t, db);
    const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(key) as string;
    const job = look.prepare(`SELECT status, n_objects FROM close_bulk_actions WHERE id = ?`).get(created.id) as { status: string; n_objects: number };
    t.equal(job.status, 'processing');
    const itemsDone = look.prepare(`SELECT count(*) FROM close_bulk_action_items WHERE bulk_action_id = ? AND done = 1`).pluck().get(created.id);
    t.equal(itemsDone, 8, 'two whole batches committed, the third rolled back');
    const total = job.n_objects;
    t.ok(total > 8, `the job has more than two batches of objects (${total})`);
    const before = effects(look, org, created.id);
    const markers = look.prepare(`SELECT count(*) FROM close_bulk_action_items WHERE bulk_action_id = ? AND done = 1 AND object_type = 'none'`).pluck().get(created.id) as number;
    t.equal(kind === 'delete' ? total - before : before, 8 - markers, 'exactly the committed batches took effect');

    const second = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4' });
    let status = '';
    for (let i = 0; i < 300 && status !== 'done'; i++) {
      status = (await (await fetch(`${second.url}/api/v1/bulk_action/${kind}/${created.id}/`, { headers })).json()).status;
      if (status !== 'done') await new Promise((r) => setTimeout(r, 25));
    }
    t.equal(status, 'done');
    await second.stop();
    const after = look.prepare(`SELECT n_objects, n_objects_processed FROM close_bulk_actions WHERE id = ?`).get(created.id) as { n_objects: number; n_objects_processed: number };
    t.same(after, { n_objects: total, n_objects_processed: total }, 'every object once');
    t.equal(effects(look, org, created.id), kind === 'delete' ? 0 : total, 'and the stored effects say the same');
    t.equal(look.prepare(`SELECT count(*) FROM close_outbox WHERE ref_id = ?`).pluck().get(created.id), 1, 'one done email');
  });
}
