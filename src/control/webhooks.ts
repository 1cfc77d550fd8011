import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { controlErrors, IdParams } from '../../schemas/control/common.js';
import {
  Delivery, DeliveryList, DeliveryOrgQuery, DeliveryQuery, FlushBody, FlushCounts, WebhookSettings, WebhookSettingsUpdate,
} from '../../schemas/control/webhooks.js';

/**
 * Webhook deliveries without waiting (app.webhooks, a vendor's WebhookDriver): the queue (newest first),
 * a flush that sends everything due on each organization's clock and answers when those attempts are
 * over, a redelivery, and a hold.
 */
export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const orgId = (ref: string | undefined) => (ref === undefined ? undefined : app.tenants.get(ref).id);

  app.get('/webhooks/deliveries', { schema: { querystring: DeliveryQuery, response: { 200: DeliveryList, ...controlErrors } } }, async (req) => {
    const { subscription, status, limit } = req.query;
    return { data: app.webhooks.deliveries({ orgId: orgId(req.query.org), subscription, status, limit }) };
  });

  app.post('/webhooks/flush', { schema: { body: FlushBody, response: { 200: FlushCounts, ...controlErrors } } }, async (req) =>
    app.webhooks.flush(orgId(req.body.org)));

  app.post('/webhooks/deliveries/:id/redeliver', { schema: { params: IdParams, querystring: DeliveryOrgQuery, response: { 200: Delivery, ...controlErrors } } },
    async (req) => app.webhooks.redeliver(req.params.id, orgId(req.query.org)));

  app.get('/webhooks/settings', { schema: { response: { 200: WebhookSettings, ...controlErrors } } }, async () => app.webhooks.settings());
  app.put('/webhooks/settings', { schema: { body: WebhookSettingsUpdate, response: { 200: WebhookSettings, ...controlErrors } } }, async (req) =>
    app.webhooks.configure(req.body));
}
