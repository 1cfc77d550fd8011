import { Kind, Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * `T | null` as a JSON-Schema type array (`"type": ["string", "null"]`, as the vendors' OpenAPI 3.1
 * writes it) rather than `anyOf`: fast-json-stringify serialises a type array directly, while an
 * `anyOf` makes it validate every value against each branch at run time (4× slower list responses).
 */
export const Nullable = <T extends TSchema>(schema: T) =>
  typeof schema.type === 'string'
    ? Type.Unsafe<Static<T> | null>({
      ...schema, [Kind]: 'Unsafe', type: [schema.type, 'null'],
      // An enum must list null too, or the type array's null is refused.
      ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}),
    })
    : Type.Union([schema, Type.Null()]);

export const IsoDateTime = Type.String({ format: 'date-time' });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

/** A string enum as plain JSON Schema `enum`, so a bad value's error lists the allowed values. */
export const stringEnum = <S extends string>(values: readonly S[], def?: S) =>
  Type.Unsafe<S>({ type: 'string', enum: [...values], ...(def === undefined ? {} : { default: def }) });

/** The emulated vendors, as the control API names them. */
export const VENDORS = ['close', 'blueai'] as const;

/** The largest count or offset a list accepts: beyond it a JSON number is no longer an exact integer
 * (9223372036854775807 arrives as 9223372036854775808, 1e308 "is" an integer) and SQLite refuses it. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;
