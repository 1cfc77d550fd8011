import type { FastifyInstance } from 'fastify';
import { ApiError } from '../core/errors.js';
import { isWrite } from '../core/events.js';
import { controlErrorHandler } from './errors.js';
import healthRoutes from './health.js';
import orgRoutes from './orgs.js';
import clockRoutes from './clock.js';
import jobRoutes from './jobs.js';
import rateLimitRoutes from './rate-limit.js';
import outboxRoutes from './outbox.js';
import openapiRoutes, { isDocsPage } from './openapi.js';
import requestRoutes from './requests.js';
import faultRoutes from './faults.js';
import eventRoutes from './events.js';
import uiRoutes, { isUiFile } from './ui.js';
import webhookRoutes from './webhooks.js';
import homeRoutes from './home.js';
import sessionRoutes from './sessions.js';
import { browserGuard } from './browser-guard.js';
import { HostGuard } from './host-guard.js';

/**
 * The emulator's own API under /_mock/: consistent JSON in one envelope ({"error": {"code",
 * "message", "field"?}}), one file per concern. With a CONTROL_TOKEN, every route but health needs
 * `Authorization: Bearer <token>` (the index at /_mock, the dashboard's and the docs page's files hold no data and are open too).
 * With or without a token, a Host that is not one of this emulator's names (DNS rebinding, ./host-guard.ts),
 * writes from another site's browser page and bodies that are not JSON are refused before anything else
 * (./browser-guard.ts).
 */
export default async function controlPlugin(app: FastifyInstance, opts: { controlToken?: string; allowedHosts?: string[]; listenHost?: string }) {
  app.setErrorHandler(controlErrorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `Route ${request.method} ${request.url.split('?')[0]} not found in the control API` } });
  });
  // `curl -X POST …/jobs/{id}/run` sends no body: treat it as {} so optional fields take defaults
  // (and a route that needs fields names them, rather than "body must be object").
  app.addHook('preValidation', async (request) => {
    if (request.body === undefined || request.body === null) request.body = {};
  });
  // Every control call that writes is news for the dashboard's live feed (GET /_mock/events).
  app.addHook('onResponse', (request, _reply, done) => {
    if (app.changes.size > 0 && isWrite(request.method)) app.changes.notify('control');
    done();
  });
  const hosts = new HostGuard({ allowedHosts: opts.allowedHosts, listenHost: opts.listenHost });
  app.addHook('onRequest', async (request) => {
    const refusal = hosts.check(request.headers.host) ?? browserGuard(request);
    if (refusal) throw refusal;
  });
  const token = opts.controlToken;
  if (token) {
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?', 1)[0]!;
      if (path === '/_mock/health' || path === '/_mock' || path === '/_mock/' || isUiFile(path) || isDocsPage(path)) return;
      const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (m?.[1] !== token) throw new ApiError(401, 'UNAUTHORIZED', 'The control API needs Authorization: Bearer <CONTROL_TOKEN>');
    });
  }
  await app.register(healthRoutes);
  await app.register(orgRoutes);
  await app.register(clockRoutes);
  await app.register(jobRoutes);
  await app.register(rateLimitRoutes);
  await app.register(outboxRoutes);
  await app.register(openapiRoutes);
  await app.register(requestRoutes);
  await app.register(faultRoutes);
  await app.register(eventRoutes);
  await app.register(webhookRoutes);
  await app.register(sessionRoutes);
  await app.register(uiRoutes);
  await app.register(homeRoutes);
}
