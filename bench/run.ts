// npm run bench: the emulator's speed and memory figures, each next to a baseline measured in the same
// run on the same machine, as a ratio, with its target and pass/miss. Never part of npm test.
// Servers run as child processes (dist/server.mjs, dist/bench/bare.js); autocannon loads them from
// this process over loopback, each stage for BENCH_SECONDS (default 3) or a bounded number of requests.
//   BENCH_ONLY=get,start   run some stages (get hot watch start bulk-update bulk-edit bulk-delete events query lists activity-lists export import org idle-orgs webhook-writes mixed)
//   BENCH_OUT=path.json     where the JSON goes (default bench/results.json)
//   BENCH_MIXED=200000      requests of the memory stage; BENCH_EXPORT_ROWS=1000000; BENCH_LEADS=100000
//   BENCH_ORG_BASELINE=/path/server.mjs  stage org measured again on an older build; BENCH_ORGS=1000; BENCH_IDLE_ORGS=1000
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { get as httpGet } from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { BARE, SERVER, call, fmt, load, median, memoryOf, row, rows, spawnServer, LOAD_SECONDS } from './lib.js';
import { queryStage } from './query.js';
import { bulkEditStage } from './bulk-edit.js';
import { bulkDeleteStage } from './bulk-delete.js';
import { eventsStage } from './events.js';
import { listsStage } from './lists.js';
import { activityListsStage } from './activity-lists.js';
import { orgStage } from './orgs.js';
import { idleOrgsStage, webhookWritesStage } from './scheduler.js';
import { hotStage } from './hot.js';

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const enabled = (name: string) => !only || only.includes(name);
const OUT = process.env.BENCH_OUT ?? fileURLToPath(new URL('../../bench/results.json', import.meta.url));
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const json = { 'content-type': 'application/json' };

async function getDeal() {
  const emu = await spawnServer(SERVER);
  try {
    const list = JSON.parse((await call(`${emu.url}/api/v1/crm/deals?limit=1`, { headers: bearer('bench') })).text);
    const id = list.items[0].id as string;
    const one = await call(`${emu.url}/api/v1/crm/deals/${id}`, { headers: bearer('bench') });
    const bare = await spawnServer(BARE, { BARE_PATH: `/api/v1/crm/deals/${id}`, BARE_BODY: one.text }, `/api/v1/crm/deals/${id}`);
    // Alternating short rounds, both servers up, so a change in the machine's other load hits both.
    const rounds: { base: Awaited<ReturnType<typeof load>>; ours: Awaited<ReturnType<typeof load>> }[] = [];
    try {
      await load({ url: `${bare.url}/api/v1/crm/deals/${id}`, duration: 1 });
      await load({ url: `${emu.url}/api/v1/crm/deals/${id}`, headers: bearer('bench'), duration: 1 });
      for (let i = 0; i < 4; i++) {
        const b = await load({ url: `${bare.url}/api/v1/crm/deals/${id}`, duration: Math.max(1, LOAD_SECONDS / 2) });
        const o = await load({ url: `${emu.url}/api/v1/crm/deals/${id}`, headers: bearer('bench'), duration: Math.max(1, LOAD_SECONDS / 2) });
        if (o.non2xx || o.errors) throw new Error(`GET one deal: ${o.non2xx} non-2xx, ${o.errors} errors`);
        rounds.push({ base: b, ours: o });
      }
    } finally {
      await bare.stop();
    }
    const ratios = rounds.map((r) => r.ours.rps / r.base.rps);
    const pick = rounds[ratios.indexOf(median(ratios))]!;
    const { base, ours } = pick;
    const ratio = ours.rps / base.rps;
    row({ figure: 'GET one deal, req/s', value: ours.rps, unit: 'req/s', baseline: 'bare Fastify sending the same JSON from a constant', baselineValue: base.rps, ratio, target: '≥ 0.8×', pass: ratio >= 0.8, note: `median of 4 alternating rounds (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')})` });
    row({ figure: 'GET one deal, p99 latency', value: ours.p99, unit: 'ms', baseline: 'the same bare Fastify, p99', baselineValue: base.p99, ratio: base.p99 > 0 ? ours.p99 / base.p99 : null, target: '(shown)', pass: null, note: '10 connections, same round' });
  } finally {
    await emu.stop();
  }
}

/**
 * A dashboard watching while a suite hammers the API: GET one deal with no watcher vs with one stream
 * open whose client refetches what the page would on each change (the request tail with ?after= and
 * its count, at most every 200 ms), alternating rounds on one server.
 */
