import { Type, type Static } from '@sinclair/typebox';
import { MAX_COUNT, Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';

// The seed's OpenAPI `BulkEditAction` (shared/seeds/close-bulk-edit.txt) is the contract for responses.

export const BULK_EDIT_TYPES = [
  'set_custom_field', 'clear_custom_field', 'set_lead_status',
  'set_contact_custom_field', 'clear_contact_custom_field',
  'set_activity_custom_field', 'clear_activity_custom_field',
  'set_global_custom_field', 'clear_global_custom_field',
  'set_opportunity_custom_field', 'clear_opportunity_custom_field',
  'set_custom_object_custom_field', 'clear_custom_object_custom_field',
] as const;
export type BulkEditType = (typeof BULK_EDIT_TYPES)[number];

export const BULK_STATUSES = ['created', 'loading', 'processing', 'done', 'paused', 'resuming', 'error'] as const;
export type BulkStatus = (typeof BULK_STATUSES)[number];

const AnyObject = Type.Object({}, { additionalProperties: true });

/** The request body. Types are checked loosely here and precisely by the planner, so every problem
 * comes back as one field error in Close's shape. */
export const BulkEditCreate = Type.Object({
  type: stringEnum(BULK_EDIT_TYPES),
  s_query: Type.Optional(Type.Unknown()),
  query: Type.Optional(Nullable(Type.String())),
  results_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_COUNT }))),
  sort: Type.Optional(Nullable(Type.Array(AnyObject))),
  send_done_email: Type.Optional(Type.Boolean()),
  lead_status_id: Type.Optional(Nullable(Type.String())),
  custom_field_id: Type.Optional(Nullable(Type.String())),
  custom_field_name: Type.Optional(Nullable(Type.String())),
  custom_field_value: Type.Optional(Type.Unknown()),
  custom_field_values: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
  custom_field_operation: Type.Optional(Nullable(stringEnum(['replace', 'add', 'remove'] as const))),
});
export type BulkEditCreateT = Static<typeof BulkEditCreate>;

const NStr = Nullable(Type.String());
const NDate = Nullable(Type.String({ format: 'date-time' }));

export const BulkEditAction = Type.Object({
  id: Type.String(),
  type: stringEnum(BULK_EDIT_TYPES),
  status: Nullable(stringEnum(BULK_STATUSES)),
  organization_id: Type.String(),
  created_by: NStr,
  updated_by: NStr,
  date_created: NDate,
  date_updated: NDate,
  lead_status_id: NStr,
  custom_field_name: NStr,
  custom_field_value: NStr,
  n_leads: Nullable(Type.Integer()),
  n_objects: Nullable(Type.Integer()),
  n_leads_processed: Type.Integer(),
  n_objects_processed: Type.Integer(),
  query: NStr,
  s_query: AnyObject,
  results_limit: Nullable(Type.Integer()),
  sort: Type.Array(AnyObject),
  send_done_email: Type.Boolean(),
});
export type BulkEditActionT = Static<typeof BulkEditAction>;

/** What the routes serialise with: the same keys, none required, so `_fields` can trim them. */
export const BulkEditActionFields = Type.Partial(BulkEditAction);

export const BulkEditUpdate = Type.Object({
  status: stringEnum(['paused', 'resuming'] as const),
});

export const BulkEditList = Type.Object({ data: Type.Array(BulkEditActionFields), has_more: Type.Boolean() });
