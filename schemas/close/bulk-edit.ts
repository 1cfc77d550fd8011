import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';
import { bulkCommonAction, bulkCommonCreate } from './bulk-actions.js';

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

export { BULK_STATUSES, type BulkStatus } from './bulk-actions.js';

/** The request body. Types are checked loosely here and precisely by the planner, so every problem
 * comes back as one field error in Close's shape. */
export const BulkEditCreate = Type.Object({
  type: stringEnum(BULK_EDIT_TYPES),
  ...bulkCommonCreate,
  lead_status_id: Type.Optional(Nullable(Type.String())),
  custom_field_id: Type.Optional(Nullable(Type.String())),
  custom_field_name: Type.Optional(Nullable(Type.String())),
  custom_field_value: Type.Optional(Type.Unknown()),
  custom_field_values: Type.Optional(Nullable(Type.Array(Type.Unknown()))),
  custom_field_operation: Type.Optional(Nullable(stringEnum(['replace', 'add', 'remove'] as const))),
});
export type BulkEditCreateT = Static<typeof BulkEditCreate>;

const NStr = Nullable(Type.String());
const { id, ...common } = bulkCommonAction;

export const BulkEditAction = Type.Object({
  id,
  type: stringEnum(BULK_EDIT_TYPES),
  ...common,
  lead_status_id: NStr,
  custom_field_name: NStr,
  custom_field_value: NStr,
});
