import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { SendAs, SendAsBulk, SendAsCreate, SendAsList, SendAsQuery } from '../../../schemas/close/send-as.js';

/**
 * Send-as associations, as the API key's user sees them. Real API: no events in Close's event list; here:
 * none. POST /send_as/ answers 201 and the deletes 204 per Close's OpenAPI; here: 200 (the object, `{}`) as
 * every other Close write.
 */
export default async function sendAsRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const sendAs = app.closeStore.sendAs;

  // Real API: not paginated (no _limit/_skip documented); here: the same, every association in one answer.
  app.get('/send_as/', { schema: { querystring: SendAsQuery, response: { 200: SendAsList, ...closeErrors } } }, async (req) =>
    ({ data: sendAs.list(req.closeOrg.id, req.closeUserId, req.query), has_more: false }));

  app.post('/send_as/', { schema: { body: SendAsCreate, response: { 200: SendAs, ...closeErrors } } }, async (req) =>
    sendAs.create(req.closeOrg.id, req.closeUserId, req.body));

  app.delete('/send_as/', { schema: { querystring: SendAsQuery, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    sendAs.deleteByUsers(req.closeOrg.id, req.closeUserId, req.query);
    return {};
  });

  app.post('/send_as/bulk/', { schema: { body: SendAsBulk, response: { 200: SendAsList, ...closeErrors } } }, async (req) =>
    ({ data: sendAs.bulk(req.closeOrg.id, req.closeUserId, req.body), has_more: false }));

  app.get('/send_as/:id/', { schema: { params: IdParams, response: { 200: SendAs, ...closeErrors } } }, async (req) =>
    sendAs.get(req.closeOrg.id, req.closeUserId, req.params.id));

  app.delete('/send_as/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    sendAs.delete(req.closeOrg.id, req.closeUserId, req.params.id);
    return {};
  });
}
