import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import { nextDeliveryDue } from '../schedule.js';
import { closeDate } from '../dates.js';

/** A delivery as stored (times in ms of the organization's clock). */
export interface DeliveryRow {
  org_id: string; id: string; seq: number; subscription_id: string; event_id: string; event: string;
  status: 'pending' | 'succeeded' | 'dropped'; attempts: number; last_status_code: number | null; last_error: string | null;
  latency_ms: number | null; next_attempt_at: number; first_attempt_at: number | null; last_attempt_at: number | null;
  response_excerpt: string | null; date_created: string; date_updated: string;
}

/** What one attempt gave: a status code (null: no answer), an error, the time it took and the start of the answer. */
export interface AttemptResult { ok: boolean; statusCode: number | null; error: string | null; latencyMs: number; excerpt: string | null }

/** Real API: "exponential backoff up to a maximum interval of 20 minutes", schedule undocumented; here: 10 s, 20 s, 40 s, … capped at 20 min. */
export const backoffMs = (attempts: number): number => Math.min(10_000 * 2 ** Math.min(attempts - 1, 20), 20 * 60_000);
/** Real API: retried for up to 72 hours, then dropped; here: dropped on the first failure 72 h (organization clock) after the first attempt. */
export const GIVE_UP_MS = 72 * 3600_000;
/** Real API (2021-06-07 changelog): paused once all deliveries have failed for 3 days; here: 3 days of the organization's clock since the first failure after the last success. */
export const PAUSE_AFTER_MS = 3 * 24 * 3600_000;

/**
 * Finished deliveries (succeeded or dropped) kept per subscription, newest first: older ones are
 * pruned as others finish, so the table (and every write's cost) does not grow with the traffic.
 * Real API: a delivery's history is kept for an undocumented time; here: the last 100 per subscription.
 */
export const KEEP_FINISHED = 100;

/** Deletes the subscription's finished deliveries older than its newest KEEP_FINISHED (walks its (org_id, subscription_id, seq) index from the newest). */
export function pruneFinished(db: Db, orgId: string, subscriptionId: string): void {
  cached(db, `DELETE FROM close_webhook_deliveries WHERE org_id = @org AND subscription_id = @sub AND status <> 'pending' AND seq <= (
    SELECT seq FROM close_webhook_deliveries WHERE org_id = @org AND subscription_id = @sub AND status <> 'pending' ORDER BY seq DESC LIMIT 1 OFFSET @keep)`)
    .run({ org: orgId, sub: subscriptionId, keep: KEEP_FINISHED });
}

/** The outcome of recording an attempt. */
export type Outcome = 'succeeded' | 'failed' | 'dropped' | 'gone';

/** The deliveries queue: what the deliverer (src/close/webhooks/deliverer.ts) reads and records; every call runs in the organization's database. */
export class DeliveryQueue {
  /** Called when failures paused a subscription (the webhook store forgets its cached subscriptions). */
  onPaused: (orgId: string) => void = () => {};

  constructor(private readonly db: Db, private readonly clock: Clocks) {}

  /** Pending deliveries due now on the organization's clock, of active subscriptions, oldest first. */
  due(orgId: string): DeliveryRow[] {
    return cached(this.db, `SELECT d.* FROM close_webhook_deliveries d JOIN close_webhooks w ON w.org_id = d.org_id AND w.id = d.subscription_id
      WHERE d.org_id = @org AND d.status = 'pending' AND d.next_attempt_at <= @now AND w.status = 'active' ORDER BY d.next_attempt_at, d.seq`)
      .all({ org: orgId, now: this.clock.nowMs(orgId) }) as DeliveryRow[];
  }

  /** When the organization's next pending delivery is due (ms of its clock), leaving out `busy` ids; null: none. */
  nextDue(orgId: string, busy: readonly string[] = []): number | null {
    return nextDeliveryDue(this.db, orgId, busy);
  }

  get(orgId: string, id: string): DeliveryRow | undefined {
    return cached(this.db, `SELECT * FROM close_webhook_deliveries WHERE org_id = ? AND id = ?`).get(orgId, id) as DeliveryRow | undefined;
  }

