import type { FastifyInstance } from 'fastify';
import { ctl } from '../control/helper.js';
import { call } from './helper.js';

// Helpers of the event log tests (events.test.ts, events-list.test.ts).

export type Ev = {
  id: string; object_type: string; object_id: string; lead_id: string | null; action: string; changed_fields: string[];
  previous_data: Record<string, unknown> | null; data: Record<string, unknown> | null; meta: Record<string, unknown>;
  request_id: string | null; user_id: string | null; api_key_id: string | null; organization_id: string; date_created: string; date_updated: string;
};
export type Page = { data: Ev[]; cursor_next: string | null; cursor_previous: string | null };

export const events = async (app: FastifyInstance, qs = ''): Promise<Page> => {
  const res = await call(app, { path: `/event/${qs ? '?' + qs : ''}` });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as Page;
};
export const freeze = (app: FastifyInstance, now = '2026-11-02T20:00:00Z') => ctl(app, 'PUT', '/clock', { now, frozen: true });
export const advance = (app: FastifyInstance, by: string | number) => ctl(app, 'POST', '/clock/advance', { by });
export const createLead = async (app: FastifyInstance, body: Record<string, unknown> = { name: 'Acme' }) => {
  const res = await call(app, { method: 'POST', path: '/lead/', payload: body });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json() as { id: string; contacts: { id: string }[]; created_by: string };
};
