import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../src/app.js';
import { loadSeedFile } from '../src/core/seed.js';
import { DEFAULT_SEED } from '../src/config.js';
import { conformanceProblem } from './conformance.js';
import type { Resolver } from '../src/core/outbound.js';

/** The default seed, parsed once per test file. */
export const seed = loadSeedFile(DEFAULT_SEED);

export const SEED_IDS = {
  deal1: 'deal_11111111111111111111111111111111',
  deal2: 'deal_22222222222222222222222222222222',
  deal3: 'deal_33333333333333333333333333333333',
  member: 'usr_99999999999999999999999999999999',
  company: 'comp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  contact: 'cont_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
} as const;

/**
 * Apps a file shares between its tests (see shareApps), by their options; `free` while no test holds one.
 * Null: every build is a new app (the default).
 */
let shared: Map<string, { app: FastifyInstance; free: boolean }[]> | null = null;
/** The test each app's conformance check reports to: the one that holds the app now. */
const holder = new WeakMap<FastifyInstance, Test>();

/**
 * Makes `build` in this file hand a test an app an earlier test of the file used, once that test has
 * ended, after `POST /_mock/reset` (every organization, fault rule, journal entry, clock and rate limit
 * gone; ticker as started): what a fresh app shows, without paying about a second to build one. Only
 * for options that are plain data (no hooks, timers or file database) and never for `listening`; a
 * test that closes its app takes it out of the pool. Call once at the top of a test file. Not for a
 * file whose tests count on what a reset keeps: ids that keep counting (journal entry ids,
 * test/control/requests.test.ts).
 */
export function shareApps(tap: Test): void {
  const pool = (shared = new Map());
  tap.teardown(async () => {
    shared = null;
    for (const apps of pool.values()) for (const { app } of apps) await app.close();
  });
}

