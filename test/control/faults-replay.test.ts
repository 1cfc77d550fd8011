import t from 'tap';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { build, bearer, listening, seed, shareApps } from '../helper.js';
import { buildApp } from '../../src/app.js';
import { addFault, deals, faultRows, me } from './fault-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Fault rules over time: seeded replays, latency, dropped connections, restarts.

const sequence = async (app: FastifyInstance, n: number) => {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await deals(app)).statusCode);
  return out;
};

t.test('probability with a seed replays the same hit/miss sequence in two fresh apps', async (t) => {
  const runs: number[][] = [];
  for (let i = 0; i < 2; i++) {
    const app = await build(t);
    await addFault(t, app, { status: 503, probability: 0.5, seed: 42 });
    runs.push(await sequence(app, 20));
    t.match((await app.inject({ url: '/_mock/faults' })).json().data[0], { draws: 20, seed: 42 });
  }
  t.same(runs[0], runs[1]);
  t.ok(runs[0]!.includes(503) && runs[0]!.includes(200), `both outcomes occur: ${runs[0]}`);
});

t.test('latency delays the call measurably, then it proceeds or fails', async (t) => {
  const app = await build(t);
  await addFault(t, app, { latency_ms: 50, times: 1 });
  let start = performance.now();
  t.equal((await deals(app)).statusCode, 200);
  t.ok(performance.now() - start >= 45, 'delayed by about 50 ms');
  await addFault(t, app, { latency_ms: [50, 60], status: 504, times: 1 });
  start = performance.now();
  const res = await me(app);
  t.ok(performance.now() - start >= 45);
  t.equal(res.statusCode, 504);
  t.match(faultRows(app)[1], { draws: 1, hits: 1 }, 'a latency range draws one number');
});

t.test('drop closes the connection without an answer (over a real socket)', async (t) => {
  const { app, url: base } = await listening(t);
  const rule = await addFault(t, app, { vendor: 'blueai', drop: true, times: 1 });
  const url = `${base}/api/v1/crm/deals?limit=1`;
  await t.rejects(fetch(url, { headers: bearer('drop') }));
  const after = await fetch(url, { headers: bearer('drop') });
  t.equal(after.status, 200, 'the next call is answered');
  const journal = (await app.inject({ url: '/_mock/requests' })).json().data;
  t.same(journal.map((e: any) => [e.status, e.fault]), [[200, null], [null, rule.id]], 'the dropped call is journaled without a status');
});

t.test('under app.inject a dropped call rejects instead of answering', async (t) => {
  const app = await build(t);
  await addFault(t, app, { drop: true, times: 1 });
  await t.rejects(deals(app), { message: 'response destroyed before completion' });
  t.equal((await deals(app)).statusCode, 200);
});

t.test('rules survive a restart with a file database, and the draw sequence continues', async (t) => {
  const file = `/tmp/crm-emulator-faults-${process.pid}-${Date.now()}.db`;
  t.teardown(() => ['', '-wal', '-shm'].forEach((s) => rmSync(file + s, { force: true })));
  const open = async (db: string) => {
    const app = await buildApp({ db, seed, logger: false, tickMs: 0 });
    await app.ready();
    return app;
  };
  const first = await open(file);
  const rule = await addFault(t, first, { status: 503, probability: 0.5, seed: 7, times: 100 });
  const before = await sequence(first, 10);
  await first.close();

  const second = await open(file);
  t.teardown(() => second.close());
  const [listed] = (await second.inject({ url: '/_mock/faults' })).json().data;
  t.match(listed, { id: rule.id, draws: 10, seed: 7, hits: before.filter((s) => s === 503).length, remaining: 100 - before.filter((s) => s === 503).length });
  const after = await sequence(second, 10);

  const fresh = await build(t);
  await addFault(t, fresh, { status: 503, probability: 0.5, seed: 7, times: 100 });
  t.same([...before, ...after], await sequence(fresh, 20), 'the same 20 outcomes as one uninterrupted run');
});

