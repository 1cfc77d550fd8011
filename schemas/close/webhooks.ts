import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';

const S = Type.String();
const NS = Nullable(S);

/** One event a subscription wants: Close's `WebhookSubscriptionEvent`; extra_filter is checked by src/close/webhooks/filter.ts. */
export const WebhookEvent = Type.Object({
  object_type: Type.String({ minLength: 1 }),
  action: Type.String({ minLength: 1 }),
  extra_filter: Type.Optional(Nullable(Type.Object({}, { additionalProperties: true }))),
});
export type WebhookEventT = Static<typeof WebhookEvent>;

export const WEBHOOK_STATUSES = ['active', 'paused'] as const;

/**
 * A subscription as the emulator answers it. Real API: the response shape is undocumented (Close's OpenAPI:
 * "Empty response body"); here: the likely one. `signature_key` only in the answer to POST.
 */
export const Webhook = Type.Object({
  id: S, organization_id: S, url: S, events: Type.Array(WebhookEvent), status: Type.Union(WEBHOOK_STATUSES.map((s) => Type.Literal(s))),
  verify_ssl: Type.Boolean(), signature_key: Type.Optional(S), created_by: NS, updated_by: NS, date_created: S, date_updated: S,
});
export type WebhookT = Static<typeof Webhook>;
export const WebhookList = closeList(Webhook);

/** Close's `CreateWebhook`; `event_filter` is refused unless null, before this schema runs (src/close/refused.ts). */
export const WebhookCreate = Type.Object({
  url: Type.String(),
  events: Type.Array(WebhookEvent),
  verify_ssl: Type.Optional(Type.Boolean()),
});
export type WebhookCreateT = Static<typeof WebhookCreate>;

/** PUT: every field optional, only the ones sent change. */
export const WebhookUpdate = Type.Object({
  url: Type.Optional(Type.String()),
  events: Type.Optional(Type.Array(WebhookEvent)),
  status: Type.Optional(Type.Union(WEBHOOK_STATUSES.map((s) => Type.Literal(s)))),
  verify_ssl: Type.Optional(Type.Boolean()),
});
export type WebhookUpdateT = Static<typeof WebhookUpdate>;
