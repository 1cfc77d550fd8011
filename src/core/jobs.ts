import type { ControlJobT, OutboxMessageT, TickerT, TickerUpdateT } from '../../schemas/control/jobs.js';
import type { DeliveryT } from '../../schemas/control/webhooks.js';

/**
 * What the control API drives of a vendor's background jobs (today: Close bulk actions of every kind). The vendor
 * registers an implementation (app.jobs), so the control plane knows the core only.
 */
export interface JobDriver {
  list(filter: { orgId?: string; status?: string; kind?: string }): ControlJobT[];
  /** One job by id; `orgId` disambiguates. 404 unknown, 409 ambiguous. */
  get(id: string, orgId?: string): ControlJobT;
  /** Advances one job by up to `ticks` steps (stops early once it no longer progresses), yielding between steps; 409 if it cannot progress. */
  step(id: string, orgId: string | undefined, ticks: number): Promise<ControlJobT>;
  /** Steps until done, paused or error, yielding to the event loop between steps. */
  run(id: string, orgId: string | undefined): Promise<ControlJobT>;
  /** Pauses a running job, as the vendor's own API would; 409 when its state machine refuses. */
  pause(id: string, orgId: string | undefined): ControlJobT;
  /** Resumes a paused job, as the vendor's own API would (Close: within 7 days); 409 when refused. */
  resume(id: string, orgId: string | undefined): ControlJobT;
  /** Forces error; 409 for a job already done or in error. */
  fail(id: string, orgId: string | undefined, reason: string): ControlJobT;
  ticker(): TickerT;
  setTicker(patch: TickerUpdateT): TickerT;
}

/** Messages a vendor would have emailed (Close's "bulk edit done"). */
export interface OutboxDriver {
  list(orgId?: string): OutboxMessageT[];
  clear(orgId?: string): void;
}

/**
 * What the control API drives of a vendor's webhook deliveries (today: Close's). Registered as
 * app.webhooks by the vendor, so the control plane reaches no vendor store.
 */
export interface WebhookDriver {
  /** Newest first, across organizations unless `orgId` names one. */
  deliveries(filter: { orgId?: string; subscription?: string; status?: string; limit: number }): DeliveryT[];
  /** Every delivery due now (of one organization, or all), each attempted once; answers when those attempts are over. */
  flush(orgId?: string): Promise<{ attempted: number; succeeded: number; failed: number; dropped: number }>;
  /** One delivery sent again now; 404 unknown, 409 ambiguous across organizations or its subscription gone. */
  redeliver(id: string, orgId?: string): Promise<DeliveryT>;
  settings(): { held: boolean; timeout_ms: number };
  configure(patch: { held?: boolean | undefined; timeout_ms?: number | undefined }): { held: boolean; timeout_ms: number };
}
