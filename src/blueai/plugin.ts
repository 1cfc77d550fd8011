import type { FastifyInstance, FastifyRequest } from 'fastify';
import multipart from '@fastify/multipart';
import type { Org } from '../core/tenants.js';
import { ApiError } from '../core/errors.js';
import { nearestRoute } from '../core/capture.js';
import { vendorPipeline, type VendorPipeline } from '../core/vendor-hook.js';
import { portVendor } from '../core/ports.js';
import { SESSION_COOKIE } from '../../schemas/blueai/common.js';
import { BlueAIStore } from './store/index.js';
import { BlueAIAuth } from './auth.js';
import { blueaiDataset } from './seed.js';
import { blueaiEnvelope, blueaiErrorHandler } from './errors.js';
import dealRoutes from './routes/deals.js';
import contactRoutes from './routes/contacts.js';
import companyRoutes from './routes/companies.js';
import pipelineRoutes from './routes/pipelines.js';
import memberRoutes from './routes/members.js';
import bulkRoutes from './routes/bulk.js';
import activityRoutes from './routes/activities.js';
import tagRoutes from './routes/tags.js';
import customFieldRoutes from './routes/custom-fields.js';
import reportRoutes from './routes/reports.js';
import authRoutes from './routes/auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    org: Org;
  }
  interface FastifyInstance {
    blueai: BlueAIStore;
    /** Sign-in and sessions (the control API lists and revokes sessions through it). */
    blueaiAuth: BlueAIAuth;
  }
}


/**
 * One cookie's value in a Cookie header as the `cookie` package reads it (the first of that name,
 * trimmed, quotes dropped, percent-decoded when it decodes), without parsing the others.
 */
export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (!value.includes('%')) return value;
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** The session token: the better-auth cookie, else `Authorization: Bearer`. */
export function blueaiCredential(request: FastifyRequest): string | undefined {
  // Parsed here, only when a Cookie header came: no cookie plugin's hooks on every request of every vendor.
  const header = request.headers.cookie;
  const fromCookie = header ? cookieValue(header, SESSION_COOKIE) : undefined;
  if (fromCookie) return fromCookie;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return m?.[1];
}

/** BlueAI's state on the root instance (the control API reaches its sessions), before any plugin registers. */
export function decorateBlueAI(app: FastifyInstance): void {
  const store = new BlueAIStore(app.orgDbs.routed, app.ids, app.clock, app.emulator.crash);
  app.decorate('blueai', store);
  app.decorate('blueaiAuth', new BlueAIAuth(app.db, app.tenants, store));
  app.datasets.register(blueaiDataset);
  app.decorateRequest('org', null as unknown as Org);
}

/** The request pipeline's BlueAI parts, shared by the CRM API and the sign-in routes. */
function blueaiVendor(app: FastifyInstance): VendorPipeline {
  return {
    name: 'blueai',
    credential: blueaiCredential,
    resolve: (token) => app.blueaiAuth.resolve(token),
    missingCredential: () => new ApiError(401, 'UNAUTHORIZED', 'Authentication required: send the better-auth.session_token cookie or a Bearer token'),
    onOrg: (request, org) => {
      request.org = org;
    },
    // Real API: documents X-RateLimit-Limit/-Remaining and Retry-After; here: X-RateLimit-Reset
    // (seconds) as well, so a client can wait without first being refused.
    rateHeaders: (reply, rate) =>
      reply.header('X-RateLimit-Limit', rate.limit).header('X-RateLimit-Remaining', rate.remaining).header('X-RateLimit-Reset', rate.resetSeconds),
    rateLimited: (rate) =>
      new ApiError(429, 'RATE_LIMITED', `Too many requests: limit is ${rate.limit} per window; retry in ${rate.resetSeconds} s`, {
        retry_after: rate.resetSeconds,
      }),
  };
}

/** BlueAI CRM API under /api/v1/crm: its own auth hook, error envelope and 404. */
export default async function blueaiPlugin(app: FastifyInstance) {
  app.setErrorHandler(blueaiErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    const nearest = nearestRoute(request);
    const message = `Route ${request.method} ${request.url.split('?')[0]} not found${nearest ? `; nearest: ${nearest}` : ''}`;
    // Real API: details is empty; here: it names the nearest emulated route.
    reply.status(404).send(blueaiEnvelope('NOT_FOUND', message, nearest ? { nearest_route: nearest } : {}));
  });
  vendorPipeline(app, blueaiVendor(app));
  await app.register(multipart, {
    limits: { fileSize: app.emulator.options.uploadLimit, files: 1, fields: 10, parts: 20 },
  });
  await app.register(dealRoutes);
  await app.register(contactRoutes);
  await app.register(companyRoutes);
  await app.register(pipelineRoutes);
  await app.register(memberRoutes);
  await app.register(bulkRoutes);
  await app.register(activityRoutes);
  await app.register(tagRoutes);
  await app.register(customFieldRoutes);
  await app.register(reportRoutes);
}

/**
 * BlueAI's sign-in and current user, which live under Close's prefix (registered at /api/v1): every
 * `/api/v1/auth/…` path is BlueAI's (Close has none); `GET /api/v1/me` without the slash is BlueAI's
 * when it carries BlueAI's credential (session cookie or Bearer), and otherwise gets Close's redirect
 * to `/api/v1/me/` (Basic, or no credential at all, as Close answered it before). On a vendor's own
 * port (CLOSE_PORT, BLUEAI_PORT) the port decides instead.
 */
export async function blueaiAuthPlugin(app: FastifyInstance) {
  app.setErrorHandler(blueaiErrorHandler);
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== '/api/v1/me') return;
    const port = portVendor(request);
    if (port === 'blueai' || (port === undefined && blueaiCredential(request) !== undefined)) return;
    // Real API: Close redirects a slash-less path before reading any credential; here too.
    const at = request.url.indexOf('?');
    return reply.redirect(`/api/v1/me/${at < 0 ? '' : request.url.slice(at)}`, 301);
  });
  const admit = vendorPipeline(app, blueaiVendor(app), { prefix: '/api/v1/auth', exact: ['/api/v1/me'] });
  await app.register(authRoutes, { admit });
}
