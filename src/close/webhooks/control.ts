import { ApiError, notFound } from '../../core/errors.js';
import type { WebhookDriver } from '../../core/jobs.js';
import type { DeliveryT } from '../../../schemas/control/webhooks.js';
import type { DeliveryQueue, DeliveryRow } from '../store/webhook-deliveries.js';
import type { JobOrgs } from '../jobs/runner.js';
import type { WebhookDeliverer } from './deliverer.js';

/** Close's webhook deliveries as the control API (/_mock/webhooks/…) drives them, across organizations. */
export class CloseWebhookDriver implements WebhookDriver {
  constructor(private readonly orgs: JobOrgs, private readonly queue: DeliveryQueue, private readonly deliverer: WebhookDeliverer) {}

  deliveries(filter: { orgId?: string; subscription?: string; status?: string; limit: number }): DeliveryT[] {
    const { subscription, status, limit } = filter;
    const rows = this.orgs.forOrgsWithJobsOrWebhooks(filter.orgId, () => this.queue.list({ subscription, status, limit })).flat();
    rows.sort((a, b) => (a.date_created < b.date_created ? 1 : a.date_created > b.date_created ? -1 : b.seq - a.seq));
    return rows.slice(0, limit).map(view);
  }

  flush(orgId?: string) {
    return this.deliverer.flush(orgId);
  }

  async redeliver(id: string, orgId?: string): Promise<DeliveryT> {
    const found = this.orgs.forOrgsWithJobsOrWebhooks(orgId, () => this.queue.find(id)).flat();
    if (found.length === 0) throw notFound(`No webhook delivery ${id}${orgId ? ' in that organization' : ''}`);
    if (found.length > 1) throw new ApiError(409, 'CONFLICT', `Webhook delivery ${id} exists in several organizations; add ?org=<id or credential>`, { field: 'org' });
    return view(await this.deliverer.redeliver(found[0]!.org_id, id));
  }

  settings() {
    const s = this.deliverer.current;
    return { held: s.held, timeout_ms: s.timeoutMs };
  }

  configure(patch: { held?: boolean | undefined; timeout_ms?: number | undefined }) {
    this.deliverer.configure({ held: patch.held, timeoutMs: patch.timeout_ms });
    return this.settings();
  }
}

function view(r: DeliveryRow): DeliveryT {
  return {
    id: r.id, org: r.org_id, subscription_id: r.subscription_id, event_id: r.event_id, status: r.status, attempts: r.attempts,
    last_status_code: r.last_status_code, last_error: r.last_error, latency_ms: r.latency_ms,
    next_attempt_at: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null, response_excerpt: r.response_excerpt,
  };
}
