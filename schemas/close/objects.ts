import { Type, type TOptional, type TProperties, type TString } from '@sinclair/typebox';
import { CUSTOM_KEYS, PAGE_LIMITS, pageQuery } from './common.js';

/** The flat `custom.cf_…` keys an object carries next to its own (present only when set). */
export type CustomKeys = { [key: `custom.${string}`]: unknown };

/**
 * An object schema that also names `custom.cf_…` keys, so they survive serialisation, and the legacy
 * `custom` dict (field name → value) an answer carries when `_fields` names it (src/close/legacy-custom.ts).
 */
export const withCustom = <P extends TProperties>(props: P) =>
  Type.Object({ ...props, custom: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { patternProperties: CUSTOM_KEYS });

/** `_skip` / `_limit` (≤ `max`, PAGE_LIMITS) / `_fields` plus a resource's own filters. */
export const listQuery = <P extends TProperties>(extra: P, max: number = PAGE_LIMITS.default) => Type.Object({ ...pageQuery(max).properties, ...extra });

/** The same for lists that report `total_results`, where `_limit=0` asks for the count alone. */
export const countedListQuery = <P extends TProperties>(extra: P, max: number = PAGE_LIMITS.default) =>
  Type.Object({ ...pageQuery(max, 100, 0).properties, ...extra });

/** Optional string query parameters, by name. */
export const optionalStrings = <K extends string>(names: readonly K[]) =>
  Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String())])) as Record<K, TOptional<TString>>;

export const S = Type.String();
/** An id or label a client must send: the empty string is as good as missing. */
export const Required = Type.String({ minLength: 1 });

/** `custom_fields`: custom field id (or exact name) → value, another way to send `custom.cf_…` keys. */
export const CustomFieldsInput = Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]));
/** A timestamp a client may set (ISO 8601); checked and normalised by the store. */
export const GivenDate = Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()]));
