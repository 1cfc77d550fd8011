import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { controlErrors } from '../../schemas/control/common.js';
import { HomeIndex, HomeRedirect, type HomeIndexT } from '../../schemas/control/home.js';
import { VERSION } from '../version.js';
import { controlErrorHandler } from './errors.js';
import { HostGuard, type HostGuardOptions } from './host-guard.js';

/** Where a browser lands: the dashboard (./ui.ts). */
export const DASHBOARD = '/_mock/ui/';

const INDEX: HomeIndexT = {
  name: 'crm-bulk-emulator',
  version: VERSION,
  links: {
    dashboard: DASHBOARD,
    docs: '/_mock/docs',
    openapi: { close: '/_mock/openapi/close.json', blueai: '/_mock/openapi/blueai.json', control: '/_mock/openapi/control.json' },
    health: '/_mock/health',
    control: '/_mock/',
    close: '/api/v1/',
    blueai: '/api/v1/crm/',
  },
};

/** Media types a browser asks for when it navigates to a page. */
const PAGE_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Whether an Accept header asks for a page: text/html (or XHTML) with a q above 0 and above that of an
 * explicit application/json. Wildcards count for neither (curl's `*∕*` is a program). At most 64 entries
 * are read: the header is split, never matched by a pattern.
 */
export function wantsPage(accept: string | undefined): boolean {
  if (!accept) return false;
  let page = 0;
  let json = 0;
  for (const entry of accept.split(',', 64)) {
    const [type = '', ...params] = entry.split(';', 8);
    const media = type.trim().toLowerCase();
    const qParam = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    const parsed = qParam === undefined ? 1 : Number(qParam.slice(2));
    const q = Number.isFinite(parsed) ? Math.min(Math.max(parsed, 0), 1) : 0;
    if (PAGE_TYPES.has(media)) page = Math.max(page, q);
    else if (media === 'application/json') json = Math.max(json, q);
  }
  return page > 0 && page > json;
}

function answer(request: FastifyRequest, reply: FastifyReply) {
  reply.header('vary', 'Accept');
  if (wantsPage(request.headers.accept)) return reply.redirect(DASHBOARD, 302);
  return reply.send(INDEX);
}

const schema = {
  summary: 'Where to go: a browser is sent to the dashboard, a program gets links',
  response: { 200: HomeIndex, 302: HomeRedirect, ...controlErrors },
};

/**
 * GET /_mock (and /_mock/): inside the control plugin, so the Host guard holds; no CONTROL_TOKEN needed
 * (links only, no data; see ./plugin.ts).
 */
export default async function homeRoutes(app: FastifyInstance) {
  app.get('/', { schema }, answer);
}

/**
 * GET / on the root: the same answer as GET /_mock, behind the same Host guard and in the control API's
 * error envelope (the control plugin's hooks do not reach outside /_mock). Not in any OpenAPI document:
 * / belongs to no surface. Register it as a plugin (its hooks then hold for / only).
 */
export async function rootRoutes(app: FastifyInstance, opts: HostGuardOptions) {
  app.setErrorHandler(controlErrorHandler);
  const hosts = new HostGuard(opts);
  app.addHook('onRequest', async (request) => {
    const refusal = hosts.check(request.headers.host);
    if (refusal) throw refusal;
  });
  app.get('/', { schema: { ...schema, hide: true } }, answer);
}
