import { cached, type Db } from '../core/db.js';
import type { CloseSeedT } from '../../schemas/seed.js';
import { checkEvents, MAX_SUBSCRIPTIONS } from './store/webhooks.js';

// The part of a Close dataset a snapshot needs so that every list a reader can see comes back the
// same: webhook subscriptions (with their signature keys), the event log and the webhook deliveries.

type Seed = CloseSeedT;
type Check = (path: string, prefix: string, id: string, length?: number) => string | null;

/** Subscriptions, events and deliveries: ids, keys, URLs, filters and what each delivery names; the first problem or null. */
export function checkWebhookSeed(s: Seed, check: Check): string | null {
  const subs = s.webhooks ?? [];
  if (subs.length > MAX_SUBSCRIPTIONS) return `/close/webhooks: at most ${MAX_SUBSCRIPTIONS} subscriptions`;
  for (const [i, w] of subs.entries()) {
    const at = `/close/webhooks/${i}`;
    const p = check(at, 'whsub_', w.id, 22)
      ?? (/^[0-9a-f]{64}$/.test(w.signature_key) ? null : `${at}/signature_key: must be 64 lowercase hex characters`)
      ?? urlProblem(`${at}/url`, w.url) ?? eventsProblem(`${at}/events`, w.events);
    if (p) return p;
  }
  const subIds = new Set(subs.map((w) => w.id));
  const seqs = new Set<number>();
  for (const [i, e] of (s.events ?? []).entries()) {
    const at = `/close/events/${i}`;
    const p = check(at, 'ev_', e.id, 22) ?? (seqs.has(e.seq) ? `${at}/seq: duplicate seq ${e.seq}` : null);
    if (p) return p;
    seqs.add(e.seq);
  }
  seqs.clear();
  for (const [i, d] of (s.webhook_deliveries ?? []).entries()) {
    const at = `/close/webhook_deliveries/${i}`;
    const p = check(at, 'whdel_', d.id, 22) ?? (seqs.has(d.seq) ? `${at}/seq: duplicate seq ${d.seq}` : null)
      ?? (subIds.has(d.subscription_id) ? null : `${at}/subscription_id: unknown webhook subscription ${d.subscription_id}`)
      // The payload's event names its own id: a delivery whose event is another one would send what it does not say.
      ?? (d.event.id === d.event_id ? null : `${at}/event: its id is not event_id ${d.event_id}`);
    if (p) return p;
    seqs.add(d.seq);
  }
  return null;
}

function urlProblem(path: string, text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `${path}: not a valid URL`;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? null : `${path}: must start with http:// or https://`;
}

function eventsProblem(path: string, events: NonNullable<Seed['webhooks']>[number]['events']): string | null {
  try {
    checkEvents(events);
    return null;
  } catch (err) {
    return `${path}: ${(err as Error).message.replace(/^events: /, '')}`;
  }
}

/**
 * Inserts them into one organization (inside the caller's transaction). The objects the event log and
 * the deliveries hold name the organization they were taken from (`organization.id`): they name `orgId` now.
 */
export function insertWebhookSeed(orgId: string, s: Seed, insert: (table: string, row: Record<string, unknown>) => void): void {
  const from = s.organization.id;
  const json = (v: unknown): string => {
    const text = JSON.stringify(v);
    return from === undefined || from === orgId ? text : text.replaceAll(JSON.stringify(from).slice(1, -1), orgId);
  };
  for (const w of s.webhooks ?? []) {
    insert('close_webhooks', { ...w, events: JSON.stringify(checkEvents(w.events)), verify_ssl: w.verify_ssl ? 1 : 0 });
  }
  for (const e of s.events ?? []) {
    insert('close_events', {
      ...e, changed_fields: JSON.stringify(e.changed_fields), previous_data: e.previous_data === null ? null : json(e.previous_data),
      data: e.data === null ? null : json(e.data), meta: json(e.meta),
    });
  }
  for (const d of s.webhook_deliveries ?? []) insert('close_webhook_deliveries', { ...d, event: json(d.event) });
}

type Row = Record<string, unknown>;
const parse = (v: unknown) => JSON.parse(v as string) as Record<string, unknown>;

/** The organization's subscriptions, event log and deliveries in the dataset's format. */
export function exportWebhookSeed(db: Db, orgId: string): Pick<Seed, 'webhooks' | 'events' | 'webhook_deliveries'> {
  const all = <T = Row>(sql: string) => cached(db, sql).all(orgId) as T[];
  return {
    webhooks: all<Row & { events: string; verify_ssl: number }>(`SELECT id, url, events, verify_ssl, status, signature_key, failing_since,
      created_by, updated_by, date_created, date_updated FROM close_webhooks WHERE org_id = ? ORDER BY date_created, id`)
      .map((w) => ({ ...w, events: JSON.parse(w.events) as unknown[], verify_ssl: w.verify_ssl === 1 })) as Seed['webhooks'],
    events: all<Row & { changed_fields: string; previous_data: string | null; data: string | null; meta: string }>(`SELECT id, seq, object_type,
      object_id, lead_id, action, changed_fields, previous_data, data, meta, request_id, user_id, api_key_id, date_created, date_updated
      FROM close_events WHERE org_id = ? ORDER BY seq, id`).map((e) => ({
      ...e, changed_fields: JSON.parse(e.changed_fields) as string[], previous_data: e.previous_data === null ? null : parse(e.previous_data),
      data: e.data === null ? null : parse(e.data), meta: parse(e.meta),
    })) as Seed['events'],
    webhook_deliveries: all<Row & { event: string }>(`SELECT id, seq, subscription_id, event_id, event, status, attempts, last_status_code,
      last_error, latency_ms, next_attempt_at, first_attempt_at, last_attempt_at, response_excerpt, date_created, date_updated
      FROM close_webhook_deliveries WHERE org_id = ? ORDER BY seq, id`).map((d) => ({ ...d, event: parse(d.event) })) as Seed['webhook_deliveries'],
  };
}
