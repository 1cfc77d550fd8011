// npm run bench: speed and memory figures, each with a baseline measured in the same run, printed as
// ratios. Never part of npm test. Run after `npm run build` (npm run bench does not build).
import { buildApp } from '../src/app.js';
import { loadSeedFile } from '../src/core/seed.js';
import { DEFAULT_SEED } from '../src/config.js';
import Fastify from 'fastify';
import autocannon from 'autocannon';

const seed = loadSeedFile(DEFAULT_SEED);
const results: { name: string; value: string; baseline: string; ratio: string }[] = [];
const report = (name: string, value: number, baseline: number, unit: string) =>
  results.push({ name, value: `${value.toFixed(2)} ${unit}`, baseline: `${baseline.toFixed(2)} ${unit}`, ratio: (value / baseline).toFixed(2) });

async function orgCreation() {
  const app = await buildApp({ seed, logger: false });
  await app.ready();
  app.tenants.resolve('warm');
  const n = 100;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) app.tenants.resolve(`bench-${i}`);
  const perOrg = (performance.now() - t0) / n;
  // Baseline: the same rows inserted one by one from the parsed seed (what a naive loader would do).
  const { insertBlueAISeed } = await import('../src/blueai/seed.js');
  const { insertCloseSeed } = await import('../src/close/seed.js');
  t0 = performance.now();
  for (let i = 0; i < 10; i++) {
    app.db.prepare(`INSERT INTO orgs (id, name, created_at) VALUES (?, 'naive', '')`).run(`naive-${i}`);
    app.db.transaction(() => {
      insertBlueAISeed(app.db, `naive-${i}`, seed.blueai);
      if (seed.close) insertCloseSeed(app.db, `naive-${i}`, seed.close);
    })();
  }
  const naive = (performance.now() - t0) / 10;
  report('organization creation (copy of the seed)', perOrg, naive, 'ms');
  await app.close();
}

async function exportMemory() {
  const app = await buildApp({ seed, logger: false });
  await app.ready();
  const org = app.tenants.resolve('bench').id;
  const insert = app.db.prepare(`INSERT INTO blueai_contacts (org_id, id, first_name, last_name, email, created_at, updated_at) VALUES (?, ?, '太郎', '山田', 'x@example.jp', ?, ?)`);
  const grow = (to: number) => app.db.transaction(() => {
    const have = app.db.prepare(`SELECT count(*) FROM blueai_contacts WHERE org_id = ?`).pluck().get(org) as number;
    for (let i = have; i < to; i++) insert.run(org, `cont_${i.toString(16).padStart(32, '0')}`, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
  })();
  const measure = async () => {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
    const t0 = performance.now();
    const res = await app.inject({ url: '/api/v1/crm/bulk/contacts/export', headers: { authorization: 'Bearer bench' }, payloadAsStream: true });
    let bytes = 0;
    for await (const chunk of res.stream()) {
      bytes += (chunk as Buffer).length;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    clearInterval(timer);
    return { ms: performance.now() - t0, peakMb: (peak - before) / 1e6, mb: bytes / 1e6 };
  };
  grow(10_000);
  const small = await measure();
  grow(100_000);
  const large = await measure();
  report('contacts export: 100k rows vs 10k rows, time', large.ms, small.ms, 'ms');
  report('contacts export: 100k rows vs 10k rows, peak heap growth (flat = streamed)', Math.max(large.peakMb, 0.01), Math.max(small.peakMb, 0.01), 'MB');
  console.log(`  export sizes: ${small.mb.toFixed(1)} MB and ${large.mb.toFixed(1)} MB of CSV`);
  await app.close();
}

async function throughput() {
  const duration = 5;
  const app = await buildApp({ seed, logger: false });
  const page = (await app.inject({ url: '/api/v1/crm/deals?limit=20', headers: { authorization: 'Bearer bench' } })).json();
  // Baseline: bare Fastify answering the same 20-deal page from memory, so the ratio is our overhead
  // (auth lookup, SQL, validation, serialisation) for an identical payload.
  const hello = Fastify();
  hello.get('/', async () => page);
  await hello.listen({ port: 0, host: '127.0.0.1' });
  const helloUrl = `http://127.0.0.1:${(hello.server.address() as { port: number }).port}/`;
  const base = await autocannon({ url: helloUrl, connections: 20, duration });
  await hello.close();

  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const list = await autocannon({ url: `http://127.0.0.1:${port}/api/v1/crm/deals?limit=20`, headers: { authorization: 'Bearer bench' }, connections: 20, duration });
  report('GET /deals?limit=20 vs bare Fastify sending the same page, req/s', list.requests.average, base.requests.average, 'req/s');
  await app.close();
}

await orgCreation();
await exportMemory();
await throughput();
console.log('\nfigure | value | baseline (same run) | ratio');
for (const r of results) console.log(`${r.name} | ${r.value} | ${r.baseline} | ${r.ratio}`);
