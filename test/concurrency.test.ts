import t from 'tap';
import { multipart, seed } from './helper.js';
import { readDb, startServer, tempDb } from './process-helper.js';
import { CLOSE, leadsQuery } from './close/seed-ids.js';

// One real server process (file database, background ticker every 5 ms), 50 clients over keep-alive
// HTTP, overlapping operations on shared rows of three organizations that the clients' first
// requests create at the same moment: BlueAI bulk updates and deletes over overlapping deal ids,
// deal creates and patches, CSV imports, Close bulk edits over overlapping leads, control calls.
// Every answer must be a 2xx or an expected 4xx in the vendor's envelope (never a 5xx or SQLITE_BUSY),
// and the final state must be one some serial order of the answered requests produces: checked per
// row against the real-time order of the requests (a request answered before another was sent
// comes first in every serial order).

const CLIENTS = 50;
const OPS = 6; // per client, one after the other
const TOKENS = ['conc-org-1', 'conc-org-2', 'conc-org-3'];
const DEALS = seed.blueai!.deals.slice(0, 30).map((d) => d.id); // shared by every operation
const DELETABLE = DEALS.slice(18); // deletes hit these; updates and patches hit all of DEALS
const LEADS = seed.close!.leads.slice(0, 30).map((l) => l.id);
const MEMBERS = seed.blueai!.members.map((m) => m.id);
const MISSING = 'deal_00000000000000000000000000000000';

type Vendor = 'blueai' | 'close' | 'control';
interface Call {
  client: number; op: number; org: string; vendor: Vendor; kind: string;
  method: string; path: string; start: number; end: number; status: number; text: string; body: unknown;
  /** What the operation wrote: deal ids and the member (bulk update, patch), a name, a CSV's emails, a lead set and value. */
  ids?: string[]; member?: string; name?: string; emails?: string[]; leads?: string[]; value?: string;
  /** A bulk edit its client waited for: when the wait for done was answered (else: unknown). */
  doneAt?: number;
}

