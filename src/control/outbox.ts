import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlErrors, NoContent } from '../../schemas/control/common.js';
import { OutboxList, OutboxQuery } from '../../schemas/control/jobs.js';

/** What the vendors would have emailed: Close's "bulk edit done" messages, oldest first. */
export default async function outboxRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const orgId = (ref: string | undefined) => (ref === undefined ? undefined : app.tenants.get(ref).id);
  app.get('/outbox', { schema: { querystring: OutboxQuery, response: { 200: OutboxList, ...controlErrors } } }, async (req) => ({
    data: app.outbox.list(orgId(req.query.org)),
  }));
  app.delete('/outbox', { schema: { querystring: OutboxQuery, response: { 204: NoContent, ...controlErrors } } }, async (req, reply) => {
    app.outbox.clear(orgId(req.query.org));
    return reply.status(204).send(null);
  });
}
