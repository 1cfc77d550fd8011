import { cached, type Db } from '../core/db.js';
import { ACTIVE_STATUSES } from './jobs/machine.js';

// Close's two kinds of background work, as lanes of the scheduler (src/core/scheduler.ts): what
// makes an organization worth a visit, read from its own database.

/** Bulk actions of every kind: runnable while one is active (created, loading, processing, resuming). */
export const BULK_LANE = 'close.bulk_actions';
/** Webhook deliveries: due at the earliest pending delivery's next attempt, of an active subscription. */
export const DELIVERY_LANE = 'close.webhook_deliveries';

/** 0 when the organization has an active bulk action, else null (nothing to run). */
export function nextBulkDue(db: Db, orgId: string): number | null {
  return cached(db, `SELECT 1 FROM close_bulk_actions WHERE org_id = ? AND status IN (${ACTIVE_STATUSES.map(() => '?').join(', ')}) LIMIT 1`)
    .get(orgId, ...ACTIVE_STATUSES) !== undefined ? 0 : null;
}

/** When the organization's earliest pending delivery is next due (ms of its clock), leaving out `busy` ids; null: none. */
export function nextDeliveryDue(db: Db, orgId: string, busy: readonly string[] = []): number | null {
  return cached(db, `SELECT min(d.next_attempt_at) FROM close_webhook_deliveries d JOIN close_webhooks w ON w.org_id = d.org_id AND w.id = d.subscription_id
    WHERE d.org_id = @org AND d.status = 'pending' AND w.status = 'active' AND d.id NOT IN (SELECT value FROM json_each(@busy))`)
    .pluck().get({ org: orgId, busy: JSON.stringify(busy) }) as number | null;
}

/** The lanes with work the organization's data can run from the start (a dataset's image: what a reset leaves). */
export function pendingLanes(db: Db, orgId: string): string[] {
  return [...nextBulkDue(db, orgId) !== null ? [BULK_LANE] : [], ...nextDeliveryDue(db, orgId) !== null ? [DELIVERY_LANE] : []];
}
