import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { stringEnum } from '../blueai/common.js';

export const FIELD_TYPES = ['text', 'textarea', 'number', 'date', 'datetime', 'choices', 'user', 'contact', 'hidden'] as const;
export const FIELD_OBJECT_TYPES = ['lead', 'contact', 'opportunity', 'activity', 'shared', 'custom_object'] as const;
export type FieldObjectType = (typeof FIELD_OBJECT_TYPES)[number];
/** Object kinds a shared field can be associated with. */
export const ASSOCIATION_TYPES = ['lead', 'contact', 'opportunity', 'activity', 'custom_object'] as const;
export type AssociationType = (typeof ASSOCIATION_TYPES)[number];

export const Association = Type.Object({
  object_type: stringEnum(ASSOCIATION_TYPES),
  custom_activity_type_id: Nullable(Type.String()),
  custom_object_type_id: Nullable(Type.String()),
});

export const CustomField = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  type: stringEnum(FIELD_TYPES),
  accepts_multiple_values: Type.Boolean(),
  choices: Nullable(Type.Array(Type.String())),
  object_type: stringEnum(FIELD_OBJECT_TYPES),
  custom_activity_type_id: Nullable(Type.String()),
  custom_object_type_id: Nullable(Type.String()),
  associations: Nullable(Type.Array(Association)),
  organization_id: Type.String(),
  date_created: Type.String(),
  date_updated: Type.String(),
});
export type CustomFieldT = Static<typeof CustomField>;

// Writing custom fields (`/custom_field/{kind}/`). Cross-field rules (choices for type choices, the
// activity/custom object type a field belongs to) are checked by the store.
export const AssociationInput = Type.Object({
  object_type: stringEnum(ASSOCIATION_TYPES),
  custom_activity_type_id: Type.Optional(Nullable(Type.String())),
  custom_object_type_id: Type.Optional(Nullable(Type.String())),
});
export type AssociationInputT = Static<typeof AssociationInput>;

const WritableField = {
  description: Type.Optional(Nullable(Type.String())),
  accepts_multiple_values: Type.Optional(Type.Boolean()),
  choices: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }))),
  associations: Type.Optional(Type.Array(AssociationInput)),
};
export const CustomFieldCreate = Type.Object({
  name: Type.String({ minLength: 1 }),
  type: stringEnum(FIELD_TYPES),
  custom_activity_type_id: Type.Optional(Type.String()),
  custom_object_type_id: Type.Optional(Type.String()),
  ...WritableField,
});
export type CustomFieldCreateT = Static<typeof CustomFieldCreate>;
export const CustomFieldUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1 })),
  type: Type.Optional(stringEnum(FIELD_TYPES)),
  ...WritableField,
});
export type CustomFieldUpdateT = Static<typeof CustomFieldUpdate>;

export const CustomFieldPartial = Type.Partial(CustomField);
export const CustomFieldList = Type.Object({ data: Type.Array(CustomFieldPartial), has_more: Type.Boolean() });
export const CustomFieldSchemaResponse = Type.Object({ fields: Type.Array(CustomField) });
