import type { FastifyInstance } from 'fastify';
import { HealthResponse } from '../../schemas/control/health.js';

/** The emulator's own API under /_mock/: consistent JSON, no vendor envelope. Health is 200 only
 * while the database is open and migrated and the app is not shutting down; 503 otherwise. */
export default async function controlPlugin(app: FastifyInstance) {
  app.get('/health', { schema: { response: { 200: HealthResponse, 503: HealthResponse } } }, async (_request, reply) => {
    const ready = app.emulator.ready && app.db.open;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'unavailable',
      organizations: ready ? app.tenants.orgCount() : 0,
      uptime_seconds: Math.round(process.uptime()),
    });
  });
}
