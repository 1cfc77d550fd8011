import { Type, type TProperties } from '@sinclair/typebox';
import { CUSTOM_KEYS, pageQuery } from './common.js';

/** The flat `custom.cf_…` keys an object carries next to its own (present only when set). */
export type CustomKeys = { [key: `custom.${string}`]: unknown };

/** An object schema that also names `custom.cf_…` keys, so they survive serialisation. */
export const withCustom = <P extends TProperties>(props: P) => Type.Object(props, { patternProperties: CUSTOM_KEYS });

/** `_skip` / `_limit` (≤ 200) / `_fields` plus a resource's own filters. */
export const listQuery = <P extends TProperties>(extra: P) => Type.Object({ ...pageQuery().properties, ...extra });

export const S = Type.String();
/** An id or label a client must send: the empty string is as good as missing. */
export const Required = Type.String({ minLength: 1 });

/** `custom_fields`: custom field id (or exact name) → value, another way to send `custom.cf_…` keys. */
export const CustomFieldsInput = Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]));
/** A timestamp a client may set (ISO 8601); checked and normalised by the store. */
export const GivenDate = Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()]));
