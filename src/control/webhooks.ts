import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ApiError, notFound } from '../core/errors.js';
import { controlErrors, IdParams } from '../../schemas/control/common.js';
import {
  Delivery, DeliveryList, DeliveryOrgQuery, DeliveryQuery, FlushBody, FlushCounts, WebhookSettings, WebhookSettingsUpdate, type DeliveryT,
} from '../../schemas/control/webhooks.js';
import type { DeliveryRow } from '../close/store/webhook-deliveries.js';

/**
 * Close webhook deliveries without waiting: the queue (newest first), a flush that sends everything due
 * on each organization's clock and answers when those attempts are over, a redelivery, and a hold.
 */
export default async function webhookRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const orgId = (ref: string | undefined) => (ref === undefined ? undefined : app.tenants.get(ref).id);
  const queue = app.closeStore.webhookDeliveries;
  const view = (r: DeliveryRow): DeliveryT => ({
    id: r.id, org: r.org_id, subscription_id: r.subscription_id, event_id: r.event_id, status: r.status, attempts: r.attempts,
    last_status_code: r.last_status_code, last_error: r.last_error, latency_ms: r.latency_ms,
    next_attempt_at: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null, response_excerpt: r.response_excerpt,
  });

  app.get('/webhooks/deliveries', { schema: { querystring: DeliveryQuery, response: { 200: DeliveryList, ...controlErrors } } }, async (req) => {
    const { subscription, status, limit } = req.query;
    const rows = app.tenants.forOrgsWithJobsOrWebhooks(orgId(req.query.org), () => queue.list({ subscription, status, limit })).flat();
    rows.sort((a, b) => (a.date_created < b.date_created ? 1 : a.date_created > b.date_created ? -1 : b.seq - a.seq));
    return { data: rows.slice(0, limit).map(view) };
  });

  app.post('/webhooks/flush', { schema: { body: FlushBody, response: { 200: FlushCounts, ...controlErrors } } }, async (req) =>
    app.closeWebhooks.flush(orgId(req.body.org)));

  app.post('/webhooks/deliveries/:id/redeliver', { schema: { params: IdParams, querystring: DeliveryOrgQuery, response: { 200: Delivery, ...controlErrors } } },
    async (req) => {
      const found = app.tenants.forOrgsWithJobsOrWebhooks(orgId(req.query.org), () => queue.find(req.params.id)).flat();
      if (found.length === 0) throw notFound(`No webhook delivery ${req.params.id}${req.query.org ? ' in that organization' : ''}`);
      if (found.length > 1) throw new ApiError(409, 'CONFLICT', `Webhook delivery ${req.params.id} exists in several organizations; add ?org=<id or credential>`, { field: 'org' });
      return view(await app.closeWebhooks.redeliver(found[0]!.org_id, req.params.id));
    });

  const settings = () => {
    const s = app.closeWebhooks.current;
    return { held: s.held, timeout_ms: s.timeoutMs };
  };
  app.get('/webhooks/settings', { schema: { response: { 200: WebhookSettings, ...controlErrors } } }, async () => settings());
  app.put('/webhooks/settings', { schema: { body: WebhookSettingsUpdate, response: { 200: WebhookSettings, ...controlErrors } } }, async (req) => {
    app.closeWebhooks.configure({ held: req.body.held, timeoutMs: req.body.timeout_ms });
    return settings();
  });
}
