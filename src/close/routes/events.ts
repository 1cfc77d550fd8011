import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IdParams, closeErrors } from '../../../schemas/close/common.js';
import type { Static } from '@sinclair/typebox';
import { CloseEventAnswer, EventList, EventListQuery, type CloseEventT } from '../../../schemas/close/events.js';
import { listEvents } from '../store/event-list.js';
import { eventDate } from '../store/events.js';

const HOUR_MS = 3600_000;
type Shown = Static<typeof CloseEventAnswer>;

/** Close's event log: what the API's writes did, newest first, for 30 days (src/close/store/events.ts). */
export default async function eventRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { events, users, clock } = app.closeStore;

  /**
   * Real API: for non-admins, `data` and `previous_data` appear only on events no older than 1 hour; here:
   * the same, by the key's user's role and the event's date_updated on the organization's clock.
   */
  const shown = (orgId: string, userId: string) => {
    if (users.isAdmin(orgId, userId)) return (e: CloseEventT): Shown => e;
    const hourAgo = eventDate(clock.nowMs(orgId) - HOUR_MS);
    return (e: CloseEventT): Shown => {
      if (e.date_updated >= hourAgo) return e;
      const { data: _d, previous_data: _p, ...rest } = e;
      return rest;
    };
  };

  app.get('/event/', { schema: { querystring: EventListQuery, response: { 200: EventList, ...closeErrors } } }, async (req) => {
    const page = listEvents(events, req.closeOrg.id, req.query);
    return { ...page, data: page.data.map(shown(req.closeOrg.id, req.closeUserId)) };
  });

  app.get('/event/:id/', { schema: { params: IdParams, response: { 200: CloseEventAnswer, ...closeErrors } } }, async (req) =>
    shown(req.closeOrg.id, req.closeUserId)(events.get(req.closeOrg.id, req.params.id)));
}
