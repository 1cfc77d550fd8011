import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlErrors } from '../../schemas/control/common.js';
import { RequestCount, RequestFilterQuery, RequestList, RequestListQuery } from '../../schemas/control/requests.js';
import { journalFilter } from './filters.js';

/** The request journal: what the emulator was asked, newest first, and what it answered. */
export default async function requestRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/requests', { schema: { querystring: RequestListQuery, response: { 200: RequestList, ...controlErrors } } }, async (req) =>
    app.journal.list(journalFilter(app, req.query), req.query.limit));

  app.get('/requests/count', { schema: { querystring: RequestFilterQuery, response: { 200: RequestCount, ...controlErrors } } }, async (req) =>
    ({ count: app.journal.count(journalFilter(app, req.query)) }));

  app.delete('/requests', { schema: { querystring: RequestFilterQuery, response: { 204: { type: 'null' }, ...controlErrors } } }, async (req, reply) => {
    app.journal.clear(journalFilter(app, req.query));
    return reply.status(204).send();
  });
}
