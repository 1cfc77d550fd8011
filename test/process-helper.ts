import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { Test } from 'tap';
import { tenantTables } from '../src/core/db.js';

// Real processes of the compiled server (dist/, built by `npm test` before tap runs) for the crash
// and concurrency tests. Each listens on a port the kernel picks (PORT=0, read back from Fastify's
// "Server listening at" log line), so parallel test files never collide or talk to each other's server.

const SERVER = fileURLToPath(new URL('../dist/server.mjs', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Resolves with the exit signal (null after a normal exit) once the process has ended. */
  exited: Promise<NodeJS.Signals | null>;
  /** SIGTERM (a clean shutdown) and wait for the exit. */
  stop(): Promise<NodeJS.Signals | null>;
  /** What it has written on stderr so far (the banner). */
  stderr(): string;
}

/**
 * This process's environment without tap's coverage hooks (NODE_OPTIONS=--import …processinfo): with
 * them npm and the server record and write coverage on exit, which takes seconds on a loaded machine
 * and is not what such a test measures.
 */
export function uninstrumented(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS_PROCESSINFO')));
}

/** A fresh file database path in its own temporary folder. */
export function tempDb(prefix: string): string {
  return join(mkdtempSync(join(tmpdir(), `${prefix}-`)), 'emulator.db');
}

/**
 * Opens the server's databases read-only (WAL: readers do not block the server) as one: the
 * process-wide file with each organization's own file (`<path>-orgs/<org>.<generation>.db`, see
 * src/core/org-dbs.ts) attached, and a temporary view per vendor table that unites every
 * organization's rows, so a test's SQL reads as it would on one shared database. An organization
 * that has no file yet (never used since its creation or reset) has no rows here.
 */
export function readDb(t: Test, path: string): Database.Database {
  const db = new Database(path, { readonly: true });
  t.teardown(() => db.close());
  const orgs = db.prepare(`SELECT id, data_gen FROM orgs WHERE is_template = 0 ORDER BY created_at, id`).all() as { id: string; data_gen: number }[];
  const schemas: string[] = [];
  for (const [i, org] of orgs.entries()) {
    const file = `${path}-orgs/${org.id}.${org.data_gen}.db`;
    if (!existsSync(file)) continue;
    db.prepare(`ATTACH DATABASE ? AS ${`o${i}`}`).run(file);
    schemas.push(`o${i}`);
  }
  const tables = tenantTables(db);
  for (const table of tables) {
    const union = schemas.map((s) => `SELECT * FROM ${s}.${table}`).join(' UNION ALL ') || `SELECT * FROM main.${table}`;
    db.exec(`CREATE TEMP VIEW ${table} AS ${union}`);
  }
  return db;
}

/**
 * Starts `node dist/server.mjs` (what `npm start` runs) with HOST=127.0.0.1, PORT=0, LOG_LEVEL=info and the given environment, waits up
 * to 30 s (a loaded CI machine starts slowly) until it listens and /_mock/health answers 200. The
 * child is SIGKILLed when the test ends, whatever happened.
 */
export async function startServer(t: Test, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, HOST: '127.0.0.1', ...env, PORT: '0', LOG_LEVEL: 'info' }, // info: the listen line
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([, signal]) => signal as NodeJS.Signals | null);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen within 30 s; stderr: ${stderr}`)), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
    void exited.then((signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${signal ?? child.exitCode}) before listening; stderr: ${stderr}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/_mock/health`).then((r) => r.ok, () => false)) break;
    if (i >= 600) throw new Error('server listens but /_mock/health is not 200 after 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child, port, url, exited,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
