import { Type, type Static } from '@sinclair/typebox';

export const RateLimitResponse = Type.Object({
  limit: Type.Integer({ description: 'Requests per window and vendor; 0 = off' }),
  window_seconds: Type.Integer(),
  source: Type.Union([Type.Literal('default'), Type.Literal('organization')]),
});
export type RateLimitResponseT = Static<typeof RateLimitResponse>;

export const RateLimitUpdate = Type.Object(
  {
    limit: Type.Integer({ minimum: 0, maximum: 1_000_000, description: '0 turns limiting off for this organization' }),
    window_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, default: 60 })),
  },
  { additionalProperties: false },
);
export type RateLimitUpdateT = Static<typeof RateLimitUpdate>;