/** The key an app is shared under, or null when its options make it one test's own. */
function shareKey(opts: AppOptions): string | null {
  if (opts.db !== undefined && opts.db !== ':memory:') return null;
  if (opts.idSeed !== undefined || opts.crashAt !== undefined) return null;
  for (const value of Object.values(opts)) if (typeof value === 'function' || (typeof value === 'object' && value !== null && !Array.isArray(value))) return null;
  return JSON.stringify(Object.entries(opts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Host names as tests resolve them, with no DNS query (tests send traffic only to loopback):
 * `localhost` and `*.localhost` → 127.0.0.1 and ::1, a name given here → its addresses, any other → ENOTFOUND.
 */
export function resolverOf(names: Record<string, string[]> = {}): Resolver {
  const table = new Map(Object.entries(names));
  return async (host) => {
    const h = host.toLowerCase();
    const addresses = table.get(h) ?? (h === 'localhost' || h.endsWith('.localhost') ? ['127.0.0.1', '::1'] : null);
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}
const noDns = resolverOf();

/** A fresh emulator on ':memory:' with the default seed, closed when the test ends (see shareApps). */
export async function build(t: Test, opts: AppOptions = {}, share = true): Promise<FastifyInstance> {
  const pool = shared;
  const key = share && pool ? shareKey(opts) : null;
  if (pool && key !== null) {
    const entry = pool.get(key)?.find((e) => e.free);
    if (entry) {
      entry.free = false;
      holder.set(entry.app, t);
      const res = await entry.app.inject({ method: 'POST', url: '/_mock/reset', headers: opts.controlToken ? { authorization: `Bearer ${opts.controlToken}` } : {} });
      if (res.statusCode !== 204) throw new Error(`could not reset a shared app: ${res.statusCode} ${res.body}`);
      t.teardown(() => void (entry.free = true));
      return entry.app;
    }
  }
  // No background ticker in tests: they drive bulk edits with app.closeJobs.tick().
  const app = await buildApp({ seed, logger: false, tickMs: 0, outboundResolver: noDns, ...opts });
  holder.set(app, t);
  // Conformance: every answer any test receives must match the schema its route declares (./conformance.ts).
  app.addHook('onSend', async (request, reply, payload) => {
    const problem = conformanceProblem(request, reply, payload);
    if (problem) holder.get(app)!.fail(`${request.method} ${request.url} ${problem}`, { body: typeof payload === 'string' ? payload.slice(0, 2000) : '(not text)' });
    return payload;
  });
  if (pool && key !== null) {
    const entry = { app, free: false };
    pool.set(key, [...(pool.get(key) ?? []), entry]);
    // A test that closes the app itself takes it out of the pool.
    app.addHook('onClose', async () => {
      pool.set(key, (pool.get(key) ?? []).filter((e) => e !== entry));
    });
    t.teardown(() => void (entry.free = true));
  } else {
    t.teardown(() => app.close());
  }
  await app.ready();
  return app;
}

/** A fresh emulator (as build) listening on 127.0.0.1 and a free port, for what app.inject cannot do (streams, sockets). */
export async function listening(t: Test, opts: AppOptions = {}): Promise<{ app: FastifyInstance; url: string }> {
  const app = await build(t, opts, false);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Headers for a BlueAI request; each distinct token is its own organization. */
export const bearer = (token = 'test-token') => ({ authorization: `Bearer ${token}` });

/** The organization id a token maps to (creating it, as the first request would). */
export const orgOf = (app: FastifyInstance, token = 'test-token') => app.tenants.resolve(token).id;

/** Reads one row straight from the database, to assert stored state. */
/** A stored row; BlueAI's `custom_fields` column (JSON text) parsed, so it compares with an answer. */
export function row(app: FastifyInstance, table: string, orgId: string, id: string): Record<string, unknown> | undefined {
  const r = app.tenants.db(orgId).prepare(`SELECT * FROM ${table} WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
  if (r && table.startsWith('blueai_') && typeof r.custom_fields === 'string') r.custom_fields = JSON.parse(r.custom_fields);
  return r;
}

export function count(app: FastifyInstance, table: string, orgId: string, where = '1 = 1', ...params: unknown[]): number {
  return app.tenants.db(orgId).prepare(`SELECT count(*) FROM ${table} WHERE org_id = ? AND ${where}`).pluck().get(orgId, ...params) as number;
}

/** A fingerprint of every row of a table in one organization, to prove a rejected request changed nothing. */
export function snapshot(app: FastifyInstance, table: string, orgId: string): string {
  const db = app.tenants.db(orgId);
  const width = (db.prepare(`SELECT count(*) FROM pragma_table_info(?)`).pluck().get(table) as number);
  const order = Array.from({ length: width }, (_, i) => i + 1).join(', ');
  return JSON.stringify(db.prepare(`SELECT * FROM ${table} WHERE org_id = ? ORDER BY ${order}`).all(orgId));
}

/** Asserts a BlueAI error response: the status and exactly the `{"error":{code,message,details}}` envelope. */
export function isError(t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, `status ${status}`);
  const body = res.json();
  t.same(Object.keys(body), ['error']);
  t.equal(body.error.code, code);
  t.type(body.error.message, 'string');
  t.type(body.error.details, 'object');
  return body.error as { code: string; message: string; details: Record<string, unknown> & { fields?: Record<string, string> } };
}

/** A multipart/form-data body with file parts, as curl -F would send it. */
export function multipart(parts: { name: string; filename?: string; content: string | Buffer; type?: string }[]) {
  const boundary = '----emulatortest' + Math.random().toString(16).slice(2);
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"` + (p.filename ? `; filename="${p.filename}"` : '');
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n` + (p.filename ? `Content-Type: ${p.type ?? 'text/csv'}\r\n` : '') + '\r\n'));
    chunks.push(Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** Parses a CSV export body (BOM, CRLF) into rows of fields with papaparse. */
export async function parseExport(body: string): Promise<string[][]> {
  const Papa = (await import('papaparse')).default;
  return Papa.parse<string[]>(body.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
}
