import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Nullable } from '../common.js';
import { stringEnum } from './common.js';

export const RESOURCE_TYPES = ['deal', 'company', 'contact'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];
export const FIELD_TYPES = ['text', 'number', 'date', 'select', 'multi_select'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

// Cost bounds [D]: what one definition and one record's values may hold.
export const LIMITS = {
  /** Definitions per organization and resource type. */
  definitions: 100,
  /** options_json: characters, options, characters per option. */
  optionsChars: 10_000,
  options: 100,
  optionChars: 200,
  /** A text value's characters. */
  textChars: 10_000,
} as const;

export const CustomFieldDefinition = Type.Object({
  id: Type.String(),
  resource_type: stringEnum(RESOURCE_TYPES),
  name: Type.String(),
  field_type: stringEnum(FIELD_TYPES),
  options_json: Nullable(Type.String()),
  is_required: Type.Boolean(),
  sort_order: Type.Integer(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type CustomFieldDefinitionT = Static<typeof CustomFieldDefinition>;

const Name = Type.String({ minLength: 1, maxLength: 100 });
const OptionsJson = Nullable(Type.String({ maxLength: LIMITS.optionsChars, description: 'A JSON array of option strings, as a string' }));

export const CustomFieldCreate = Type.Object({
  resource_type: stringEnum(RESOURCE_TYPES),
  name: Name,
  field_type: stringEnum(FIELD_TYPES),
  options_json: Type.Optional(OptionsJson),
  is_required: Type.Optional(Type.Boolean()),
  sort_order: Type.Optional(Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 })),
});
export type CustomFieldCreateT = Static<typeof CustomFieldCreate>;

// resource_type and field_type are accepted only unchanged (the store answers 400 otherwise), so a
// client that sends the whole definition back is not refused, and a change is never silently dropped.
export const CustomFieldPatch = Type.Partial(CustomFieldCreate, { minProperties: 1 });
export type CustomFieldPatchT = Static<typeof CustomFieldPatch>;

export const CustomFieldListQuery = Type.Object({ resource_type: Type.Optional(stringEnum(RESOURCE_TYPES)) });
export type CustomFieldListQueryT = Static<typeof CustomFieldListQuery>;

export const CustomFieldList = Type.Object({ definitions: Type.Array(CustomFieldDefinition) });
// Real API: the create and update bodies are not shown; here: {"definition": {...}}, as tags answer {"tag": {...}}.
export const CustomFieldResponse = Type.Object({ definition: CustomFieldDefinition });

/** One value: text/date/select → string, number → number, multi_select → array of strings; null clears. */
export const CustomFieldValue = Type.Union([
  Type.String({ maxLength: LIMITS.textChars }),
  Type.Number(),
  Type.Array(Type.String({ maxLength: LIMITS.optionChars }), { maxItems: LIMITS.options }),
  Type.Null(),
]);

/** A record's values, keyed by definition id (`cfd_…`). */
export const CustomFieldValues = Type.Record(Type.String(), CustomFieldValue, {
  maxProperties: LIMITS.definitions,
  description: 'Custom field values keyed by definition id (cfd_…); null removes a value',
});
export type CustomFieldValuesT = Static<typeof CustomFieldValues>;
