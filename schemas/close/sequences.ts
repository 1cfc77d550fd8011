import { Type, type Static, type TInteger } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList, PAGE_LIMITS } from './common.js';
import { listQuery, optionalStrings, Required, S } from './objects.js';

const NS = Nullable(S);

// Connected accounts (read-only), sequences and sequence subscriptions. Close's OpenAPI gives these
// answers as "Empty response body"; the shapes follow the examples in Close's docs.

/** Kinds of connected account Close names in `_type`. */
export const ACCOUNT_TYPES = ['google', 'microsoft', 'custom', 'zoom', 'calendly'] as const;
const Identity = Type.Object({ name: NS, email: S });
export const ConnectedAccount = Type.Object({
  id: S, _type: S, organization_id: S, user_id: S, email: S, identities: Type.Array(Identity), default_identity: Identity,
  send_status: S, receive_status: S, date_created: S,
});
export type ConnectedAccountT = Static<typeof ConnectedAccount>;
export const ConnectedAccountPartial = Type.Partial(ConnectedAccount);
export const ConnectedAccountList = closeList(ConnectedAccountPartial);
/** `_type`/`_type__in` are not in Close's OpenAPI, but ETL connectors send them [U]: filtered, never ignored. */
export const CONNECTED_ACCOUNT_FILTERS = ['user_id', '_type', '_type__in'] as const;
export const ConnectedAccountListQuery = listQuery(optionalStrings(CONNECTED_ACCOUNT_FILTERS));

/** A subscription's statuses. */
export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'finished', 'goal', 'error'] as const;
/** A sequence's statuses. */
export const SEQUENCE_STATUSES = ['active', 'paused'] as const;
export const STEP_TYPES = ['email', 'call'] as const;
/** A sending window: weekday 1 (Monday) … 7 (Sunday), start and end as HH:MM. */
const Range = Type.Object({ weekday: Type.Integer({ minimum: 1, maximum: 7 }), start: S, end: S });
export const Schedule = Type.Object({ ranges: Type.Array(Range) });
export type ScheduleT = Static<typeof Schedule>;
/** A step; `delay` is seconds after the previous step. Keys Close adds to steps are kept as sent. */
export const Step = Type.Object({
  id: Type.Optional(S),
  step_type: S,
  delay: Type.Integer({ minimum: 0 }),
  email_template_id: Type.Optional(NS),
  threading: Type.Optional(NS),
  required: Type.Optional(Type.Boolean()),
  call_assigned_to: Type.Optional(Type.Array(S)),
});
export type StepT = Static<typeof Step>;
/** How many of a sequence's subscriptions are in each status (every status, zero included). */
const CountsByStatus = Type.Object(Object.fromEntries(SUBSCRIPTION_STATUSES.map((st) => [st, Type.Integer({ minimum: 0 })])) as Record<(typeof SUBSCRIPTION_STATUSES)[number], TInteger>);
export const Sequence = Type.Object({
  id: S, organization_id: S, name: S, status: S, timezone: S, schedule: Nullable(Schedule), steps: Type.Array(Step),
  created_by: NS, updated_by: NS, date_created: S, date_updated: S,
  subscription_counts_by_status: CountsByStatus,
});
export type SequenceT = Static<typeof Sequence>;
export const SequencePartial = Type.Partial(Sequence);
export const SequenceList = closeList(SequencePartial);
export const SequenceListQuery = listQuery({}, PAGE_LIMITS.sequence);
/** Close documents paging on GET /sequence/{id}/ too; a single sequence has no pages, so those are refused. */
export const SEQUENCE_ONE_REFUSED = ['_limit', '_skip'] as const;
export const SequenceOneQuery = Type.Object({ _fields: Type.Optional(S), _limit: Type.Optional(Type.Unknown()), _skip: Type.Optional(Type.Unknown()) });

const SequenceWritable = {
  status: Type.Optional(S),
  timezone: Type.Optional(Required),
  schedule: Type.Optional(Nullable(Schedule)),
  steps: Type.Optional(Type.Array(Step)),
};
export const SequenceCreate = Type.Object({ name: Required, ...SequenceWritable });
export type SequenceCreateT = Static<typeof SequenceCreate>;
export const SequenceUpdate = Type.Object({ name: Type.Optional(Required), ...SequenceWritable });
export type SequenceUpdateT = Static<typeof SequenceUpdate>;

/**
 * Why a subscription is paused: Close's `StatusReason` values (OpenAPI) that pause one. Here a pause through
 * the API is `manual`, a bulk sequence pause `bulk-action`; the others come only from a dataset.
 */
export const PAUSE_REASONS = [
  'manual', 'bulk-action', 'reply-received', 'call-answered', 'meeting-booked', 'lead-status-changed', 'outcome-met',
  'rate-limited', 'sending-throttled-too-long', 'membership-inactive', 'account-invalid', 'account-failures', 'send-as-error', 'email-bounced',
] as const;
/** What PUT /sequence_subscription/{id}/ may set. */
export const SUBSCRIPTION_SETTABLE = ['active', 'paused'] as const;
export const Subscription = Type.Object({
  id: S, organization_id: S, sequence_id: S, contact_id: S, lead_id: S, contact_email: S, sender_account_id: S, sender_name: S,
  sender_email: S, status: S, calls_assigned_to: Type.Array(S), created_by_id: NS, updated_by_id: NS, date_created: S, date_updated: S,
  /** Why it is paused (PAUSE_REASONS), null unless paused. */
  pause_reason: NS,
});
export type SubscriptionT = Static<typeof Subscription>;
export const SubscriptionPartial = Type.Partial(Subscription);
export const SubscriptionList = closeList(SubscriptionPartial);
/** Close: "At least one of `sequence_id`, `contact_id`, and `lead_id` is required." */
export const SUBSCRIPTION_FILTERS = ['sequence_id', 'contact_id', 'lead_id'] as const;
export const SubscriptionListQuery = listQuery(optionalStrings(SUBSCRIPTION_FILTERS));
export const SubscriptionCreate = Type.Object({
  sequence_id: Required, contact_id: Required, contact_email: Required, sender_account_id: Required, sender_name: Required,
  sender_email: Required, calls_assigned_to: Type.Optional(Type.Array(S)),
});
export type SubscriptionCreateT = Static<typeof SubscriptionCreate>;
/**
 * Close: `status` (active | paused) and the sender (`sender_account_id`, `sender_name`, `sender_email`), each
 * optional; a sender change names all three (Close's own script sends the three together).
 */
export const SubscriptionUpdate = Type.Object({
  status: Type.Optional(Required), sender_account_id: Type.Optional(Required), sender_name: Type.Optional(Required), sender_email: Type.Optional(Required),
});
export type SubscriptionUpdateT = Static<typeof SubscriptionUpdate>;
