import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, Nullable } from '../common.js';
import { listEnvelope, listQuery } from './common.js';
import { tagFilter } from './tags.js';
import { CustomFieldValues } from './custom-fields.js';

const NStr = Nullable(Type.String());

export const Deal = Type.Object({
  id: Type.String(),
  name: Type.String(),
  amount: Nullable(Type.Integer()),
  stage: Type.String(),
  company_id: NStr,
  contact_id: NStr,
  assigned_member_id: NStr,
  expected_close_date: Nullable(IsoDate),
  probability: Nullable(Type.Integer({ minimum: 0, maximum: 100 })),
  lost_reason: NStr,
  won_date: Nullable(IsoDate),
  currency: Type.String(),
  // Real API: the reference page does not show pipeline_id; here: deals carry it, since a stage is
  // only meaningful within a pipeline.
  pipeline_id: Type.String(),
  custom_fields: CustomFieldValues,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type DealT = Static<typeof Deal>;

const writable = {
  amount: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  stage: Type.Optional(Type.String({ minLength: 1 })),
  pipeline_id: Type.Optional(Type.String({ minLength: 1 })),
  company_id: Type.Optional(NStr),
  contact_id: Type.Optional(NStr),
  assigned_member_id: Type.Optional(NStr),
  expected_close_date: Type.Optional(Nullable(IsoDate)),
  probability: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
  lost_reason: Type.Optional(NStr),
  currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
  custom_fields: Type.Optional(CustomFieldValues),
};

export const DealCreate = Type.Object({ name: Type.String({ minLength: 1 }), ...writable });
export type DealCreateT = Static<typeof DealCreate>;
export const DealPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 1 })), ...writable }, { minProperties: 1 });
export type DealPatchT = Static<typeof DealPatch>;

export const DealStageChange = Type.Object({
  stage: Type.String({ minLength: 1 }),
  lost_reason: Type.Optional(NStr),
});

export const DEAL_SORT = ['created_at', 'updated_at', 'name', 'amount'] as const;
export const DealListQuery = listQuery(DEAL_SORT, { stage: Type.Optional(Type.String()), ...tagFilter });
export type DealListQueryT = Static<typeof DealListQuery>;
export const DealList = listEnvelope(Deal);
