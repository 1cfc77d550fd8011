import { randomBytes } from 'node:crypto';
import { cached, realDb, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import { OutboundPolicy } from '../../core/outbound.js';
import type { WebhookCreateT, WebhookEventT, WebhookT, WebhookUpdateT } from '../../../schemas/close/webhooks.js';
import { checkFilter, matches, type Filter } from '../webhooks/filter.js';
import type { Stamper } from './common.js';
import { pruneFinished } from './webhook-deliveries.js';

/** An active subscription with its `events` parsed, as enqueueEvent matches events against it. */
interface ActiveSubscription { id: string; wanted: WebhookEventT[] }

/** An event of Close's event log, as a webhook delivers it (the payload's `event`). */
export interface WebhookEvent {
  id: string; object_type: string; object_id: string | null; lead_id: string | null; action: string;
  changed_fields: string[]; previous_data: object | null; data: object | null; meta: object;
  request_id: string | null; user_id: string | null; api_key_id: string | null; organization_id: string;
  date_created: string; date_updated: string;
}

interface WebhookRow {
  id: string; url: string; events: string; verify_ssl: number; status: 'active' | 'paused'; signature_key: string;
  failing_since: number | null; created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}

/** Real API: at most 40 subscriptions per organization (500 for a few partners); here: 40 for everyone. */
export const MAX_SUBSCRIPTIONS = 40;
/**
 * Real API: `updated` and `deleted` events fire after an undocumented consolidation delay; here: they are
 * due 30 s of the organization's clock after the event, and a consolidation inside that window (or any
 * time before the first attempt) replaces the event a delivery sends.
 */
export const CONSOLIDATION_MS = 30_000;
const DELAYED_ACTIONS = new Set(['updated', 'deleted']);

const bad = (field: string, message: string) => validationError(`${field}: ${message}`, { [field]: message });
const refusedUrl = (why: string) => bad('url', `Not supported by the emulator: ${why}.`);

/** Close webhook subscriptions and the queue of deliveries each event makes (src/close/webhooks/deliverer.ts sends them). */
export class WebhookStore {
  /** Called before a subscription is stored: its organization joins the ones the deliverer looks at. */
  onCreate: (orgId: string) => void = () => {};
  /** Called before a pending delivery is stored, with when it is due (ms of the organization's clock): the deliverer's scheduler lane. */
  onPending: (orgId: string, dueMs: number) => void = () => {};
  /**
   * Each organization's active subscriptions with their parsed filters, per database handle (a reset,
   * a restore or a reopened file is a new one, so nothing stale survives it), so a write does not parse
   * every subscription's `events` again; dropped whenever a subscription is written (`forget`).
   */
  private readonly active = new WeakMap<Db, Map<string, ActiveSubscription[]>>();

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, private readonly stamp: Stamper,
    /** Which URLs deliveries may reach (WEBHOOK_HOSTS and the addresses always refused): src/core/outbound.ts. */
    private readonly outbound: Pick<OutboundPolicy, 'literalRefusal' | 'urlRefusal'> = new OutboundPolicy(),
  ) {}

  list(orgId: string): WebhookT[] {
    const rows = cached(this.db, `SELECT * FROM close_webhooks WHERE org_id = ? ORDER BY date_created, id`).all(orgId) as WebhookRow[];
    return rows.map((r) => this.render(orgId, r));
  }

  get(orgId: string, id: string): WebhookT {
    return this.render(orgId, this.row(orgId, id));
  }

  /** The subscription with its signature key (the deliverer signs with it). */
  row(orgId: string, id: string): WebhookRow {
    const row = this.find(orgId, id);
    if (!row) throw notFound(`Webhook subscription ${id} not found.`);
    return row;
  }

  find(orgId: string, id: string): WebhookRow | undefined {
    return cached(this.db, `SELECT * FROM close_webhooks WHERE org_id = ? AND id = ?`).get(orgId, id) as WebhookRow | undefined;
  }

  // Real API: whether GET and the list show signature_key is not documented (only the create answer is);
  // here: only the answer to POST carries it, as a secret is shown once.
  create(orgId: string, userId: string, body: WebhookCreateT): WebhookT & { signature_key: string } {
    const url = this.checkUrl(body.url, body.verify_ssl ?? true);
    const events = checkEvents(body.events);
    const count = cached(this.db, `SELECT count(*) FROM close_webhooks WHERE org_id = ?`).pluck().get(orgId) as number;
    if (count >= MAX_SUBSCRIPTIONS) {
      throw validationError(`An organization can have at most ${MAX_SUBSCRIPTIONS} webhook subscriptions.`);
    }
    this.onCreate(orgId);
    const now = this.stamp.now(orgId);
    const row: WebhookRow = {
      id: this.ids.base62('whsub_', 22), url, events: JSON.stringify(events), verify_ssl: body.verify_ssl === false ? 0 : 1, status: 'active',
      // The key is a secret: crypto randomness even under ID_SEED (which makes ids, not keys, repeatable).
      signature_key: randomBytes(32).toString('hex'), failing_since: null, created_by: userId, updated_by: userId, date_created: now, date_updated: now,
    };
    cached(this.db, `INSERT INTO close_webhooks (org_id, id, url, events, verify_ssl, status, signature_key, failing_since, created_by, updated_by,
      date_created, date_updated) VALUES (@org, @id, @url, @events, @verify_ssl, @status, @signature_key, NULL, @created_by, @updated_by,
      @date_created, @date_updated)`).run({ ...row, org: orgId });
    this.forget(orgId);
    return { ...this.render(orgId, row), signature_key: row.signature_key };
  }

  update(orgId: string, userId: string, id: string, body: WebhookUpdateT): WebhookT {
    const row = this.row(orgId, id);
    const verify = body.verify_ssl ?? row.verify_ssl === 1;
    const url = body.url !== undefined || body.verify_ssl !== undefined ? this.checkUrl(body.url ?? row.url, verify) : row.url;
    const events = body.events !== undefined ? JSON.stringify(checkEvents(body.events)) : row.events;
    try {
      this.db.transaction(() => {
        cached(this.db, `UPDATE close_webhooks SET url = @url, events = @events, verify_ssl = @verify, status = @status, updated_by = @user,
          failing_since = CASE WHEN @status = 'active' THEN NULL ELSE failing_since END, date_updated = @now WHERE org_id = @org AND id = @id`)
          .run({ url, events, verify: verify ? 1 : 0, status: body.status ?? row.status, user: userId, now: this.stamp.now(orgId), org: orgId, id });
        // Real API: a paused subscription's queue is cleared; here: its pending deliveries are dropped.
        if (body.status === 'paused') this.dropPending(orgId, id, 'the subscription was paused');
      })();
    } finally {
      this.forget(orgId);
    }
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.row(orgId, id);
    try {
      this.db.transaction(() => {
        cached(this.db, `DELETE FROM close_webhooks WHERE org_id = ? AND id = ?`).run(orgId, id);
        this.dropPending(orgId, id, 'the subscription was deleted');
      })();
    } finally {
      this.forget(orgId);
    }
  }

  dropPending(orgId: string, subscriptionId: string, reason: string): number {
    const dropped = cached(this.db, `UPDATE close_webhook_deliveries SET status = 'dropped', last_error = coalesce(last_error, @reason), date_updated = @now
      WHERE org_id = @org AND subscription_id = @sub AND status = 'pending'`)
      .run({ reason, now: this.clock.iso(orgId), org: orgId, sub: subscriptionId }).changes;
    pruneFinished(this.db, orgId, subscriptionId);
    return dropped;
  }

  /** Drops the organization's cached subscriptions (one was written: created, updated, deleted or paused by its failures). */
  forget(orgId: string): void {
    this.active.get(realDb(this.db))?.delete(orgId);
  }

  /** The organization's active subscriptions, oldest first, their `events` parsed once per write of them. */
  /** Whether the organization has an active subscription (without one an event queues nothing). */
  hasActive(orgId: string): boolean {
    return this.activeSubscriptions(orgId).length > 0;
  }

  private activeSubscriptions(orgId: string): ActiveSubscription[] {
    const db = realDb(this.db);
    let byOrg = this.active.get(db);
    if (!byOrg) this.active.set(db, (byOrg = new Map()));
    let subs = byOrg.get(orgId);
    if (!subs) {
      const rows = cached(this.db, `SELECT id, events FROM close_webhooks WHERE org_id = ? AND status = 'active' ORDER BY date_created, id`)
        .all(orgId) as { id: string; events: string }[];
      subs = rows.map((r) => ({ id: r.id, wanted: JSON.parse(r.events) as WebhookEventT[] }));
      byOrg.set(orgId, subs);
    }
    return subs;
  }

  /**
   * A write's event reaches the webhooks: call inside the writer's transaction. 'created': one pending
   * delivery per active subscription whose events match; 'consolidated': the event changed (Close merges
   * quick successive changes into one event), so deliveries of it not yet attempted send the new one.
   */
  enqueueEvent(orgId: string, event: WebhookEvent, how: 'created' | 'consolidated'): void {
    // Without an active subscription there is nothing to queue, nor any pending delivery to refresh
    // (pausing or deleting one drops its pending deliveries): most writes stop here.
    const subs = this.activeSubscriptions(orgId);
    if (subs.length === 0) return;
    const eventJson = JSON.stringify(event);
    const now = this.clock.nowMs(orgId);
    const iso = this.clock.iso(orgId);
    if (how === 'consolidated') {
      cached(this.db, `UPDATE close_webhook_deliveries SET event = @event, date_updated = @iso
        WHERE org_id = @org AND event_id = @id AND status = 'pending' AND attempts = 0`).run({ event: eventJson, iso, org: orgId, id: event.id });
      return;
    }
    const due = DELAYED_ACTIONS.has(event.action) ? now + CONSOLIDATION_MS : now;
    const hits = subs.filter((sub) => sub.wanted.some((w) => w.object_type === event.object_type && w.action === event.action
      && (w.extra_filter == null || matches(w.extra_filter as Filter, event))));
    if (hits.length === 0) return;
    this.onPending(orgId, due);
    // The next seq is read from the (org_id, seq) index: one seek, however many deliveries are stored.
    let seq = (cached(this.db, `SELECT seq FROM close_webhook_deliveries WHERE org_id = ? ORDER BY seq DESC LIMIT 1`).pluck().get(orgId) as number | undefined) ?? 0;
    for (const sub of hits) {
      cached(this.db, `INSERT INTO close_webhook_deliveries (org_id, id, seq, subscription_id, event_id, event, status, attempts, next_attempt_at,
        date_created, date_updated) VALUES (@org, @id, @seq, @sub, @event_id, @event, 'pending', 0, @due, @iso, @iso)`)
        .run({ org: orgId, id: this.ids.base62('whdel_', 22), seq: ++seq, sub: sub.id, event_id: event.id, event: eventJson, due, iso });
    }
  }

  /**
   * Before create or update (a route awaits it): a host name in `url` is resolved now, and refused
   * (400 naming `url`) if any address it resolves to is. The rest of the URL is checked by `checkUrl`.
   */
  async checkHost(text: string | undefined): Promise<void> {
    if (text === undefined || !URL.canParse(text)) return;
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
    const why = await this.outbound.urlRefusal(url);
    if (why) throw refusedUrl(why);
  }

  /** A URL the emulator will POST to: http(s) only, one the outbound policy allows; https with verify_ssl false cannot be honoured. */
  private checkUrl(text: string, verifySsl: boolean): string {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw bad('url', 'Enter a valid URL.');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('url', 'The URL must start with http:// or https://.');
    // Real API: any public host; here: the outbound policy (loopback, link-local, … refused unless
    // WEBHOOK_HOSTS lists the host; WEBHOOK_HOSTS, when set, the only hosts; never the emulator itself).
    const why = this.outbound.literalRefusal(url);
    if (why) throw refusedUrl(why);
    // Real API: verify_ssl false skips the certificate check; here: deliveries always check certificates (node:https), so it is refused for https URLs.
    if (!verifySsl && url.protocol === 'https:') {
      throw bad('verify_ssl', 'Not supported by the emulator: certificates of https URLs are always verified here; leave verify_ssl true.');
    }
    return text;
  }

  private render(orgId: string, r: WebhookRow): WebhookT {
    return {
      id: r.id, organization_id: orgId, url: r.url, events: JSON.parse(r.events) as WebhookEventT[], status: r.status,
      verify_ssl: r.verify_ssl === 1, created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
    };
  }
}

/** The events list: non-empty, each extra_filter a filter (a 400 naming `events` otherwise). */
export function checkEvents(events: WebhookEventT[]): WebhookEventT[] {
  if (events.length === 0) throw bad('events', 'Subscribe to at least one event.');
  return events.map((e, i) => {
    if (e.extra_filter != null) {
      const problem = checkFilter(e.extra_filter, `events[${i}].extra_filter`);
      if (problem) throw bad('events', problem);
    }
    return { object_type: e.object_type, action: e.action, extra_filter: e.extra_filter ?? null };
  });
}
