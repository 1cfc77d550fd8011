import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, closeErrors } from '../../../schemas/close/common.js';
import { CloseEvent, EventList, EventListQuery } from '../../../schemas/close/events.js';
import { listEvents } from '../store/event-list.js';

/** Close's event log: what the API's writes did, newest first, for 30 days (src/close/store/events.ts). */
export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const events = app.closeStore.events;

  app.get('/event/', { schema: { querystring: EventListQuery, response: { 200: EventList, ...closeErrors } } }, async (req) =>
    listEvents(events, req.closeOrg.id, req.query));

  app.get('/event/:id/', { schema: { params: IdParams, response: { 200: CloseEvent, ...closeErrors } } }, async (req) =>
    events.get(req.closeOrg.id, req.params.id));
}
