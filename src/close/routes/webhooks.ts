import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, IdParams, closeErrors } from '../../../schemas/close/common.js';
import { Webhook, WebhookCreate, WebhookList, WebhookUpdate } from '../../../schemas/close/webhooks.js';

/** Webhook subscriptions: list, create (201, with the signature key), read, partial update, delete. Deliveries: src/close/webhooks/deliverer.ts. */
export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const webhooks = app.closeStore.webhooks;

  // Real API: whether the list pages is not documented; here: every subscription (at most 40) in one page.
  app.get('/webhook/', { schema: { response: { 200: WebhookList, ...closeErrors } } }, async (req) =>
    ({ data: webhooks.list(req.closeOrg.id), has_more: false }));

  // A host name in `url` is resolved first (checkHost), so a name of a refused address is a 400 now.
  app.post('/webhook/', { schema: { body: WebhookCreate, response: { 201: Webhook, ...closeErrors } } }, async (req, reply) => {
    await webhooks.checkHost(req.body.url);
    return reply.status(201).send(webhooks.create(req.closeOrg.id, req.closeUserId, req.body));
  });

  app.get('/webhook/:id/', { schema: { params: IdParams, response: { 200: Webhook, ...closeErrors } } }, async (req) =>
    webhooks.get(req.closeOrg.id, req.params.id));

  app.put('/webhook/:id/', { schema: { params: IdParams, body: WebhookUpdate, response: { 200: Webhook, ...closeErrors } } }, async (req) => {
    if (req.body.url !== undefined) {
      webhooks.row(req.closeOrg.id, req.params.id); // an unknown id is a 404 before any resolving
      await webhooks.checkHost(req.body.url);
    }
    return webhooks.update(req.closeOrg.id, req.closeUserId, req.params.id, req.body);
  });

  // Real API: the answer is not documented; here: {}. The subscription's pending deliveries are dropped.
  app.delete('/webhook/:id/', { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
    webhooks.delete(req.closeOrg.id, req.params.id);
    return {};
  });
}
