import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Org } from '../core/tenants.js';
import { ApiError, unauthorized } from '../core/errors.js';
import { closeErrorHandler } from './errors.js';
import { nearestRoute } from '../core/capture.js';
import { vendorPipeline } from '../core/vendor-hook.js';
import { CloseStore } from './store/index.js';
import { composeBulkKinds } from './jobs/index.js';
import { closeDataset } from './seed.js';
import registerRoutes from './routes/index.js';
import { BulkActionRunner, type StepProbe } from './jobs/runner.js';
import type { Timers } from '../core/timers.js';
import { CloseJobDriver, CloseOutbox } from './jobs/control.js';
import { apiKeyIdOf, withContext } from './store/event-context.js';
import { isWrite } from '../core/events.js';
import { WebhookDeliverer } from './webhooks/deliverer.js';
import { CloseWebhookDriver } from './webhooks/control.js';
import { BULK_LANE, DELIVERY_LANE } from './schedule.js';
import { DEFAULT_QUERY_TIMEOUT_MS, setQueryTimeout } from './query/budget.js';

declare module 'fastify' {
  interface FastifyRequest {
    closeOrg: Org;
    /** The Close user the API key belongs to. */
    closeUserId: string;
  }
  interface FastifyInstance {
    closeStore: CloseStore;
    /** Advances bulk actions; tests call `closeJobs.tick()` instead of waiting for the ticker. */
    closeJobs: BulkActionRunner;
    /** Sends Close webhook deliveries; tests and the control API call `closeWebhooks.flush()`. */
    closeWebhooks: WebhookDeliverer;
  }
}

/**
 * Close's API key: HTTP Basic with the key as username and an empty password, or `Bearer <token>`.
 * The same string as a BlueAI token reaches the same organization.
 */
export function closeCredential(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon < 0 ? decoded : decoded.slice(0, colon);
  return key || undefined;
}

/** A request URL's path (repeated slashes collapsed, as the router does) and its query string with its `?` ('' for none). */
function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  const path = (at < 0 ? url : url.slice(0, at)).replace(/\/{2,}/g, '/');
  return [path, at < 0 ? '' : url.slice(at)];
}

/**
 * Close state and its background worker live on the root instance (tests and the control API drive
 * `closeJobs.tick()`); the worker starts when the app is ready and stops when it closes.
 */
export function decorateClose(
  app: FastifyInstance, jobs: { tickBudgetMs?: number; probe?: StepProbe; timers?: Timers } = {},
  webhooks: { timeoutMs: number } = { timeoutMs: 10_000 },
  queries: { timeoutMs?: number | undefined } = {},
): void {
  app.datasets.register(closeDataset);
  // Every query the stores, routes and bulk actions evaluate runs on this handle.
  setQueryTimeout(app.orgDbs.routed, queries.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS);
  const store = new CloseStore(app.orgDbs.routed, app.clock, app.ids, { outbound: app.outbound, bulkKinds: composeBulkKinds });
  // Before a bulk action is stored, its organization joins the ones the control API lists jobs of;
  // before one is stored or resumed, the ticker's lane.
  store.bulkActions.onCreate = (orgId) => app.tenants.noteJobsOrWebhooks(orgId);
  store.bulkActions.onRunnable = (orgId) => app.scheduler.note(BULK_LANE, orgId, 0);
  app.decorate('closeStore', store);
  store.events.consolidationMs = app.emulator.options.eventWindowMs;
  store.events.crashPoint = () => app.emulator.crash.reach('close-event-before-record');
  app.tenants.onForget({ memory: (orgId) => store.stamp.forget(orgId) });
  const runner = new BulkActionRunner(app.orgDbs.routed, app.tenants, app.scheduler, app.ids, app.clock, store.bulkActions.kinds, {
    log: store.events, lifecycle: (row, action, before) => store.bulkActions.recordLifecycle(row, action, before),
  }, {
    batchSize: app.emulator.options.batchSize, log: app.log, crash: app.emulator.crash, changed: () => app.changes.notify('jobs'), ...jobs,
  });
  app.decorate('closeJobs', runner);
  app.decorate('jobs', new CloseJobDriver(app.orgDbs.routed, app.tenants, runner, store.bulkActions));
  app.decorate('outbox', new CloseOutbox(app.orgDbs.routed, app.tenants));
  // Subscriptions, like bulk actions, put their organization among the ones the control API lists
  // across; a delivery queued (before its insert) puts it in the deliverer's lane, due when it is.
  store.webhooks.onCreate = (orgId) => app.tenants.noteJobsOrWebhooks(orgId);
  store.webhooks.onPending = (orgId, dueMs) => app.scheduler.note(DELIVERY_LANE, orgId, dueMs);
  const deliverer = new WebhookDeliverer(app.tenants, app.scheduler, app.clock, store.webhooks, store.webhookDeliveries,
    { held: false, timeoutMs: webhooks.timeoutMs }, {
      log: app.log, changed: () => app.changes.notify('jobs'), outbound: app.outbound,
      faults: (orgId, url) => {
        if (app.faults.empty) return null;
        const hit = app.faults.pick({ vendor: 'close', method: 'POST', path: new URL(url).pathname, orgId, target: 'webhook' });
        if (hit) app.changes.notify('faults');
        return hit;
      },
    });
  app.decorate('closeWebhooks', deliverer);
  app.decorate('webhooks', new CloseWebhookDriver(app.tenants, store.webhookDeliveries, deliverer));
  app.tenants.onForget({ memory: (orgId) => orgId === null && deliverer.resetSettings() });
  app.addHook('onReady', async () => {
    runner.start(app.emulator.options.tickMs);
    // TICK_MS 0 (tests) leaves deliveries to POST /_mock/webhooks/flush too.
    deliverer.start(app.emulator.options.tickMs);
  });
  app.addHook('preClose', async () => {
    runner.stop();
    await deliverer.stop();
  });
}

