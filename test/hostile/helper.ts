import type { Test } from 'tap';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { build, bearer } from '../helper.js';
import { basic, CLOSE, leadsQuery } from '../close/seed-ids.js';
import { createHash } from 'node:crypto';
import { tenantTables } from '../../src/core/db.js';
import type { AppOptions } from '../../src/app.js';
import { CODE_OF_STATUS } from '../../src/core/errors.js';

// The hostile-input suite's machinery: every route the app registers (an onRoute collector, so a new
// route is covered without editing a list), each surface's exact error envelope, and one check that
// every property shares: never a 5xx, a 4xx is the surface's envelope, and a 4xx changed no row.

export type Surface = 'close' | 'blueai' | 'control';

export interface Route {
  method: string;
  /** Fastify's pattern, `/api/v1/crm/deals/:id`. */
  url: string;
  surface: Surface;
  /** JSON schemas of the route's parts, when it has them. */
  body?: Json;
  querystring?: Json;
}

type Json = Record<string, unknown>;

export function surfaceOf(url: string): Surface | undefined {
  // BlueAI's sign-in and /me lie under Close's prefix.
  if (url.startsWith('/api/v1/crm/') || url.startsWith('/api/v1/auth/') || url === '/api/v1/me') return 'blueai';
  if (url.startsWith('/api/v1/')) return 'close';
  if (url.startsWith('/_mock/')) return 'control';
  return undefined;
}

/** A fresh app (default seed, ':memory:') and every route it registered but HEAD. */
export async function buildWithRoutes(t: Test, opts: AppOptions = {}): Promise<{ app: FastifyInstance; routes: Route[] }> {
  const routes: Route[] = [];
  const app = await build(t, {
    ...opts,
    onRoute: (r) => {
      const surface = surfaceOf(r.url);
      if (!surface) return;
      const schema = (r.schema ?? {}) as { body?: Json; querystring?: Json; response?: Record<string, { content?: Json }> };
      // An event stream never ends, so app.inject cannot read it: test/control/events.test.ts covers it over HTTP.
      if (schema.response?.[200]?.content?.['text/event-stream']) return;
      for (const method of [r.method].flat()) {
        if (method === 'HEAD') continue;
        routes.push({ method, url: r.url, surface, body: schema.body, querystring: schema.querystring });
      }
    },
  });
  // Each credential's organization exists before the first case: creating it is not the case's doing.
  for (const token of TOKENS) app.tenants.resolve(token);
  return { app, routes };
}

/** The credentials the suite uses: a fixed few, so fuzzing never creates organizations. */
export const TOKENS = ['test-token', 'other-token'] as const;

/** The surface's own credential header for a token (the control API is open). */
export function authFor(surface: Surface, token: string = TOKENS[0]): Record<string, string> {
  if (surface === 'blueai') return bearer(token);
  if (surface === 'close') return basic(token);
  return {};
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysAre = (o: Json, required: string[], optional: string[] = []) =>
  required.every((k) => k in o) && Object.keys(o).every((k) => required.includes(k) || optional.includes(k));

/** A code that does not go with the status (a 403 called VALIDATION_ERROR). */
const codeProblem = (status: number, code: string) =>
  CODE_OF_STATUS[status] === undefined || CODE_OF_STATUS[status] === code ? null : `code ${code} for a ${status} (expected ${CODE_OF_STATUS[status]})`;

/** Why a 4xx/5xx body is not the surface's error envelope, or null when it is exactly that. */
export function envelopeProblem(surface: Surface, status: number, res: LightMyRequestResponse): string | null {
  if (!/^application\/json/.test(String(res.headers['content-type']))) return `content-type ${res.headers['content-type']}`;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return 'body is not JSON';
  }
  if (!isObject(body)) return 'body is not an object';
  if (surface === 'blueai') {
    const e = body.error;
    if (!keysAre(body, ['error']) || !isObject(e) || !keysAre(e, ['code', 'message', 'details'])) return 'not {"error":{code,message,details}}';
    if (typeof e.code !== 'string' || typeof e.message !== 'string' || !isObject(e.details)) return 'wrong types in the BlueAI envelope';
    return codeProblem(status, e.code);
  }
  if (surface === 'control') {
    const e = body.error;
    if (!keysAre(body, ['error']) || !isObject(e) || !keysAre(e, ['code', 'message'], ['field', 'state'])) return 'not {"error":{code,message,field?,state?}}';
    if (typeof e.code !== 'string' || typeof e.message !== 'string' || ('field' in e && typeof e.field !== 'string')) return 'wrong types in the control envelope';
    return codeProblem(status, e.code);
  }
  // Close: 400 field errors, 429 {"error":{rate_reset,message}}, else {"error":"message"}.
  if ('field-errors' in body) {
    const fields = body['field-errors'];
    if (status !== 400 || !keysAre(body, ['errors', 'field-errors']) || !Array.isArray(body.errors) || !isObject(fields)) return 'not {"errors":[],"field-errors":{}}';
    if (!body.errors.every((m) => typeof m === 'string') || !Object.values(fields).every((m) => typeof m === 'string')) return 'non-string Close error messages';
    return null;
  }
  if (status === 429) {
    const e = body.error;
    return keysAre(body, ['error']) && isObject(e) && keysAre(e, ['rate_reset', 'message']) && typeof e.message === 'string' ? null : 'not Close\'s 429 shape';
  }
  return keysAre(body, ['error']) && typeof body.error === 'string' ? null : 'not {"error":"message"}';
}

