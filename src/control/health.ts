import type { FastifyInstance } from 'fastify';
import { HealthResponse } from '../../schemas/control/health.js';
import { ControlError } from '../../schemas/control/common.js';
import { VERSION } from '../version.js';

/** Health is 200 only while the database is open and migrated and the app is not shutting down;
 * 503 otherwise. Never behind the control token (container health checks have none); a Host that is not one
 * of the emulator's names is a 403, as on every control route (./host-guard.ts). */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/health', { schema: { response: { 200: HealthResponse, 403: ControlError, 503: HealthResponse } } }, async (_request, reply) => {
    const ready = app.emulator.ready && app.db.open;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'unavailable',
      version: VERSION,
      database: app.db.memory ? 'memory' : 'file',
      organizations: ready ? app.tenants.orgCount() : 0,
      uptime_seconds: Math.round(process.uptime()),
    });
  });
}
