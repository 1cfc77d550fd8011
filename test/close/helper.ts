import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { seed, orgOf, snapshot } from '../helper.js';

// Helpers for the Close resource tests (resources-*.test.ts).

export const API = '/api/v1';
export const KEY = 'close-resources-key';

/** Close's HTTP Basic header: the API key as username, an empty password. */
export const closeAuth = (key = KEY) => ({ authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64') });

/** The seeded Close dataset (the same ids in every organization). */
export const CS = seed.close!;
export const SEEDED_LEAD = CS.leads[0]!;
export const fieldId = (name: string, objectType = 'lead'): string =>
  CS.custom_fields.find((f) => f.name === name && f.object_type === objectType)!.id;

export interface Call {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  payload?: unknown;
  key?: string;
}

/** One Close request with the test key. */
export function call(app: FastifyInstance, { method = 'GET', path, payload, key = KEY }: Call): Promise<LightMyRequestResponse> {
  return app.inject({ method, url: API + path, headers: closeAuth(key), ...(payload === undefined ? {} : { payload: payload as object }) });
}

export const closeOrg = (app: FastifyInstance, key = KEY) => orgOf(app, key);

/** Every Close table of one organization, to prove a rejected request changed nothing. */
const TABLES = [
  'close_leads', 'close_contacts', 'close_opportunities', 'close_activities', 'close_custom_objects', 'close_custom_values',
  'close_custom_fields', 'close_shared_field_associations', 'close_lead_statuses', 'close_opportunity_statuses', 'close_pipelines',
  'close_tasks', 'close_connected_accounts', 'close_sequences', 'close_sequence_subscriptions',
  'close_tasks', 'close_email_templates', 'close_email_activities', 'close_unsubscribed_emails', 'close_events',
  'close_comment_threads', 'close_comments', 'close_lead_merges',
  'close_saved_searches', 'close_roles', 'close_send_as', 'close_dialer_sessions', 'close_integration_links',
  'close_typed_activities',
];
export const closeState = (app: FastifyInstance, key = KEY) => TABLES.map((t) => snapshot(app, t, closeOrg(app, key))).join('\n');

/** A 400 `{"errors": [], "field-errors": {...}}` naming `field`. */
export function isFieldError(t: Test, res: LightMyRequestResponse, field: string) {
  t.equal(res.statusCode, 400, `400 for ${field}`);
  const body = res.json();
  t.same(Object.keys(body).sort(), ['errors', 'field-errors'], 'validation envelope');
  t.same(body.errors, []);
  t.type(body['field-errors'][field], 'string', `field-errors names ${field}: ${JSON.stringify(body['field-errors'])}`);
}

/** A generic `{"error": "..."}` with the status. */
export function isError(t: Test, res: LightMyRequestResponse, status: number) {
  t.equal(res.statusCode, status, `status ${status}`);
  const body = res.json();
  t.same(Object.keys(body), ['error']);
  t.type(body.error, 'string');
  return body.error as string;
}

/** Reads an organization's rows straight from its database (`orgId` is the statement's first parameter). */
export function rows(app: FastifyInstance, sql: string, orgId: string, ...params: unknown[]): Record<string, unknown>[] {
  return app.tenants.db(orgId).prepare(sql).all(orgId, ...params) as Record<string, unknown>[];
}

/** Reads rows of the process-wide tables (`orgs`, `credentials`, `control_*`) straight from `app.db`. */
export function mainRows(app: FastifyInstance, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return app.db.prepare(sql).all(...params) as Record<string, unknown>[];
}

export function stored(app: FastifyInstance, objectId: string, field: string, key = KEY): unknown {
  const org = closeOrg(app, key);
  const v = app.tenants.db(org).prepare(`SELECT value FROM close_custom_values WHERE org_id = ? AND object_id = ? AND field_id = ?`).pluck()
    .get(org, objectId, field) as string | undefined;
  return v === undefined ? undefined : JSON.parse(v);
}

/** The standard invalid-JSON request on a write endpoint. */
export function badJson(app: FastifyInstance, method: 'POST' | 'PUT', path: string) {
  return app.inject({ method, url: API + path, headers: { ...closeAuth(), 'content-type': 'application/json' }, payload: '{"name":' });
}