async function watchStage() {
  const emu = await spawnServer(SERVER);
  try {
    const list = JSON.parse((await call(`${emu.url}/api/v1/crm/deals?limit=1`, { headers: bearer('bench') })).text);
    const url = `${emu.url}/api/v1/crm/deals/${list.items[0].id as string}`;
    await load({ url, headers: bearer('bench'), duration: 1 });
    const alone: number[] = [];
    const watched: number[] = [];
    let events = 0;
    let refetches = 0;
    for (let i = 0; i < 3; i++) {
      alone.push((await load({ url, headers: bearer('bench'), duration: Math.max(1, LOAD_SECONDS / 2) })).rps);
      const controller = new AbortController();
      const res = await fetch(`${emu.url}/_mock/events`, { signal: controller.signal });
      let after = 0;
      let last = 0;
      let busy = false;
      const reading = (async () => {
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            events += (Buffer.from(chunk).toString().match(/^event: change$/gm) ?? []).length;
            if (busy || Date.now() - last < 200) continue;
            busy = true;
            last = Date.now();
            const [tail] = await Promise.all([
              call(`${emu.url}/_mock/requests?limit=100&after=${after}`), call(`${emu.url}/_mock/requests/count`),
            ]);
            after = (JSON.parse(tail.text) as { data: { id: number }[] }).data[0]?.id ?? after;
            refetches++;
            busy = false;
          }
        } catch {
          // aborted at the end of the round
        }
      })();
      watched.push((await load({ url, headers: bearer('bench'), duration: Math.max(1, LOAD_SECONDS / 2) })).rps);
      controller.abort();
      await reading;
    }
    const a = median(alone);
    const w = median(watched);
    row({ figure: 'GET one deal with a dashboard watching, req/s', value: w, unit: 'req/s', baseline: 'the same server, nobody watching', baselineValue: a, ratio: w / a, target: '≥ 0.9×', pass: w / a >= 0.9, note: `median of 3 alternating rounds; ${events} change events, ${refetches} tail refetches` });
  } finally {
    await emu.stop();
  }
}

async function start() {
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 3; i++) {
    const b = await spawnServer(BARE, { BARE_PATH: '/_mock/health' });
    base.push(b.startMs);
    await b.stop();
    const e = await spawnServer(SERVER);
    ours.push(e.startMs);
    await e.stop();
  }
  const o = median(ours);
  const b = median(base);
  row({ figure: 'start → /_mock/health 200', value: o, unit: 'ms', baseline: 'a bare Fastify server spawned the same way', baselineValue: b, ratio: o / b, target: '≤ 2×', pass: o / b <= 2, note: 'median of 3 spawns each' });
}

async function bulkUpdate() {
  const emu = await spawnServer(SERVER);
  try {
    const list = JSON.parse((await call(`${emu.url}/api/v1/crm/deals?limit=100`, { headers: bearer('bench') })).text);
    const members = JSON.parse((await call(`${emu.url}/api/v1/crm/members`, { headers: bearer('bench') })).text);
    const ids = (list.items as { id: string }[]).map((d) => d.id);
    const body = JSON.stringify({ ids, assigned_member_id: members.items[0].id });
    const check = JSON.parse((await call(`${emu.url}/api/v1/crm/bulk/deals/update`, { method: 'POST', headers: { ...bearer('bench'), ...json }, body })).text);
    if (check.processed !== 100) throw new Error(`bulk update processed ${check.processed}`);
    await load({ url: `${emu.url}/api/v1/crm/bulk/deals/update`, method: 'POST', headers: { ...bearer('bench'), ...json }, body, duration: 1 });
    const r = await load({ url: `${emu.url}/api/v1/crm/bulk/deals/update`, method: 'POST', headers: { ...bearer('bench'), ...json }, body });
    if (r.non2xx || r.errors) throw new Error(`bulk update: ${r.non2xx} non-2xx, ${r.errors} errors`);
    row({ figure: 'POST bulk deals update, 100 ids', value: r.rps, unit: 'req/s', baseline: '—', baselineValue: null, ratio: null, target: '≥ 2,000 req/s', pass: r.rps >= 2000, note: `p99 ${r.p99} ms` });
  } finally {
    await emu.stop();
  }
}

