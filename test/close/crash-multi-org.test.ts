import t, { type Test } from 'tap';
import { seed } from '../helper.js';
import { readDb, startServer, tempDb, type ServerProcess } from '../process-helper.js';
import { CLOSE, leadsQuery } from './seed-ids.js';

// Six bulk edits in three organizations run side by side under the background ticker; the server
// (real process, file database) is SIGKILLed in the middle of one job's batch, or right after a job's
// last batch committed. After a restart every
// job finishes, every item applied exactly once: nothing committed before the crash is redone (its
// leads keep their date_updated), nothing rolled back is lost, no organization sees another's edits.

const ORGS = [
  { key: 'crash-org-a', value: 'org-a-crash', status: CLOSE.status.customer },
  { key: 'crash-org-b', value: 'org-b-crash', status: CLOSE.status.qualified },
  { key: 'crash-org-c', value: 'org-c-crash', status: CLOSE.status.potential },
];
const N = 12; // leads per job; BATCH_SIZE 4 → 3 batches each
const headers = (key: string) => ({ authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64'), 'content-type': 'application/json' });

interface Job { id: string; org: (typeof ORGS)[number]; kind: 'field' | 'status'; leads: string[] }

async function call(server: ServerProcess, method: string, path: string, key: string | null, body?: unknown) {
  const res = await fetch(server.url + path, { method, headers: key ? headers(key) : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

// The ticker steps every job once per tick, in creation order (the jobs are created with it stopped).
t.test('a crash mid-batch with jobs in several organizations: after a restart each item is applied exactly once', async (t) => {
  // Processing batches reach the point as jobs 1–6 (batch 1), job 1 (batch 2), job 2 (batch 2: the 8th).
  await scenario(t, 'bulk-edit-mid-batch:8', [['processing', 8], ...Array(5).fill(['processing', 4])]);
});

t.test('a crash right after a job finished: its done email is not sent again, the others finish', async (t) => {
  // Each job's steps commit as: 6 × created→loading, 6 × loading→processing, 3 rounds of 6 batches;
  // the 25th commit is job 1's last batch, which also marks it done and writes its email.
  await scenario(t, 'bulk-edit-after-batch:25', [['done', 12], ...Array(5).fill(['processing', 8])]);
});

async function scenario(t: Test, crashAt: string, expected: [string, number][]) {
  t.setTimeout(100_000);
  const db = tempDb('crash-multi');
  const first = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4', EMULATOR_CRASH_AT: crashAt });
  await call(first, 'PUT', '/_mock/ticker', null, { running: false });

  const jobs: Job[] = [];
  for (const org of ORGS) {
    const fieldLeads = seed.close!.leads.slice(0, N).map((l) => l.id);
    // Leads not already in the target status, so a status the job set is visible.
    const statusLeads = seed.close!.leads.slice(N).filter((l) => l.status_id !== org.status).slice(0, N).map((l) => l.id);
    const field = await call(first, 'POST', '/api/v1/bulk_action/edit/', org.key, {
      type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: org.value, s_query: leadsQuery(...fieldLeads),
    });
    jobs.push({ id: field.id, org, kind: 'field', leads: fieldLeads });
    const status = await call(first, 'POST', '/api/v1/bulk_action/edit/', org.key, {
      type: 'set_lead_status', lead_status_id: org.status, s_query: leadsQuery(...statusLeads),
    });
    jobs.push({ id: status.id, org, kind: 'status', leads: statusLeads });
  }
  await call(first, 'PUT', '/_mock/ticker', null, { running: true, tick_ms: 20 });
  t.equal(await first.exited, 'SIGKILL', 'the server killed itself at the crash point');

  const look = readDb(t, db);
  const orgIds = new Map(ORGS.map((o) => [o.key, look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(o.key) as string]));
  t.equal(new Set(orgIds.values()).size, 3, 'three organizations');
  const state = (job: Job) => look.prepare(`SELECT status, n_objects, n_objects_processed, n_leads_processed,
      (SELECT count(*) FROM close_bulk_action_items i WHERE i.org_id = e.org_id AND i.bulk_action_id = e.id AND done = 1) AS items_done,
      (SELECT count(*) FROM close_bulk_action_items i WHERE i.org_id = e.org_id AND i.bulk_action_id = e.id) AS items
    FROM close_bulk_actions e WHERE org_id = ? AND id = ?`).get(orgIds.get(job.org.key), job.id) as Record<string, unknown>;
  const applied = (job: Job) => (job.kind === 'field'
    ? look.prepare(`SELECT object_id FROM close_custom_values WHERE org_id = ? AND field_id = ? AND value = ? AND object_id IN (SELECT value FROM json_each(?))`)
      .pluck().all(orgIds.get(job.org.key), CLOSE.field.sourceDetail, JSON.stringify(job.org.value), JSON.stringify(job.leads))
    : look.prepare(`SELECT id FROM close_leads WHERE org_id = ? AND status_id = ? AND id IN (SELECT value FROM json_each(?))`)
      .pluck().all(orgIds.get(job.org.key), job.org.status, JSON.stringify(job.leads))) as string[];
  const doneLeads = (job: Job) => look.prepare(`SELECT lead_id FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ? AND done = 1`)
    .pluck().all(orgIds.get(job.org.key), job.id) as string[];
  const stamps = (job: Job, leads: string[]) => look.prepare(`SELECT id, date_updated FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`)
    .all(orgIds.get(job.org.key), JSON.stringify(leads));

  const before = jobs.map((job, i) => {
    const [status, n] = expected[i]!;
    t.same(state(job), { status, n_objects: N, n_objects_processed: n, n_leads_processed: n, items_done: n, items: N },
      `job ${i + 1} (${job.org.key}, ${job.kind}): ${status}, ${n} of ${N} (whole batches only)`);
    const done = doneLeads(job);
    t.same(applied(job).sort(), [...done].sort(), `job ${i + 1}: exactly its done items are applied`);
    return { done, stamps: stamps(job, done) };
  });
  t.equal(look.prepare(`SELECT count(*) FROM close_outbox`).pluck().get(), expected.filter(([status]) => status === 'done').length, 'an email for each finished job');
  t.equal(look.pragma('integrity_check', { simple: true }), 'ok');

  const second = await startServer(t, { DB: db, TICK_MS: '20', BATCH_SIZE: '4' });
  for (const [i, job] of jobs.entries()) {
    const waited = await call(second, 'GET', `/_mock/jobs/${job.id}/wait?timeout_ms=30000`, null);
    t.equal(waited.status, 'done', `job ${i + 1} finished after the restart`);
  }
  t.equal(await second.stop(), null, 'clean shutdown');

  jobs.forEach((job, i) => {
    t.same(state(job), { status: 'done', n_objects: N, n_objects_processed: N, n_leads_processed: N, items_done: N, items: N }, `job ${i + 1}: every item done`);
    t.same(applied(job).sort(), [...job.leads].sort(), `job ${i + 1}: applied to each of its leads`);
    t.same(stamps(job, before[i]!.done), before[i]!.stamps, `job ${i + 1}: leads edited before the crash were not edited again`);
    t.equal(look.prepare(`SELECT count(*) FROM close_outbox WHERE org_id = ? AND ref_id = ?`).pluck().get(orgIds.get(job.org.key), job.id), 1, `job ${i + 1}: one done email`);
  });
  t.equal(look.prepare(`SELECT count(*) FROM close_outbox`).pluck().get(), jobs.length, 'one outbox row per job, no more');
  for (const org of ORGS) {
    const elsewhere = look.prepare(`SELECT count(*) FROM close_custom_values WHERE org_id != ? AND value = ?`).pluck().get(orgIds.get(org.key), JSON.stringify(org.value));
    t.equal(elsewhere, 0, `${org.key}'s value reached no other organization`);
  }
  t.equal(look.pragma('integrity_check', { simple: true }), 'ok');
}
