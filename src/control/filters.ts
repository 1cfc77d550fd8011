import type { FastifyInstance } from 'fastify';
import { badField, notFound } from '../core/errors.js';
import { globMatcher, normalizeMethod } from '../core/match.js';
import type { JournalFilter } from '../core/journal.js';
import type { RequestFilterQueryT } from '../../schemas/control/requests.js';

/** An organization named by credential or `orga_` id; unknown → 404. */
export function orgIdOf(app: FastifyInstance, ref: string): string {
  const org = app.tenants.find(ref);
  if (!org) throw notFound(`No organization with id or credential "${ref}"`);
  return org.id;
}

/** The journal filter a query string asks for; a bad value → 400 naming it. */
export function journalFilter(app: FastifyInstance, q: RequestFilterQueryT): JournalFilter {
  const filter: JournalFilter = {};
  if (q.vendor !== undefined) filter.vendor = q.vendor;
  if (q.method !== undefined) {
    const method = normalizeMethod(q.method);
    if (!method) throw badField('method', 'must be an HTTP method such as GET or POST');
    filter.method = method;
  }
  if (q.path !== undefined) {
    try {
      filter.path = globMatcher(q.path);
    } catch (err) {
      throw badField('path', (err as Error).message);
    }
  }
  if (q.status !== undefined) {
    const m = /^(?:([1-5]\d\d)|([1-5])xx)$/i.exec(q.status);
    if (!m) throw badField('status', 'must be a status such as 404 or a class such as 4xx');
    filter.status = m[1] ? { exact: Number(m[1]) } : { class: Number(m[2]) };
  }
  if (q.since !== undefined) {
    const ms = Date.parse(q.since);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(q.since) || Number.isNaN(ms)) throw badField('since', 'must be an ISO 8601 instant such as 2026-01-15T09:00:00Z');
    filter.sinceMs = ms;
  }
  if (q.after !== undefined) filter.afterId = q.after;
  if (q.org !== undefined) filter.org = orgIdOf(app, q.org);
  return filter;
}
