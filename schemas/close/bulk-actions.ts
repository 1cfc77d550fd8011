import { Type, type Static } from '@sinclair/typebox';
import { MAX_COUNT, Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';

// Close's bulk actions besides edit, from Close's published OpenAPI (`BulkDeleteAction`,
// `BulkEmailAction`, `BulkSequenceSubscriptionAction`): one lifecycle and one engine for all four
// kinds (src/close/jobs/kinds.ts). The request bodies are "any type" in Close's document; the fields
// here are the ones its descriptions and response objects name.

export const BULK_STATUSES = ['created', 'loading', 'processing', 'done', 'paused', 'resuming', 'error'] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];

/** The four kinds, as their URL segment under /bulk_action/. */
export const BULK_KINDS = ['edit', 'delete', 'email', 'sequence_subscription'] as const;
export type BulkKindName = (typeof BULK_KINDS)[number];

export const BULK_OBJECT_TYPES = ['lead', 'contact', 'call', 'custom_activity', 'form_submission'] as const;
export const EMAIL_CONTACT_PREFERENCES = ['lead', 'contact', 'all'] as const;
export const SEQUENCE_ACTION_TYPES = ['subscribe', 'resume', 'resume_finished', 'pause', 'reassign'] as const;
export const SEQUENCE_CONTACT_PREFERENCES = ['lead', 'contact'] as const;

const AnyObject = Type.Object({}, { additionalProperties: true });
const NStr = Nullable(Type.String());
const NDate = Nullable(Type.String({ format: 'date-time' }));

/** What every bulk action's body and object share: the query, its limit and order, the done email. */
export const bulkCommonCreate = {
  s_query: Type.Optional(Type.Unknown()),
  query: Type.Optional(Nullable(Type.String())),
  results_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_COUNT }))),
  sort: Type.Optional(Nullable(Type.Array(AnyObject))),
  send_done_email: Type.Optional(Type.Boolean()),
};
const CommonCreate = Type.Object(bulkCommonCreate);
export type BulkCommonCreateT = Static<typeof CommonCreate>;

/** What every bulk action object has (each kind adds its own fields). */
export const bulkCommonAction = {
  id: Type.String(),
  status: Nullable(stringEnum(BULK_STATUSES)),
  organization_id: Type.String(),
  created_by: NStr,
  updated_by: NStr,
  date_created: NDate,
  date_updated: NDate,
  n_leads: Nullable(Type.Integer()),
  n_objects: Nullable(Type.Integer()),
  n_leads_processed: Type.Integer(),
  n_objects_processed: Type.Integer(),
  query: NStr,
  s_query: AnyObject,
  results_limit: Nullable(Type.Integer()),
  sort: Type.Array(AnyObject),
  send_done_email: Type.Boolean(),
};

export const BulkDeleteCreate = Type.Object({
  ...bulkCommonCreate,
  bulk_object_type: Type.Optional(stringEnum(BULK_OBJECT_TYPES)),
});
export type BulkDeleteCreateT = Static<typeof BulkDeleteCreate>;
export const BulkDeleteAction = Type.Object({ ...bulkCommonAction, bulk_object_type: stringEnum(BULK_OBJECT_TYPES) });

export const BulkEmailCreate = Type.Object({
  ...bulkCommonCreate,
  template_id: Type.Optional(NStr),
  email_account_id: Type.Optional(NStr),
  sender: Type.Optional(NStr),
  contact_preference: Type.Optional(Nullable(stringEnum(EMAIL_CONTACT_PREFERENCES))),
});
export type BulkEmailCreateT = Static<typeof BulkEmailCreate>;
export const BulkEmailAction = Type.Object({
  ...bulkCommonAction,
  template_id: NStr,
  email_account_id: NStr,
  sender: NStr,
  contact_preference: Nullable(stringEnum(EMAIL_CONTACT_PREFERENCES)),
});

export const BulkSequenceCreate = Type.Object({
  ...bulkCommonCreate,
  action_type: Type.Optional(stringEnum(SEQUENCE_ACTION_TYPES)),
  sequence_id: Type.Optional(NStr),
  sender_account_id: Type.Optional(NStr),
  sender_name: Type.Optional(NStr),
  sender_email: Type.Optional(NStr),
  contact_preference: Type.Optional(Nullable(stringEnum(SEQUENCE_CONTACT_PREFERENCES))),
  calls_assigned_to: Type.Optional(Nullable(Type.Array(Type.String()))),
  from_phone_number_id: Type.Optional(NStr),
});
export type BulkSequenceCreateT = Static<typeof BulkSequenceCreate>;
export const BulkSequenceAction = Type.Object({
  ...bulkCommonAction,
  action_type: stringEnum(SEQUENCE_ACTION_TYPES),
  sequence_id: NStr,
  sender_account_id: NStr,
  sender_name: NStr,
  sender_email: NStr,
  contact_preference: Nullable(stringEnum(SEQUENCE_CONTACT_PREFERENCES)),
  calls_assigned_to: Nullable(Type.Array(Type.String())),
  from_phone_number_id: NStr,
});

/** PUT …/{id}/: pause or resume, as for bulk edits. */
export const BulkActionUpdate = Type.Object({ status: stringEnum(['paused', 'resuming'] as const) });