/** 1M deals in a file database (so the emulator's RSS is its own, not the data's). */
async function exportStage() {
  const n = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
  const file = join(dir, 'export.db');
  try {
    let emu = await spawnServer(SERVER, { DB: file });
    await call(`${emu.url}/api/v1/crm/members`, { headers: bearer('bench-export') });
    await emu.stop();
    const main = new Database(file);
    const { org, gen } = main.prepare(`SELECT o.id AS org, o.data_gen AS gen FROM credentials c JOIN orgs o ON o.id = c.org_id WHERE c.token = 'bench-export'`)
      .get() as { org: string; gen: number };
    main.close();
    // The organization's own database (src/core/org-dbs.ts), made by the call above.
    const orgFile = `${file}-orgs/${org}.${gen}.db`;
    const db = new Database(orgFile);
    db.prepare(`DELETE FROM blueai_deals WHERE org_id = ?`).run(org);
    const pipe = db.prepare(`SELECT pipeline_id, slug FROM blueai_stages WHERE org_id = ? ORDER BY position LIMIT 1`).get(org) as { pipeline_id: string; slug: string };
    const company = db.prepare(`SELECT id FROM blueai_companies WHERE org_id = ? LIMIT 1`).pluck().get(org) as string;
    db.prepare(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i + 1 < ?)
      INSERT INTO blueai_deals (org_id, id, name, amount, stage, pipeline_id, company_id, contact_id, assigned_member_id, expected_close_date,
        probability, lost_reason, won_date, currency, created_at, updated_at)
      SELECT ?, printf('deal_%032x', i), '案件 "' || i || '", 第' || (i % 97) || '期', i * 1000, ?, ?, CASE WHEN i % 3 = 0 THEN ? END, NULL, NULL,
        '2026-12-31', 50, NULL, NULL, 'JPY', strftime('%Y-%m-%dT%H:%M:%fZ', 1767225600 + i, 'unixepoch'), '2026-06-01T00:00:00.000Z' FROM c`)
      .run(n, org, pipe.slug, pipe.pipeline_id, company);
    db.close();

    emu = await spawnServer(SERVER, { DB: file });
    const before = memoryOf(emu.proc.pid!).rss;
    const ours = await download(`${emu.url}/api/v1/crm/bulk/deals/export`, bearer('bench-export'));
    const mem = memoryOf(emu.proc.pid!);
    await emu.stop();
    const base = await baselineExport(orgFile, org);
    if (base.bytes !== ours.bytes) console.log(`  (export sizes differ: ${ours.bytes} vs baseline ${base.bytes})`);
    const mbps = ours.bytes / 1e6 / (ours.ms / 1000);
    const ratio = base.ms / ours.ms;
    row({ figure: `deals export, ${n.toLocaleString('en')} rows, time`, value: ours.ms / 1000, unit: 's', baseline: 'better-sqlite3 iterate() writing the same CSV (speed ratio)', baselineValue: base.ms / 1000, ratio, target: '≥ 0.5×', pass: ratio >= 0.5, note: `${fmt(ours.bytes / 1e6)} MB, ${fmt(mbps)} MB/s` });
    row({ figure: 'deals export, peak RSS of the server', value: mem.peak, unit: 'MB', baseline: 'peak RSS of the baseline process', baselineValue: base.peak, ratio: mem.peak / base.peak, target: '< 150 MB', pass: mem.peak < 150, note: `RSS before the export ${fmt(before)} MB` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function download(url: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    httpGet(url, { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: performance.now() - t0, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** The baseline in its own process, so its peak RSS is its own too. */
function baselineExport(file: string, org: string): Promise<{ ms: number; bytes: number; peak: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('./export-baseline.js', import.meta.url)), file, org], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`export baseline exited ${code}`))));
  });
}

async function importStage() {
  const n = 100_000;
  const lines = ['last_name,first_name,email,phone,position,note'];
  for (let i = 0; i < n; i++) lines.push(`山田${i},太郎,taro.${i}@example.jp,03-1234-${String(i % 10000).padStart(4, '0')},"Sales, East",note ${i}`);
  const csv = lines.join('\r\n') + '\r\n';
  const boundary = '----bench' + Date.now();
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="contacts.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const emu = await spawnServer(SERVER);
  let ours;
  try {
    await call(`${emu.url}/api/v1/crm/members`, { headers: bearer('bench-import') });
    const r = await call(`${emu.url}/api/v1/crm/bulk/contacts/import`, { method: 'POST', headers: { ...bearer('bench-import'), 'content-type': `multipart/form-data; boundary=${boundary}` }, body });
    const result = JSON.parse(r.text);
    if (result.processed !== n) throw new Error(`import processed ${result.processed}: ${r.text.slice(0, 300)}`);
    ours = r.ms;
  } finally {
    await emu.stop();
  }
  // Baseline: papaparse and one better-sqlite3 transaction into the same table (same schema, indexes).
  const { openDatabase } = await import('../src/core/db.js');
  const { MIGRATIONS } = await import('../src/migrations.js');
  const db = openDatabase(':memory:', MIGRATIONS);
  db.prepare(`INSERT INTO orgs (id, name, is_template, created_at) VALUES ('o', 'o', 0, '')`).run();
  const t0 = performance.now();
  const parsed = Papa.parse<string[]>(Buffer.from(csv).toString('utf8'), { header: false, skipEmptyLines: true });
  const insert = db.prepare(`INSERT INTO blueai_contacts (org_id, id, first_name, last_name, email, phone, position, company_id, note, created_at, updated_at)
    VALUES ('o', ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)`);
  const now = new Date().toISOString();
  db.transaction(() => {
    parsed.data.slice(1).forEach((f, i) => insert.run(`cont_${i}`, f[1], f[0], f[2], f[3], f[4], f[5], now, now));
  })();
  const base = performance.now() - t0;
  db.close();
  row({ figure: 'contacts import, 100k rows', value: ours / 1000, unit: 's', baseline: 'papaparse + one better-sqlite3 transaction on the same file', baselineValue: base / 1000, ratio: ours / base, target: '≤ 2 s and ≤ 3×', pass: ours <= 2000 && ours / base <= 3, note: `${fmt(body.length / 1e6)} MB upload` });
}

async function mixed() {
  const total = Number(process.env.BENCH_MIXED ?? 200_000);
  const emu = await spawnServer(SERVER);
  try {
    const auth = bearer('bench');
    const close = { authorization: 'Basic ' + Buffer.from('bench:').toString('base64') };
    const deal = JSON.parse((await call(`${emu.url}/api/v1/crm/deals?limit=1`, { headers: auth })).text).items[0].id;
    const lead = JSON.parse((await call(`${emu.url}/api/v1/lead/?_limit=1`, { headers: close })).text).data[0].id;
    const requests = [
      { method: 'GET' as const, path: `/api/v1/crm/deals/${deal}`, headers: auth },
      { method: 'GET' as const, path: '/api/v1/crm/deals?limit=20', headers: auth },
      { method: 'PATCH' as const, path: `/api/v1/crm/deals/${deal}`, headers: { ...auth, ...json }, body: JSON.stringify({ name: 'bench deal' }) },
      { method: 'GET' as const, path: `/api/v1/lead/${lead}/`, headers: close },
      { method: 'GET' as const, path: '/api/v1/crm/no-such-route', headers: auth },
      { method: 'GET' as const, path: '/_mock/health' },
    ];
    const first = 10_000;
    const a = await load({ url: emu.url, requests, amount: first });
    await new Promise((r) => setTimeout(r, 500));
    const at10k = memoryOf(emu.proc.pid!).rss;
    const t0 = performance.now();
    const b = await load({ url: emu.url, requests, amount: total - first });
    await new Promise((r) => setTimeout(r, 500));
    const atEnd = memoryOf(emu.proc.pid!).rss;
    const done = a.total + b.total;
    row({ figure: `RSS after ${(done / 1000).toFixed(0)}k mixed requests, journal on`, value: atEnd, unit: 'MB', baseline: 'RSS after 10k', baselineValue: at10k, ratio: atEnd / at10k, target: '≤ 1.1×', pass: atEnd / at10k <= 1.1, note: `${fmt((total - first) / ((performance.now() - t0) / 1000))} req/s` });
  } finally {
    await emu.stop();
  }
}

const stages: [string, () => Promise<void>][] = [
  ['get', getDeal], ['hot', hotStage], ['watch', watchStage], ['start', start], ['bulk-update', bulkUpdate], ['bulk-edit', bulkEditStage], ['bulk-delete', bulkDeleteStage], ['events', eventsStage], ['query', queryStage], ['lists', listsStage], ['activity-lists', activityListsStage],
  ['export', exportStage], ['import', importStage], ['org', orgStage], ['idle-orgs', idleOrgsStage],
  ['webhook-writes', webhookWritesStage], ['mixed', mixed],
];
for (const [name, fn] of stages) {
  if (!enabled(name)) continue;
  console.log(`${name} …`);
  const t0 = performance.now();
  await fn();
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version, date: new Date().toISOString(), loadSeconds: LOAD_SECONDS };
const cell = (r: (typeof rows)[number]) => [
  r.figure, `${fmt(r.value)} ${r.unit}`, r.baselineValue === null ? r.baseline : `${fmt(r.baselineValue)} ${r.unit} (${r.baseline})`,
  r.ratio === null ? '—' : `${r.ratio.toFixed(2)}×`, r.target, r.pass === null ? '—' : r.pass ? 'pass' : 'miss', r.note ?? '',
];
const table = [
  '| figure | value | baseline in the same run | ratio | target | result | note |',
  '|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${cell(r).join(' | ')} |`),
].join('\n');
console.log(`\n${machine.cpus} × ${machine.cpu}, Node ${machine.node}, ${machine.date}\n\n${table}\n`);
writeFileSync(OUT, JSON.stringify({ machine, rows }, null, 2) + '\n');
console.log(`results written to ${OUT}`);
