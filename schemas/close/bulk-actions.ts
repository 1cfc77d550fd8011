import { Type, type Static } from '@sinclair/typebox';
import { MAX_COUNT, Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { BULK_STATUSES } from './bulk-edit.js';

// Close's bulk actions besides edit, from Close's published OpenAPI (`BulkDeleteAction`,
// `BulkEmailAction`, `BulkSequenceSubscriptionAction`): one lifecycle and one engine for all four
// kinds (src/close/jobs/kinds.ts). The request bodies are "any type" in Close's document; the fields
// here are the ones its descriptions and response objects name.

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
const commonCreate = {
  s_query: Type.Optional(Type.Unknown()),
  query: Type.Optional(Nullable(Type.String())),
  results_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_COUNT }))),
  sort: Type.Optional(Nullable(Type.Array(AnyObject))),
  send_done_email: Type.Optional(Type.Boolean()),
};
const CommonCreate = Type.Object(commonCreate);
export type BulkCommonCreateT = Static<typeof CommonCreate>;

const commonAction = {
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
  ...commonCreate,
  bulk_object_type: Type.Optional(stringEnum(BULK_OBJECT_TYPES)),
});
export type BulkDeleteCreateT = Static<typeof BulkDeleteCreate>;
export const BulkDeleteAction = Type.Object({ ...commonAction, bulk_object_type: stringEnum(BULK_OBJECT_TYPES) });

export const BulkEmailCreate = Type.Object({
  ...commonCreate,
  template_id: Type.Optional(NStr),
  email_account_id: Type.Optional(NStr),
  sender: Type.Optional(NStr),
  contact_preference: Type.Optional(Nullable(stringEnum(EMAIL_CONTACT_PREFERENCES))),
});
export type BulkEmailCreateT = Static<typeof BulkEmailCreate>;
export const BulkEmailAction = Type.Object({
  ...commonAction,
  template_id: NStr,
  email_account_id: NStr,
  sender: NStr,
  contact_preference: Nullable(stringEnum(EMAIL_CONTACT_PREFERENCES)),
});

export const BulkSequenceCreate = Type.Object({
  ...commonCreate,
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
  ...commonAction,
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