/** Close API under /api/v1: its own auth hook, error shapes and 404. */
export default async function closePlugin(app: FastifyInstance) {
  app.decorateRequest('closeOrg', null as unknown as Org);
  app.decorateRequest('closeUserId', '');
  app.setErrorHandler(closeErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    // Real API: many more resources exist; here: only the ones in docs/close.md answer, the rest 404.
    // Real API: a 404 names no other route; here: the message ends with the nearest emulated one.
    const nearest = nearestRoute(request);
    reply.status(404).send({ error: `Not found: ${request.method} ${request.url.split('?')[0]} is not emulated${nearest ? `; nearest: ${nearest}` : ''}` });
  });
  // Real API: Close (Django, APPEND_SLASH) answers a path without its trailing slash whose slashed form is
  // a route with a permanent redirect there, query string kept, whatever the method and before any
  // credential is read; here too (ETL connectors build every path without the slash and rely on it).
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const [path, query] = splitUrl(request.url);
    if (path.endsWith('/') || !app.routeIndex.matches(`${path}/`)) return;
    return reply.redirect(`${path}/${query}`, 301);
  });
  vendorPipeline(app, {
    name: 'close',
    credential: closeCredential,
    missingCredential: () => unauthorized(),
    unknownCredential: () => unauthorized(),
    onOrg: (request, org) => {
      request.closeOrg = org;
      // The same until the organization's next write: read once, not per request (src/core/answer-cache.ts).
      request.closeUserId = app.answers.get(app.orgDbs.routed, 'close\0apiUser', () => app.closeStore.users.apiUser(org.id));
    },
    rateHeaders: (reply, rate) => reply.header('RateLimit', `limit=${rate.limit}, remaining=${rate.remaining}, reset=${rate.resetSeconds}`),
    rateLimited: (rate) =>
      new ApiError(429, 'RATE_LIMITED', `API call rate limit exceeded. Please wait ${rate.resetSeconds} seconds.`, {
        retry_after: rate.resetSeconds,
      }),
  });
  // A write's events share its request id, user, API key and method / path (src/close/store/event-context.ts);
  // after the pipeline's preHandler, so the handler runs inside both contexts. Reads record nothing: no context.
  app.addHook('preHandler', (request, _reply, done) => {
    if (request.orgId === null || !isWrite(request.method)) return done();
    const credential = closeCredential(request);
    withContext({
      request_id: app.ids.base62('req_', 22), user_id: request.closeUserId || null, api_key_id: credential ? apiKeyIdOf(credential) : null,
      meta: { request_method: request.method, request_path: request.url.split('?')[0] },
    }, done);
  });
  await registerRoutes(app);
}
