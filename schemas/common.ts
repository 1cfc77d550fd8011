import { Type, type TSchema } from '@sinclair/typebox';

/** `T | null`, rendered as a JSON-Schema type union (valid in OpenAPI 3.1). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const IsoDateTime = Type.String({ format: 'date-time' });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
