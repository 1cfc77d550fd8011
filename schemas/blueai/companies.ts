import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Nullable } from '../common.js';
import { listEnvelope, listQuery } from './common.js';
import { tagFilter } from './tags.js';
import { CustomFieldValues } from './custom-fields.js';

const NStr = Nullable(Type.String());

export const Company = Type.Object({
  id: Type.String(),
  name: Type.String(),
  name_kana: NStr,
  department: NStr,
  industry: NStr,
  employee_count: Nullable(Type.Integer()),
  website: NStr,
  postal_code: NStr,
  address: NStr,
  phone: NStr,
  email: NStr,
  note: NStr,
  custom_fields: CustomFieldValues,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type CompanyT = Static<typeof Company>;

const writable = {
  name_kana: Type.Optional(NStr),
  department: Type.Optional(NStr),
  industry: Type.Optional(NStr),
  employee_count: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  website: Type.Optional(NStr),
  postal_code: Type.Optional(NStr),
  address: Type.Optional(NStr),
  phone: Type.Optional(NStr),
  email: Type.Optional(Nullable(Type.String({ format: 'email' }))),
  note: Type.Optional(NStr),
  custom_fields: Type.Optional(CustomFieldValues),
};
export const CompanyCreate = Type.Object({ name: Type.String({ minLength: 1 }), ...writable });
export type CompanyCreateT = Static<typeof CompanyCreate>;
export const CompanyPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 1 })), ...writable }, { minProperties: 1 });
export type CompanyPatchT = Static<typeof CompanyPatch>;

export const COMPANY_SORT = ['created_at', 'name'] as const;
export const CompanyListQuery = listQuery(COMPANY_SORT, tagFilter);
export type CompanyListQueryT = Static<typeof CompanyListQuery>;
export const CompanyList = listEnvelope(Company);
