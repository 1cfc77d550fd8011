import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { Clocks } from '../../core/clock.js';
import { OutboundPolicy } from '../../core/outbound.js';
import { conflict } from '../../core/errors.js';
import type { DueOrgs, OrgRunner } from '../jobs/runner.js';
import { DELIVERY_LANE } from '../schedule.js';
import type { WebhookStore } from '../store/webhooks.js';
import type { DeliveryQueue, DeliveryRow, AttemptResult, Outcome } from '../store/webhook-deliveries.js';

export interface DeliverySettings { held: boolean; timeoutMs: number }
export interface FlushCounts { attempted: number; succeeded: number; failed: number; dropped: number }
/** What a fault rule with `target: "webhook"` does to one attempt (src/core/fault-rules.ts). */
export interface WebhookFault { status: number | null; latencyMs: number; drop: boolean; duplicate: boolean; reorder: boolean }

/**
 * Deliveries launched together (one flush or tick): a `reorder` fault steps one out of the count and
 * holds it back until the others are over, so it reaches the receiver after deliveries due later.
 */
class Batch {
  private open = 0;
  private readonly waiters: (() => void)[] = [];

  join(): void {
    this.open++;
  }

  leave(): void {
    if (--this.open === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  holdBack(): Promise<void> {
    const wait = new Promise<void>((resolve) => this.waiters.push(resolve));
    this.leave();
    return wait;
  }
}

/** One attempt's place in its batch: left once it is over or held back. */
type Place = { batch: Batch; left: boolean } | null;
export type WebhookFaults = (orgId: string, url: string) => WebhookFault | null;

const EXCERPT_CHARS = 500;

/** `close-sig-hash`: lowercase hex HMAC-SHA256 of timestamp + raw body, keyed with the hex-decoded signature_key. */
export function signature(signatureKey: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', Buffer.from(signatureKey, 'hex')).update(timestamp + rawBody).digest('hex');
}

/**
 * Sends Close webhook deliveries: real HTTP POSTs, signed, retried on each organization's clock. A
 * timer (real time) starts the attempts that are due and never waits for them, so a receiver that hangs
 * holds only its own attempt, until the timeout; `flush` starts them and waits (the control API).
 */
export class WebhookDeliverer {
  private cancel: (() => void) | null = null;
  /** Attempts in flight, by `org/id`: a delivery is never sent twice at once. */
  private readonly inFlight = new Map<string, Promise<Outcome>>();
  /** Aborted on stop, so closing the app never waits for a receiver that hangs. */
  private closing = new AbortController();
  readonly defaults: DeliverySettings;
  private readonly outbound: OutboundPolicy;

  constructor(
    private readonly orgs: OrgRunner, private readonly scheduler: DueOrgs, private readonly clock: Clocks, private readonly store: WebhookStore, private readonly queue: DeliveryQueue,
    private settings: DeliverySettings,
    private readonly opts: { log?: FastifyBaseLogger; faults?: WebhookFaults; changed?: () => void; outbound?: OutboundPolicy } = {},
  ) {
    this.defaults = { ...settings };
    this.outbound = opts.outbound ?? new OutboundPolicy();
  }

  /** Starts the timer (tickMs 0 = none: tests and the control API flush). */
  start(tickMs: number): void {
    if (tickMs <= 0 || this.cancel) return;
    const timer = setInterval(() => {
      try {
        void this.launchDue(undefined);
      } catch (err) {
        this.opts.log?.error({ err }, 'webhook tick stopped; the next tick retries');
      }
    }, tickMs);
    timer.unref();
    this.cancel = () => clearInterval(timer);
  }

  /** Stops the timer and waits for the attempts in flight (each ends by its timeout at the latest). */
  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = null;
    this.closing.abort();
    await Promise.allSettled([...this.inFlight.values()]);
    this.closing = new AbortController();
  }

  get current(): DeliverySettings {
    return { ...this.settings };
  }

  configure(patch: Partial<DeliverySettings>): DeliverySettings {
    this.settings = { held: patch.held ?? this.settings.held, timeoutMs: patch.timeoutMs ?? this.settings.timeoutMs };
    return this.current;
  }

  /** Back to the settings the app started with (POST /_mock/reset). */
  resetSettings(): void {
    this.settings = { ...this.defaults };
  }

  /** Every delivery due now (of one organization, or all), each attempted once; answers when those attempts are over. */
  async flush(orgId?: string): Promise<FlushCounts> {
    // Attempts the timer started are awaited and counted too, so a flush never answers while one is in flight.
    const running = [...this.inFlight].filter(([key]) => orgId === undefined || key.startsWith(`${orgId}/`)).map(([, p]) => p);
    const outcomes = await Promise.all([...running, ...this.launchDue(orgId)]);
    const counts: FlushCounts = { attempted: outcomes.length, succeeded: 0, failed: 0, dropped: 0 };
    for (const o of outcomes) if (o !== 'gone') counts[o]++;
    return counts;
  }

  /** One delivery sent again now, whatever its status; its row afterwards. */
  async redeliver(orgId: string, id: string): Promise<DeliveryRow> {
    if (this.settings.held) throw conflict('Webhook deliveries are held; release them with PUT /_mock/webhooks/settings {"held": false}');
    const key = `${orgId}/${id}`;
    await this.inFlight.get(key);
    this.orgs.run(orgId, () => {
      const d = this.queue.get(orgId, id);
      if (d && !this.store.find(orgId, d.subscription_id)) throw conflict(`Webhook delivery ${id}: its subscription ${d.subscription_id} was deleted`);
      this.queue.requeue(orgId, id);
    });
    await this.launch(orgId, id);
    return this.orgs.run(orgId, () => this.queue.get(orgId, id)!);
  }

  private launchDue(orgId: string | undefined): Promise<Outcome>[] {
    if (this.settings.held) return [];
    // Only organizations the scheduler has a delivery due in are looked at, each in its own database.
    const orgs = this.scheduler.due(DELIVERY_LANE, orgId);
    const due = orgs.flatMap((org) => this.orgs.run(org, () => this.queue.due(org))).filter((d) => !this.inFlight.has(`${d.org_id}/${d.id}`));
    const batch = new Batch();
    for (let i = 0; i < due.length; i++) batch.join();
    const launched = due.map((d) => this.launch(d.org_id, d.id, { batch, left: false }));
    for (const org of orgs) this.settle(org);
    return launched;
  }

  /**
   * Tells the scheduler when the organization's next delivery is due: stored, counting the attempts in
   * flight (a restart must retry them); in memory, not counting them (each settles again when over),
   * so a receiver that hangs does not make its organization visited every tick.
   */
  private settle(orgId: string): void {
    const busy = [...this.inFlight.keys()].filter((key) => key.startsWith(`${orgId}/`)).map((key) => key.slice(orgId.length + 1));
    this.orgs.run(orgId, () => this.scheduler.settle(DELIVERY_LANE, orgId, this.queue.nextDue(orgId), this.queue.nextDue(orgId, busy)));
  }

  private launch(orgId: string, id: string, place: Place = null): Promise<Outcome> {
    const key = `${orgId}/${id}`;
    const p = this.attempt(orgId, id, place).catch((err: unknown): Outcome => {
      this.opts.log?.error({ err, delivery: id }, 'webhook delivery could not be recorded');
      return 'gone';
    }).finally(() => {
      if (place && !place.left) place.batch.leave();
      this.inFlight.delete(key);
      try {
        this.settle(orgId);
      } catch (err) {
        // The organization was deleted or the app is closing: nothing is left to schedule.
        this.opts.log?.debug({ err, org: orgId }, 'webhook deliveries not rescheduled');
      }
      this.opts.changed?.();
    });
    this.inFlight.set(key, p);
    return p;
  }

  private async attempt(orgId: string, id: string, place: Place): Promise<Outcome> {
    const prepared = this.orgs.run(orgId, () => {
      const d = this.queue.get(orgId, id);
      if (!d) return null;
      const sub = this.store.find(orgId, d.subscription_id);
      if (!sub) return null;
      // The body is serialised once, from the stored event's JSON text, and exactly those bytes are signed and sent.
      const body = `{"subscription_id":${JSON.stringify(sub.id)},"event":${d.event}}`;
      const timestamp = String(Math.floor(this.clock.nowMs(orgId) / 1000));
      return { url: sub.url, body, timestamp, hash: signature(sub.signature_key, timestamp, body) };
    });
    if (!prepared) return 'gone';
    const result = await this.send(orgId, prepared, place);
    return this.orgs.run(orgId, () => this.queue.record(orgId, id, result));
  }

  private async send(orgId: string, p: { url: string; body: string; timestamp: string; hash: string }, place: Place): Promise<AttemptResult> {
    const fault = this.opts.faults?.(orgId, p.url) ?? null;
    if (fault?.reorder && place) {
      place.left = true;
      await place.batch.holdBack();
    }
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    if (fault?.latencyMs) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault?.drop) return { ok: false, statusCode: null, error: 'dropped by a fault rule', latencyMs: elapsed(), excerpt: null };
    if (fault?.status != null) return { ok: false, statusCode: fault.status, error: `HTTP ${fault.status} (fault rule)`, latencyMs: elapsed(), excerpt: null };
    // Every attempt goes through the outbound policy (src/core/outbound.ts): address checked where it
    // connects, no redirects, at most the excerpt read, one timeout covering connect, headers and body.
    const post = () => this.outbound.send({
      url: p.url, method: 'POST', body: p.body, timeoutMs: this.settings.timeoutMs, signal: this.closing.signal, excerptChars: EXCERPT_CHARS,
      headers: { 'content-type': 'application/json', 'close-sig-timestamp': p.timestamp, 'close-sig-hash': p.hash },
    });
    try {
      if (fault?.duplicate) await post().catch(() => undefined);
      const res = await post();
      const ok = res.status >= 200 && res.status < 300;
      // Real API: whether Close follows redirects is not documented; here: never (a 3xx is a failed attempt).
      const error = ok ? null : res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirect not followed` : `HTTP ${res.status}`;
      return { ok, statusCode: res.status, error, latencyMs: elapsed(), excerpt: res.excerpt };
    } catch (err) {
      // An OutboundError's message says why: refused by the policy, timed out, cancelled, or the network's code.
      return { ok: false, statusCode: null, error: (err as Error).message, latencyMs: elapsed(), excerpt: null };
    }
  }
}
