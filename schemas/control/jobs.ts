import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { BULK_STATUSES } from '../close/bulk-edit.js';
import { BULK_KINDS } from '../close/bulk-actions.js';

const NI = Nullable(Type.Integer());

/** A Close bulk action (any kind) as the control API shows it: the vendor object plus what the runner knows. */
export const ControlJob = Type.Object({
  id: Type.String(),
  org_id: Type.String(),
  vendor: Type.Literal('close'),
  kind: stringEnum(BULK_KINDS),
  type: Type.String({ description: "The edit's type, the delete's bulk_object_type, the sequence subscription's action_type, or `email`" }),
  status: stringEnum(BULK_STATUSES),
  paused_from: Nullable(stringEnum(BULK_STATUSES)),
  date_paused: Nullable(Type.String()),
  error_reason: Nullable(Type.String()),
  n_leads: NI,
  n_objects: NI,
  n_leads_processed: Type.Integer(),
  n_objects_processed: Type.Integer(),
  items_total: Type.Integer({ description: 'Frozen matched set (once loaded)' }),
  items_done: Type.Integer(),
  date_created: Type.String(),
  date_updated: Type.String(),
  action: Type.Object({}, { additionalProperties: true, description: "Close's object for the kind, as GET /api/v1/bulk_action/{kind}/{id}/ returns it" }),
});
export type ControlJobT = Static<typeof ControlJob>;

export const JobList = Type.Object({ data: Type.Array(ControlJob) });

export const JobListQuery = Type.Object({
  org: Type.Optional(Type.String({ minLength: 1 })),
  kind: Type.Optional(stringEnum(BULK_KINDS)),
  status: Type.Optional(stringEnum(BULK_STATUSES)),
}, { additionalProperties: false });

/** `org` disambiguates a job id that two organizations share (after restoring one snapshot twice). */
export const JobOrgQuery = Type.Object({ org: Type.Optional(Type.String({ minLength: 1 })) });

export const JobStep = Type.Object({ ticks: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })) }, { additionalProperties: false });
export const JobFail = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const JobWaitQuery = Type.Object({
  org: Type.Optional(Type.String({ minLength: 1 })),
  status: Type.Optional(stringEnum(BULK_STATUSES, 'done')),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000, default: 5000 })),
}, { additionalProperties: false });

export const Ticker = Type.Object({
  running: Type.Boolean(),
  tick_ms: Type.Integer({ description: 'Interval of the background ticker' }),
  batch_size: Type.Integer({ description: 'Items a bulk edit applies per tick' }),
});
export type TickerT = Static<typeof Ticker>;

export const TickerUpdate = Type.Object({
  running: Type.Optional(Type.Boolean()),
  tick_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 3_600_000 })),
  batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
}, { additionalProperties: false, minProperties: 1 });
export type TickerUpdateT = Static<typeof TickerUpdate>;

export const OutboxMessage = Type.Object({
  id: Type.String(),
  org_id: Type.String(),
  kind: Type.String(),
  recipient: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  ref_id: Nullable(Type.String()),
  date_created: Type.String(),
});
export type OutboxMessageT = Static<typeof OutboxMessage>;
export const OutboxList = Type.Object({ data: Type.Array(OutboxMessage) });
export const OutboxQuery = Type.Object({ org: Type.Optional(Type.String({ minLength: 1 })) }, { additionalProperties: false });
