import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { Activity, ActivityCreate, ActivityList, ActivityListQuery, ActivityPatch } from '../../../schemas/blueai/activities.js';
import { blueaiCredential } from '../plugin.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

/** `/activities`: notes, calls, emails and meetings on deals and contacts. */
export default async function activityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const activities = app.blueai.activities;

  app.get('/activities', { schema: { querystring: ActivityListQuery, response: { 200: ActivityList, ...errors } } }, async (req) =>
    activities.list(req.org.id, req.query));

  app.post('/activities', { schema: { body: ActivityCreate, response: { 201: Activity, ...errors } } }, async (req, reply) =>
    // Real API: the create status and body are not shown; here: 201 with the activity, as for deals.
    reply.status(201).send(activities.create(req.org.id, req.body, app.blueaiAuth.actingMember(req.org.id, blueaiCredential(req)))));

  app.patch('/activities/:id', { schema: { params: IdParams, body: ActivityPatch, response: { 200: Activity, ...errors } } }, async (req) =>
    activities.update(req.org.id, req.params.id, req.body));

  app.delete('/activities/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    activities.delete(req.org.id, req.params.id);
    return { success: true as const };
  });
}