  /** Deliveries with this id in the organization in context (the control API looks across organizations). */
  find(id: string): DeliveryRow[] {
    return cached(this.db, `SELECT * FROM close_webhook_deliveries WHERE id = ?`).all(id) as DeliveryRow[];
  }

  list(filter: { subscription?: string; status?: string; limit: number }): DeliveryRow[] {
    return cached(this.db, `SELECT * FROM close_webhook_deliveries WHERE (@sub IS NULL OR subscription_id = @sub)
      AND (@status IS NULL OR status = @status) ORDER BY seq DESC LIMIT @limit`)
      .all({ sub: filter.subscription ?? null, status: filter.status ?? null, limit: filter.limit }) as DeliveryRow[];
  }

  /** Records one attempt in one transaction: success, a retry on the backoff schedule, a drop after 72 h, or the subscription's pause after 3 days of failures. */
  record(orgId: string, id: string, r: AttemptResult): Outcome {
    return this.db.transaction((): Outcome => {
      const row = this.get(orgId, id);
      const sub = row && cached(this.db, `SELECT failing_since FROM close_webhooks WHERE org_id = ? AND id = ?`).get(orgId, row.subscription_id) as
        { failing_since: number | null } | undefined;
      if (!row || !sub) return 'gone';
      const now = this.clock.nowMs(orgId);
      const first = row.first_attempt_at ?? now;
      const attempts = row.attempts + 1;
      let status: DeliveryRow['status'] = 'pending';
      let next = row.next_attempt_at;
      if (r.ok) {
        status = 'succeeded';
        cached(this.db, `UPDATE close_webhooks SET failing_since = NULL WHERE org_id = ? AND id = ?`).run(orgId, row.subscription_id);
      } else {
        const failingSince = sub.failing_since ?? now;
        if (sub.failing_since === null) cached(this.db, `UPDATE close_webhooks SET failing_since = ? WHERE org_id = ? AND id = ?`).run(now, orgId, row.subscription_id);
        if (now - failingSince >= PAUSE_AFTER_MS) {
          status = 'dropped';
          // Real API: the subscription pauses and its queue is cleared; here: the same, and it stays paused until PUT status=active.
          cached(this.db, `UPDATE close_webhooks SET status = 'paused', date_updated = ? WHERE org_id = ? AND id = ?`)
            .run(closeDate(this.clock.now(orgId)), orgId, row.subscription_id);
          cached(this.db, `UPDATE close_webhook_deliveries SET status = 'dropped', last_error = coalesce(last_error, 'the subscription was paused'),
            date_updated = ? WHERE org_id = ? AND subscription_id = ? AND status = 'pending' AND id <> ?`)
            .run(this.clock.iso(orgId), orgId, row.subscription_id, id);
          this.onPaused(orgId);
        } else if (now - first >= GIVE_UP_MS) {
          status = 'dropped';
        } else {
          next = now + backoffMs(attempts);
        }
      }
      cached(this.db, `UPDATE close_webhook_deliveries SET status = @status, attempts = @attempts, last_status_code = @code, last_error = @error,
        latency_ms = @latency, next_attempt_at = @next, first_attempt_at = @first, last_attempt_at = @now, response_excerpt = @excerpt,
        date_updated = @iso WHERE org_id = @org AND id = @id`).run({
        status, attempts, code: r.statusCode, error: r.error, latency: Math.round(r.latencyMs), next, first, now, excerpt: r.excerpt,
        iso: this.clock.iso(orgId), org: orgId, id,
      });
      if (status !== 'pending') pruneFinished(this.db, orgId, row.subscription_id);
      return status === 'succeeded' ? 'succeeded' : status === 'dropped' ? 'dropped' : 'failed';
    })();
  }

  /** A delivery sent again by hand: back in the queue, due now; a finished one starts a new 72 h window. */
  requeue(orgId: string, id: string): void {
    cached(this.db, `UPDATE close_webhook_deliveries SET next_attempt_at = @now,
      first_attempt_at = CASE WHEN status = 'pending' THEN first_attempt_at ELSE NULL END, status = 'pending', date_updated = @iso
      WHERE org_id = @org AND id = @id`).run({ now: this.clock.nowMs(orgId), iso: this.clock.iso(orgId), org: orgId, id });
  }

}
