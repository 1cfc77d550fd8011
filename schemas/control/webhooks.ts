import { Type, type Static } from '@sinclair/typebox';

const Org = Type.Optional(Type.String({ minLength: 1, description: "An organization's `orga_` id or one of its credentials" }));
export const DELIVERY_STATUSES = ['pending', 'succeeded', 'dropped'] as const;

/** One Close webhook delivery: one event for one subscription, and how its attempts went. */
export const Delivery = Type.Object({
  id: Type.String(),
  org: Type.String({ description: "The organization's `orga_` id" }),
  subscription_id: Type.String(),
  event_id: Type.String(),
  status: Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)), { description: 'pending (retries included), succeeded or dropped' }),
  attempts: Type.Integer(),
  last_status_code: Type.Union([Type.Integer(), Type.Null()], { description: "The receiver's last HTTP status; null: no answer (timeout, refused, fault rule drop)" }),
  last_error: Type.Union([Type.String(), Type.Null()]),
  latency_ms: Type.Union([Type.Integer(), Type.Null()], { description: 'Real time the last attempt took' }),
  next_attempt_at: Type.Union([Type.String(), Type.Null()], { description: "When a pending delivery is due, on its organization's clock; null once it is over" }),
  response_excerpt: Type.Union([Type.String(), Type.Null()], { description: "The first 500 characters of the receiver's last answer" }),
});
export type DeliveryT = Static<typeof Delivery>;
export const DeliveryList = Type.Object({ data: Type.Array(Delivery) });

export const DeliveryQuery = Type.Object({
  org: Org,
  subscription: Type.Optional(Type.String({ minLength: 1 })),
  status: Type.Optional(Type.Union(DELIVERY_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});
export const DeliveryOrgQuery = Type.Object({ org: Org });

export const FlushBody = Type.Object({ org: Org }, { additionalProperties: false });
export const FlushCounts = Type.Object({
  attempted: Type.Integer(), succeeded: Type.Integer(), failed: Type.Integer({ description: 'Failed and queued for a retry' }),
  dropped: Type.Integer({ description: 'Failed for good (72 h of retries, or the subscription paused itself)' }),
});

export const WebhookSettings = Type.Object({
  held: Type.Boolean({ description: 'While true nothing is sent; deliveries wait in the queue' }),
  timeout_ms: Type.Integer({ description: 'How long one delivery may take before it counts as failed' }),
});
export const WebhookSettingsUpdate = Type.Object({
  held: Type.Optional(Type.Boolean()),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
}, { additionalProperties: false });