function random(seedValue: number) { // mulberry32: a reproducible run for a given seed
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('50 parallel clients: no 5xx, no SQLITE_BUSY, envelopes, and a serializable final state', async (t) => {
  t.setTimeout(110_000);
  const runSeed = Number(process.env.CONCURRENCY_SEED ?? Date.now() % 1_000_000);
  t.comment(`CONCURRENCY_SEED=${runSeed}`);
  // One generator per client, so what each client sends does not depend on how the clients interleave.
  const rands = Array.from({ length: CLIENTS }, (_, client) => random(runSeed * CLIENTS + client));

  const db = tempDb('concurrency');
  const server = await startServer(t, { DB: db, TICK_MS: '5', BATCH_SIZE: '3', JOURNAL_SIZE: '100000' });
  const calls: Call[] = [];

  async function send(c: Omit<Call, 'start' | 'end' | 'status' | 'text' | 'body'>, init: { body?: BodyInit; headers?: Record<string, string> } = {}) {
    const auth: Record<string, string> = c.vendor === 'blueai' ? { authorization: `Bearer ${c.org}` }
      : c.vendor === 'close' ? { authorization: 'Basic ' + Buffer.from(`${c.org}:`).toString('base64') } : {};
    const start = performance.now();
    const res = await fetch(server.url + c.path, { method: c.method, headers: { ...auth, ...init.headers }, body: init.body });
    const text = await res.text();
    const call: Call = { ...c, start, end: performance.now(), status: res.status, text, body: text ? JSON.parse(text) : null };
    calls.push(call);
    return call;
  }
  const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  async function operation(client: number, op: number) {
    const rand = rands[client]!;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const some = <T>(list: readonly T[], min: number, max: number): T[] =>
      [...list].sort(() => rand() - 0.5).slice(0, min + Math.floor(rand() * (max - min + 1)));
    const org = pick(TOKENS);
    const base = { client, op, org };
    const tag = `conc-${client}-${op}`;
    const r = rand();
    if (r < 0.2) {
      const ids = some(DEALS, 4, 10);
      if (rand() < 0.2) ids.push(MISSING);
      const member = pick(MEMBERS);
      return send({ ...base, vendor: 'blueai', kind: 'bulk-update', method: 'POST', path: '/api/v1/crm/bulk/deals/update', ids, member },
        json({ ids, assigned_member_id: member }));
    }
    if (r < 0.3) {
      const ids = some(DELETABLE, 1, 3);
      return send({ ...base, vendor: 'blueai', kind: 'bulk-delete', method: 'POST', path: '/api/v1/crm/bulk/deals/delete', ids }, json({ ids }));
    }
    if (r < 0.4) {
      const emails = [0, 1, 2].map((i) => `${tag}-${i}@conc.example`);
      const csv = ['last_name,first_name,email', ...emails.map((e, i) => `並行,${i},${e}`)].join('\r\n');
      const { payload, headers } = multipart([{ name: 'file', filename: 'c.csv', content: csv }]);
      return send({ ...base, vendor: 'blueai', kind: 'import', method: 'POST', path: '/api/v1/crm/bulk/contacts/import', emails }, { body: payload, headers });
    }
    if (r < 0.5) {
      return send({ ...base, vendor: 'blueai', kind: 'create', method: 'POST', path: '/api/v1/crm/deals', name: tag }, json({ name: tag }));
    }
    if (r < 0.65) {
      const id = pick(DEALS);
      const member = pick(MEMBERS);
      return send({ ...base, vendor: 'blueai', kind: 'patch', method: 'PATCH', path: `/api/v1/crm/deals/${id}`, ids: [id], member, name: tag },
        json({ name: tag, assigned_member_id: member }));
    }
    if (r < 0.85) {
      const leads = some(LEADS, 4, 12);
      const job = await send({ ...base, vendor: 'close', kind: 'bulk-edit', method: 'POST', path: '/api/v1/bulk_action/edit/', leads, value: tag },
        json({ type: 'set_custom_field', custom_field_id: CLOSE.field.sourceDetail, custom_field_value: tag, s_query: leadsQuery(...leads) }));
      // Half the clients wait for their job: its edits then precede every job they create later.
      if (job.status === 200 && rand() < 0.5) {
        const wait = await send({ ...base, vendor: 'control', kind: 'wait', method: 'GET', path: `/_mock/jobs/${(job.body as { id: string }).id}/wait?timeout_ms=60000` });
        if (wait.status === 200) job.doneAt = wait.end;
      }
      return job;
    }
    const control = pick(['jobs', 'clock', 'requests', 'snapshot'] as const);
    if (control === 'clock') {
      return send({ ...base, org: TOKENS[0]!, vendor: 'control', kind: 'clock', method: 'POST', path: `/_mock/orgs/${TOKENS[0]}/clock/advance` }, json({ by: '1m' }));
    }
    const path = { jobs: '/_mock/jobs', requests: '/_mock/requests?limit=50', snapshot: `/_mock/orgs/${org}/snapshot` }[control];
    return send({ ...base, vendor: 'control', kind: control, method: 'GET', path });
  }

  const began = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    for (let op = 0; op < OPS; op++) await operation(client, op);
  }));
  t.comment(`${calls.length} requests in ${Date.now() - began} ms`);
  const kinds = [...new Set(calls.map((c) => c.kind))].sort();
  t.comment(kinds.map((k) => {
    const ms = calls.filter((c) => c.kind === k).map((c) => c.end - c.start);
    return `${k} ×${ms.length} ~${Math.round(ms.reduce((a, b) => a + b, 0) / ms.length)} ms`;
  }).join(', '));

  // --- every answer -----------------------------------------------------------------------------
  const EXPECTED: Record<string, number[]> = {
    'bulk-update': [200], 'bulk-delete': [200], import: [200], create: [201], patch: [200, 404], 'bulk-edit': [200],
    // A clock or snapshot call may name an organization no request has created yet.
    clock: [200, 404], jobs: [200], requests: [200], snapshot: [200, 404], wait: [200],
  };
  const bad = calls.filter((c) => !EXPECTED[c.kind]!.includes(c.status) || /SQLITE/i.test(c.text));
  t.same(bad.map((c) => `${c.method} ${c.path} → ${c.status} ${c.text.slice(0, 200)}`), [], 'every answer has an expected status, none mentions SQLite');
  const envelope = (c: Call): boolean => {
    const b = c.body as Record<string, unknown> | null;
    if (!b || typeof b !== 'object') return false;
    const err = b.error as Record<string, unknown> | undefined;
    if (c.status >= 400) {
      if (c.vendor === 'close') return typeof b.error === 'string';
      return Object.keys(b).join() === 'error' && typeof err?.code === 'string' && typeof err.message === 'string'
        && (c.vendor === 'control' || typeof err.details === 'object');
    }
    switch (c.kind) {
      case 'bulk-update': case 'bulk-delete': case 'import':
        return Object.keys(b).sort().join() === 'errors,processed' && typeof b.processed === 'number' && Array.isArray(b.errors);
      case 'create': case 'patch': return typeof b.id === 'string' && b.name === c.name;
      case 'bulk-edit': return typeof b.id === 'string' && typeof b.status === 'string';
      case 'jobs': return Array.isArray(b.data);
      case 'wait': return b.status === 'done';
      case 'requests': return Array.isArray(b.data) && typeof b.total === 'number';
      default: return true;
    }
  };
  t.same(calls.filter((c) => !envelope(c)).map((c) => `${c.method} ${c.path} → ${c.status} ${c.text.slice(0, 200)}`), [], 'every answer is in its vendor\'s envelope');
  const ok = (kind: string, org?: string) => calls.filter((c) => c.kind === kind && c.status < 300 && (org === undefined || c.org === org));

  // --- Close jobs finish, then the server stops cleanly -----------------------------------------
  for (const job of ok('bulk-edit')) {
    const id = (job.body as { id: string }).id;
    const res = await fetch(`${server.url}/_mock/jobs/${id}/wait?timeout_ms=60000`);
    t.equal(res.status, 200, `bulk edit ${id} finished`);
  }
  const listed = await (await fetch(`${server.url}/_mock/jobs`)).json() as { data: { id: string; status: string; org_id: string }[] };
  t.equal(listed.data.length, ok('bulk-edit').length, 'GET /_mock/jobs lists exactly the bulk edits created');
  t.ok(listed.data.every((j) => j.status === 'done'));
  const journal = async (q: string) => (await (await fetch(`${server.url}/_mock/requests/count?${q}`)).json() as { count: number }).count;
  t.equal(await journal('vendor=blueai'), calls.filter((c) => c.vendor === 'blueai').length, 'the journal holds every BlueAI request');
  t.equal(await journal('vendor=close'), calls.filter((c) => c.vendor === 'close').length, 'the journal holds every Close request');
  t.equal(await journal('vendor=blueai&status=2xx'), calls.filter((c) => c.vendor === 'blueai' && c.status < 300).length);
  t.equal(await journal('method=PATCH&status=404'), calls.filter((c) => c.kind === 'patch' && c.status === 404).length);
  t.equal(await server.stop(), null, 'clean shutdown');

  // --- the final state ---------------------------------------------------------------------------
  const look = readDb(t, db);
  t.equal(look.pragma('integrity_check', { simple: true }), 'ok', 'PRAGMA integrity_check');
  t.same(look.pragma('foreign_key_check'), [], 'PRAGMA foreign_key_check');
  const before = (a: Call, b: Call) => a.end < b.start; // a answered before b was sent: a precedes b in every serial order
  const seedDeal = new Map(seed.blueai!.deals.map((d) => [d.id, d]));
  const problems: string[] = [];
  for (const token of TOKENS) {
    const org = look.prepare(`SELECT org_id FROM credentials WHERE token = ?`).pluck().get(token) as string | undefined;
    if (!org) continue; // no request happened to name it
    const deal = (id: string) => look.prepare(`SELECT name, assigned_member_id FROM blueai_deals WHERE org_id = ? AND id = ?`).get(org, id) as
      { name: string; assigned_member_id: string | null } | undefined;
    const notFound = (c: Call) => (c.body as { errors: string[] }).errors;
    const deletes = ok('bulk-delete', token);
    const deleter = new Map<string, Call>();
    for (const d of deletes) {
      const missing = notFound(d);
      const unique = new Set(d.ids);
      if ((d.body as { processed: number }).processed + missing.length !== unique.size) problems.push(`${token}: delete ${d.path} counts do not add up: ${d.text}`);
      for (const id of unique) {
        if (missing.includes(`${id}: not found`)) continue;
        if (deleter.has(id)) problems.push(`${token}: ${id} deleted twice`);
        deleter.set(id, d);
      }
    }
    // Each writer of a deal's member (bulk updates and patches), with whether it found the deal.
    const writers = new Map<string, { call: Call; found: boolean }[]>();
    for (const u of ok('bulk-update', token)) {
      const missing = notFound(u);
      if ((u.body as { processed: number }).processed + missing.length !== new Set(u.ids).size) problems.push(`${token}: update counts do not add up: ${u.text}`);
      for (const id of new Set(u.ids)) {
        const found = !missing.includes(`${id}: not found`);
        if (id === MISSING && found) problems.push(`${token}: an update found ${MISSING}`);
        if (id !== MISSING) writers.set(id, [...(writers.get(id) ?? []), { call: u, found }]);
      }
    }
    for (const p of calls.filter((c) => c.kind === 'patch' && c.org === token)) {
      writers.set(p.ids![0]!, [...(writers.get(p.ids![0]!) ?? []), { call: p, found: p.status === 200 }]);
    }
    for (const id of DEALS) {
      const row = deal(id);
      const killer = deleter.get(id);
      if (!row !== !!killer) problems.push(`${token}: ${id} is ${row ? 'present' : 'gone'} but ${killer ? 'a delete reported it' : 'no delete reported it'}`);
      const ws = writers.get(id) ?? [];
      for (const w of ws) {
        if (!w.found && !(killer && !before(w.call, killer))) problems.push(`${token}: ${w.call.kind} of ${id} said not found, but it was not deleted before`);
        if (w.found && killer && before(killer, w.call)) problems.push(`${token}: ${w.call.kind} of ${id} found it after its delete was answered`);
      }
      if (!row) continue;
      // The last writer in any serial order is one no other writer follows in real time.
      const found = ws.filter((w) => w.found).map((w) => w.call);
      const last = found.filter((w) => !found.some((o) => before(w, o)));
      const members: unknown[] = last.length ? last.map((w) => w.member) : [seedDeal.get(id)!.assigned_member_id];
      if (!members.includes(row.assigned_member_id)) problems.push(`${token}: ${id} has member ${row.assigned_member_id}, not one of the last writers' ${members.join(', ')}`);
      const patches = found.filter((w) => w.kind === 'patch');
      const names: unknown[] = patches.filter((w) => !patches.some((o) => before(w, o))).map((w) => w.name);
      if (!(names.length ? names : [seedDeal.get(id)!.name]).includes(row.name)) problems.push(`${token}: ${id} is named ${row.name}, not ${names.join(', ')}`);
    }
    const created = ok('create', token);
    const deals = look.prepare(`SELECT count(*) FROM blueai_deals WHERE org_id = ?`).pluck().get(org);
    if (deals !== seed.blueai!.deals.length + created.length - deleter.size) problems.push(`${token}: ${deals} deals, not seed + ${created.length} created − ${deleter.size} deleted`);
    for (const c of created) {
      const n = look.prepare(`SELECT count(*) FROM blueai_deals WHERE org_id = ? AND id = ? AND name = ?`).pluck().get(org, (c.body as { id: string }).id, c.name);
      if (n !== 1) problems.push(`${token}: created deal ${c.name} stored ${n} times`);
    }
    const imports = ok('import', token);
    const contacts = look.prepare(`SELECT count(*) FROM blueai_contacts WHERE org_id = ?`).pluck().get(org);
    if (contacts !== seed.blueai!.contacts.length + 3 * imports.length) problems.push(`${token}: ${contacts} contacts after ${imports.length} imports of 3`);
    for (const i of imports) {
      if ((i.body as { processed: number }).processed !== 3) problems.push(`${token}: an import processed ${i.text}`);
      const n = look.prepare(`SELECT count(*) FROM blueai_contacts WHERE org_id = ? AND email IN (SELECT value FROM json_each(?))`).pluck().get(org, JSON.stringify(i.emails));
      if (n !== 3) problems.push(`${token}: import ${i.emails![0]} stored ${n} rows`);
    }
    // Close: every job done, each item once; each lead ends with the value of a job that covered it
    // and that no job created after it was known done also covered.
    const jobs = ok('bulk-edit', token);
    for (const j of jobs) {
      const id = (j.body as { id: string }).id;
      const job = look.prepare(`SELECT status, n_leads, n_objects, n_objects_processed, n_leads_processed FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(org, id);
      const n = j.leads!.length;
      const items = look.prepare(`SELECT count(*) AS items, sum(done) AS done, count(DISTINCT lead_id) AS leads FROM close_bulk_action_items WHERE org_id = ? AND bulk_action_id = ?`).get(org, id);
      const outbox = look.prepare(`SELECT count(*) FROM close_outbox WHERE org_id = ? AND ref_id = ?`).pluck().get(org, id);
      const got = JSON.stringify({ job, items, outbox });
      const want = JSON.stringify({ job: { status: 'done', n_leads: n, n_objects: n, n_objects_processed: n, n_leads_processed: n }, items: { items: n, done: n, leads: n }, outbox: 1 });
      if (got !== want) problems.push(`${token}: job ${id}: ${got}, not ${want}`);
    }
    const seedValue = new Map(seed.close!.leads.map((l) => [l.id, (l.custom as Record<string, unknown> | undefined)?.[CLOSE.field.sourceDetail]]));
    for (const lead of LEADS) {
      const stored = look.prepare(`SELECT value FROM close_custom_values WHERE org_id = ? AND object_id = ? AND field_id = ?`).pluck().get(org, lead, CLOSE.field.sourceDetail) as string | undefined;
      const value = stored === undefined ? undefined : JSON.parse(stored);
      const covering = jobs.filter((j) => j.leads!.includes(lead));
      // A job known done before another was created applied its edits first.
      const last = covering.filter((j) => !covering.some((o) => j.doneAt !== undefined && j.doneAt < o.start));
      const allowed: unknown[] = last.length ? last.map((j) => j.value) : [seedValue.get(lead)];
      if (!allowed.includes(value)) problems.push(`${token}: lead ${lead} has ${stored}, not one of ${allowed.join(', ')}`);
    }
  }
  t.same(problems, [], 'the final state is one a serial order of the answered requests produces');
  t.ok(ok('bulk-update').length > 0 && ok('bulk-delete').length > 0 && ok('bulk-edit').length > 0 && ok('import').length > 0, 'the mix exercised every kind of write');
  t.ok(ok('bulk-edit').some((j) => j.doneAt !== undefined), 'some bulk edits were waited for');
});
