import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';

const Ids = Type.Array(Type.String(), { minItems: 1, maxItems: 100 });

export const BulkDealUpdate = Type.Object({
  ids: Ids,
  stage: Type.Optional(Type.String({ minLength: 1 })),
  assigned_member_id: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
});
export type BulkDealUpdateT = Static<typeof BulkDealUpdate>;

export const BulkDealDelete = Type.Object({ ids: Ids });
export type BulkDealDeleteT = Static<typeof BulkDealDelete>;

/** The documented CSV columns, in the documented order (seed: blueai-crm-bulk.txt). */
export const CSV_COLUMNS = {
  deals: ['id', 'name', 'customer_name', 'company_id', 'contact_id', 'amount', 'stage', 'expected_close_date', 'assigned_member_id', 'created_at', 'updated_at'],
  contacts: ['id', 'company_id', 'name', 'email', 'phone', 'position', 'notes', 'created_at', 'updated_at'],
  companies: ['id', 'name', 'name_kana', 'department', 'industry', 'employee_count', 'website_url', 'postal_code', 'address', 'phone', 'email', 'notes', 'created_at', 'updated_at'],
  import: ['first_name', 'last_name', 'email', 'phone', 'position', 'company_id', 'note'],
} as const;
