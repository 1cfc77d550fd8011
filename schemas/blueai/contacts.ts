import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Nullable } from '../common.js';
import { listEnvelope, listQuery } from './common.js';
import { tagFilter } from './tags.js';
import { CustomFieldValues } from './custom-fields.js';

const NStr = Nullable(Type.String());

export const Contact = Type.Object({
  id: Type.String(),
  first_name: NStr,
  last_name: Type.String(),
  email: NStr,
  phone: NStr,
  position: NStr,
  company_id: NStr,
  note: NStr,
  custom_fields: CustomFieldValues,
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type ContactT = Static<typeof Contact>;

const writable = {
  first_name: Type.Optional(NStr),
  email: Type.Optional(Nullable(Type.String({ format: 'email' }))),
  phone: Type.Optional(NStr),
  position: Type.Optional(NStr),
  company_id: Type.Optional(NStr),
  note: Type.Optional(NStr),
  custom_fields: Type.Optional(CustomFieldValues),
};
export const ContactCreate = Type.Object({ last_name: Type.String({ minLength: 1 }), ...writable });
export type ContactCreateT = Static<typeof ContactCreate>;
export const ContactPatch = Type.Object({ last_name: Type.Optional(Type.String({ minLength: 1 })), ...writable }, { minProperties: 1 });
export type ContactPatchT = Static<typeof ContactPatch>;

export const CONTACT_SORT = ['created_at', 'name'] as const;
export const ContactListQuery = listQuery(CONTACT_SORT, { company_id: Type.Optional(Type.String()), ...tagFilter });
export type ContactListQueryT = Static<typeof ContactListQuery>;
export const ContactList = listEnvelope(Contact);
