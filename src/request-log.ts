import type { FastifyInstance } from 'fastify';
import { surfaceOf } from './control/openapi.js';

/**
 * One log line per request, at info, when its answer is sent: method, path (no query string: it may
 * hold search terms), status, milliseconds, vendor and organization. Replaces Fastify's two lines
 * (incoming request, request completed). Health checks (a Docker HEALTHCHECK polls them) log at debug.
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    const path = request.url.split('?')[0]!;
    const status = reply.statusCode;
    const ms = Math.round(reply.elapsedTime);
    const line = { method: request.method, path, status, ms, vendor: surfaceOf(request.url) ?? null, organization: request.orgId };
    const message = `${request.method} ${path} ${status} ${ms}ms`;
    if (path === '/_mock/health') request.log.debug(line, message);
    else request.log.info(line, message);
    done();
  });
}