/**
 * Sends one request and says what is wrong with the answer (null: nothing): a 5xx; a 4xx that is
 * not the surface's envelope; a 4xx after which any organization's rows differ.
 */
export async function inspect(app: FastifyInstance, req: InjectOptions & { url: string }): Promise<{ problem: string | null; res: LightMyRequestResponse }> {
  const before = tableDigests(app);
  const res = await app.inject(req);
  const where = `${req.method ?? 'GET'} ${req.url.slice(0, 300)} → ${res.statusCode}`;
  const problem = (): string | null => {
    if (res.statusCode >= 500) return `${where}: a 5xx: ${res.body.slice(0, 500)}`;
    if (res.statusCode < 400) return null;
    const surface = surfaceOf(req.url) ?? 'control';
    const wrong = envelopeProblem(surface, res.statusCode, res);
    if (wrong) return `${where}: ${wrong}: ${res.body.slice(0, 500)}`;
    const after = tableDigests(app);
    const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
    return changed.length ? `${where}: a rejected request changed rows of ${changed.join(', ')}` : null;
  };
  return { problem: problem(), res };
}

export const problemWith = async (app: FastifyInstance, req: InjectOptions & { url: string }): Promise<string | null> => (await inspect(app, req)).problem;

/**
 * One hash per table of every organization's rows: each tenant table (every table with `org_id`),
 * `orgs` and `credentials` — what test/control/helper.ts's digest covers, kept apart to name the
 * table a rejected request changed.
 */
export function tableDigests(app: FastifyInstance): Record<string, string> {
  // SQLite counts every row inserted, updated or deleted (triggers and cascades too): while that count
  // stands still no row can differ, and the last digests still hold.
  // Each organization's rows live in its own database, so the count is taken in app.db and in each of them.
  const orgs = app.tenants.list().map((o) => o.id);
  const total = (db: FastifyInstance['db']) => db.prepare('SELECT total_changes()').pluck().get() as number;
  const changes = [total(app.db), ...orgs.map((id) => `${id}:${total(app.tenants.db(id))}`)].join(',');
  const last = lastDigests.get(app);
  if (last?.changes === changes) return last.digests;
  // A tenant table's rows: every organization's, each read from its own database.
  const rows: Record<string, unknown[]> = {};
  for (const id of orgs) {
    const db = app.tenants.db(id);
    for (const table of tenantTables(db)) rows[table] = (rows[table] ?? []).concat(db.prepare(`SELECT * FROM ${table} WHERE org_id = ? ORDER BY 1, 2, 3`).raw().all(id));
  }
  for (const table of ['orgs', 'credentials']) rows[table] = app.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).raw().all();
  const out: Record<string, string> = {};
  for (const [table, all] of Object.entries(rows)) out[table] = createHash('sha256').update(JSON.stringify(all)).digest('hex');
  lastDigests.set(app, { changes, digests: out });
  return out;
}
const lastDigests = new WeakMap<FastifyInstance, { changes: string; digests: Record<string, string> }>();

// The seed and run count of every property: test/fc.ts (re-exported for the hostile files).
export { DEFAULT_RUNS_DIVISOR, fcParams, holds, runsOf } from '../fc.js';

/** A route's URL with each `:param` (and a `*` wildcard) replaced by the given segments. */
export function fill(url: string, segments: string[]): string {
  let i = 0;
  return url.replace(/:[A-Za-z_]+|\*/g, () => segments[i++ % Math.max(1, segments.length)] ?? 'x');
}

/**
 * Undoes what a successful control call may leave behind that would spoil later cases: fault rules
 * (they inject 5xx on purpose), rate limits (every later call a 429) and a running background ticker
 * (it changes rows between a rejected request's two digests); and an organization a reset or delete
 * removed is back, so a later case does not create it.
 */
export function calm(app: FastifyInstance): void {
  for (const token of TOKENS) app.tenants.resolve(token);
  app.faults.clear();
  app.rateLimiter.clearAll();
  app.jobs.setTicker({ running: false });
}

/** A Close bulk edit run to the end, so job routes have a real id that no long poll waits on. */
export async function finishedJob(app: FastifyInstance): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/api/v1/bulk_action/edit/', headers: basic(TOKENS[0]),
    payload: { type: 'set_lead_status', s_query: leadsQuery(CLOSE.acmeInc), lead_status_id: CLOSE.status.customer },
  });
  const id = res.json().id as string | undefined;
  if (!id) throw new Error(`could not create a bulk edit: ${res.body}`);
  await app.inject({ method: 'POST', url: `/_mock/jobs/${id}/run` });
  return id;
}

/** problemWith, then calm: for properties whose cases may hit any control route. */
export const checkCalmly = (app: FastifyInstance) => async (req: InjectOptions & { url: string }): Promise<string | null> => {
  const problem = await problemWith(app, req);
  calm(app);
  return problem;
};
