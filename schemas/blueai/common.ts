import { Type, type TProperties, type TSchema } from '@sinclair/typebox';

export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Object({}, { additionalProperties: true }),
    }),
  },
  { $id: 'BlueAIError' },
);

export const IdParams = Type.Object({ id: Type.String() });

import { MAX_COUNT, stringEnum } from '../common.js';

export { stringEnum };

/** Common list query: limit (default 50, max 200), offset, search, sort, order. */
export const listQuery = <S extends string, E extends TProperties = {}>(sortKeys: readonly S[], extra: E = {} as E) =>
  Type.Object({
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: MAX_COUNT, default: 0 }),
    search: Type.Optional(Type.String()),
    sort: stringEnum(sortKeys, sortKeys[0]!),
    order: stringEnum(['asc', 'desc'] as const, 'desc'),
    ...extra,
  });

export const listEnvelope = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

/** Response of every bulk endpoint. */
export const BulkResult = Type.Object({
  processed: Type.Integer(),
  errors: Type.Array(Type.String()),
});

// Real API: the delete response body is not documented; here: 200 {"success": true}.
export const DeleteResult = Type.Object({ success: Type.Literal(true) });

/** BlueAI's session cookie (better-auth); the OpenAPI document names it too. */
export const SESSION_COOKIE = 'better-auth.session_token';

/** Every other 4xx and 5xx (415, 429, injected faults, …) is answered in the same envelope. */
export const anyError = { '4xx': ErrorEnvelope, '5xx': ErrorEnvelope } as const;
