import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { DeleteResult, ErrorEnvelope, IdParams, anyError } from '../../../schemas/blueai/common.js';
import { ActivityList, ActivityPageQuery } from '../../../schemas/blueai/activities.js';
import {
  Deal, DealCreate, DealList, DealListQuery, DealPatch, DealStageChange,
} from '../../../schemas/blueai/deals.js';

import { cachedAnswer } from '../../core/answer-cache.js';

const errors = { 400: ErrorEnvelope, 401: ErrorEnvelope, 404: ErrorEnvelope, ...anyError };

export default async function dealRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const deals = app.blueai.deals;

  app.get('/deals', { schema: { querystring: DealListQuery, response: { 200: DealList, ...errors } } }, async (req) =>
    deals.list(req.org.id, req.query));

  app.post('/deals', { schema: { body: DealCreate, response: { 201: Deal, ...errors } } }, async (req, reply) =>
    // Real API: the reference does not show the create status; here: 201 with the deal.
    reply.status(201).send(deals.create(req.org.id, req.body)));

  // Kept serialized until the organization's next write (src/core/answer-cache.ts).
  app.get('/deals/:id', { schema: { params: IdParams, response: { 200: Deal, ...errors } } }, async (req, reply) =>
    cachedAnswer(app.answers, app.orgDbs.routed, reply, `deal\0${req.params.id}`, () => deals.get(req.org.id, req.params.id)));

  app.patch('/deals/:id', { schema: { params: IdParams, body: DealPatch, response: { 200: Deal, ...errors } } }, async (req) =>
    deals.update(req.org.id, req.params.id, req.body));

  app.delete('/deals/:id', { schema: { params: IdParams, response: { 200: DeleteResult, ...errors } } }, async (req) => {
    deals.delete(req.org.id, req.params.id);
    return { success: true as const };
  });

  app.post('/deals/:id/stage', { schema: { params: IdParams, body: DealStageChange, response: { 200: Deal, ...errors } } }, async (req) =>
    deals.changeStage(req.org.id, req.params.id, req.body.stage, req.body.lost_reason));

  app.get('/deals/:id/activities', {
    schema: { params: IdParams, querystring: ActivityPageQuery, response: { 200: ActivityList, ...errors } },
  }, async (req) => app.blueai.activities.ofDeal(req.org.id, req.params.id, req.query));
}
