// Shared pieces of the benchmark: spawned servers, load from autocannon (in this process, the server in
// a child, so load and service never share an event loop), memory of a child from /proc, the result rows.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const SERVER = fileURLToPath(new URL('../server.mjs', import.meta.url));
export const BARE = fileURLToPath(new URL('./bare.js', import.meta.url));
/** Seconds of load per autocannon stage. */
export const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

export interface Row {
  figure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number | null;
  ratio: number | null;
  target: string;
  pass: boolean | null;
  note?: string;
}
export const rows: Row[] = [];
export function row(r: Row): void {
  rows.push(r);
  console.log(`  ${r.figure}: ${fmt(r.value)} ${r.unit}` + (r.baselineValue !== null ? ` vs ${fmt(r.baselineValue)} (${r.ratio?.toFixed(2)}×)` : '') + ` → ${r.pass === null ? 'info' : r.pass ? 'pass' : 'MISS'}`);
}
export const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface Child {
  proc: ChildProcess;
  port: number;
  url: string;
  /** ms from spawn to the first 200 of the health path. */
  startMs: number;
  stop(): Promise<void>;
}

/** Spawns a server script and waits until `healthPath` answers 200. */
export async function spawnServer(script: string, env: Record<string, string> = {}, healthPath = '/_mock/health', execArgv: string[] = []): Promise<Child> {
  const port = await freePort();
  const t0 = performance.now();
  const proc = spawn(process.execPath, [...execArgv, script], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  proc.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`${script} exited before it was healthy`);
    if ((await status(url + healthPath)) === 200) break;
    await new Promise((r) => setTimeout(r, 2));
    if (performance.now() - t0 > 60_000) throw new Error(`${script} not healthy after 60 s`);
  }
  const startMs = performance.now() - t0;
  return {
    proc, port, url, startMs,
    stop: () => new Promise<void>((r) => {
      if (exited) return r();
      proc.once('exit', () => r());
      proc.kill('SIGTERM');
    }),
  };
}

function status(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

/** One HTTP call, its body as text. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<{ status: number; text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body as BodyInit | undefined });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

export interface Load {
  rps: number;
  p99: number;
  p50: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Load for LOAD_SECONDS (or `amount` requests) from autocannon in this process. */
export async function load(opts: autocannon.Options): Promise<Load> {
  const r = await autocannon({ connections: 10, ...(opts.amount ? {} : { duration: LOAD_SECONDS }), ...opts });
  return { rps: r.requests.average, p99: r.latency.p99, p50: r.latency.p50, total: r.requests.total, non2xx: r.non2xx, errors: r.errors };
}

/** Current and peak resident memory of a process in MB (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Ticks one organization's jobs back to back until the Close bulk action is done or in error; how many ticks it took. */
export function tickToEnd(app: { closeJobs: { tick(org?: string): number } }, db: { prepare(sql: string): { pluck(): { get(...a: unknown[]): unknown } } }, org: string, id: string): number {
  let ticks = 0;
  for (;;) {
    app.closeJobs.tick(org);
    ticks++;
    const status = db.prepare(`SELECT status FROM close_bulk_actions WHERE org_id = ? AND id = ?`).pluck().get(org, id);
    if (status === 'done' || status === 'error') return ticks;
  }
}
