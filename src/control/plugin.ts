import type { FastifyInstance } from 'fastify';
import { HealthResponse } from '../../schemas/control/health.js';

/** The emulator's own API under /_mock/: consistent JSON, no vendor envelope. */
export default async function controlPlugin(app: FastifyInstance) {
  app.get('/health', { schema: { response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    const ready = app.emulator.ready && app.db.open;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'unavailable',
      organizations: ready ? app.tenants.orgCount() : 0,
      uptime_seconds: Math.round((Date.now() - app.emulator.startedAt.getTime()) / 1000),
    });
  });
}
