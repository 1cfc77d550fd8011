import type { Test } from 'tap';
import type { FastifyInstance } from 'fastify';
import { bearer } from '../helper.js';
import { closeAuth } from '../close/helper.js';

/** Creates a fault rule through the control API, asserting the 201. */
export async function addFault(t: Test, app: FastifyInstance, rule: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await app.inject({ method: 'POST', url: '/_mock/faults', payload: rule });
  t.equal(res.statusCode, 201, `POST /_mock/faults ${JSON.stringify(rule)}`);
  return res.json();
}

export const faultRows = (app: FastifyInstance) => app.db.prepare(`SELECT * FROM control_faults ORDER BY seq`).all() as Record<string, any>[];

/** One BlueAI and one Close call that succeed unless a fault fires. */
export const deals = (app: FastifyInstance, token = 'f') => app.inject({ url: '/api/v1/crm/deals?limit=1', headers: bearer(token) });
export const me = (app: FastifyInstance, key = 'f') => app.inject({ url: '/api/v1/me/', headers: closeAuth(key) });
