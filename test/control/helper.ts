import { createHash } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Test } from 'tap';
import { tenantTables } from '../../src/core/db.js';

// Helpers for the control API tests.

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One control API call; `payload` as JSON. */
export function ctl(app: FastifyInstance, method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: `/_mock${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

/** A digest of every row of every vendor table of one organization (or all, without orgId). */
export function digest(app: FastifyInstance, orgId?: string): string {
  const h = createHash('sha256');
  // Each organization's rows live in its own database: all organizations is every listed one's, in turn.
  for (const id of orgId === undefined ? app.tenants.list().map((o) => o.id) : [orgId]) {
    const db = app.tenants.db(id);
    for (const table of tenantTables(db)) {
      const rows = db.prepare(`SELECT * FROM ${table} WHERE org_id = ? ORDER BY 1, 2, 3`).raw().all(id);
      h.update(table).update(JSON.stringify(rows));
    }
  }
  const orgs = orgId === undefined ? `1 = 1` : `id = @org`;
  h.update(JSON.stringify(app.db.prepare(`SELECT * FROM orgs WHERE ${orgs} ORDER BY id`).raw().all({ org: orgId ?? null })));
  h.update(JSON.stringify(app.db.prepare(`SELECT * FROM credentials WHERE ${orgs.replace('id', 'org_id')} ORDER BY token`).raw().all({ org: orgId ?? null })));
  return h.digest('hex');
}

/** Asserts a control error: status, code, and (if given) the field it names; returns the error. */
export function isControlError(t: Test, res: LightMyRequestResponse, status: number, code: string, field?: string | RegExp) {
  t.equal(res.statusCode, status, `status ${status}`);
  const body = res.json();
  t.same(Object.keys(body), ['error']);
  t.equal(body.error.code, code);
  t.type(body.error.message, 'string');
  if (field !== undefined) t.match(body.error.field, field);
  return body.error as { code: string; message: string; field?: string; state?: Record<string, unknown> };
}
