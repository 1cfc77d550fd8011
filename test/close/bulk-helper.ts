import type { FastifyInstance } from 'fastify';
import { basic } from './seed-ids.js';
import { orgOf } from '../helper.js';

export const EDIT_URL = '/api/v1/bulk_action/edit/';

export async function createEdit(app: FastifyInstance, payload: Record<string, unknown>, key = 'close-key') {
  return app.inject({ method: 'POST', url: EDIT_URL, headers: basic(key), payload });
}

export async function getEdit(app: FastifyInstance, id: string, key = 'close-key') {
  return (await app.inject({ url: `${EDIT_URL}${id}/`, headers: basic(key) })).json();
}

/** Ticks until the bulk edit is done or in error (at most `max` ticks); returns the statuses seen. */
export async function runToEnd(app: FastifyInstance, id: string, key = 'close-key', max = 1000): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    app.closeJobs.tick();
    const { status } = await getEdit(app, id, key);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (status === 'done' || status === 'error') return seen;
  }
  throw new Error(`bulk edit ${id} did not finish in ${max} ticks`);
}

/** A custom value as stored (parsed JSON), or undefined. */
export function storedValue(app: FastifyInstance, objectId: string, fieldId: string, key = 'close-key'): unknown {
  const org = orgOf(app, key);
  const v = app.tenants.db(org).prepare(`SELECT value FROM close_custom_values WHERE org_id = ? AND object_id = ? AND field_id = ?`).pluck()
    .get(org, objectId, fieldId) as string | undefined;
  return v === undefined ? undefined : JSON.parse(v);
}

export function leadStatus(app: FastifyInstance, leadId: string, key = 'close-key'): string {
  const org = orgOf(app, key);
  return app.tenants.db(org).prepare(`SELECT status_id FROM close_leads WHERE org_id = ? AND id = ?`).pluck().get(org, leadId) as string;
}

export function editCount(app: FastifyInstance, key = 'close-key'): number {
  const org = orgOf(app, key);
  return app.tenants.db(org).prepare(`SELECT count(*) FROM close_bulk_actions WHERE org_id = ?`).pluck().get(org) as number;
}

/** Any bulk action kind: edit, delete, email, sequence_subscription. */
export const actionUrl = (kind: string) => `/api/v1/bulk_action/${kind}/`;

export async function createAction(app: FastifyInstance, kind: string, payload: Record<string, unknown>, key = 'close-key') {
  return app.inject({ method: 'POST', url: actionUrl(kind), headers: basic(key), payload });
}

export async function getAction(app: FastifyInstance, kind: string, id: string, key = 'close-key') {
  return (await app.inject({ url: `${actionUrl(kind)}${id}/`, headers: basic(key) })).json();
}

/** Ticks until the bulk action is done or in error; returns the statuses seen. */
export async function runActionToEnd(app: FastifyInstance, kind: string, id: string, key = 'close-key', max = 1000): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    app.closeJobs.tick();
    const { status } = await getAction(app, kind, id, key);
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (status === 'done' || status === 'error') return seen;
  }
  throw new Error(`bulk ${kind} ${id} did not finish in ${max} ticks`);
}

/** Rows of one organization's table (`WHERE org_id = ?` + more). */
export function orgRows(app: FastifyInstance, sql: string, key = 'close-key', ...params: unknown[]): Record<string, unknown>[] {
  const org = orgOf(app, key);
  return app.tenants.db(org).prepare(sql).all(org, ...params) as Record<string, unknown>[];
}
