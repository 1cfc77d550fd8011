import { Type, type Static } from '@sinclair/typebox';
import { Dataset } from '../seed.js';
import { ClockResponse } from './clock.js';
import { RateLimitResponse } from './rate-limit.js';

export const OrgResponse = Type.Object({
  id: Type.String({ description: 'orga_ id' }),
  name: Type.String(),
  credentials: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  dataset: Type.Union([Type.Literal('seed'), Type.Literal('empty'), Type.Literal('custom')], { description: 'What a reset returns it to' }),
  counts: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'Row counts per vendor' }),
  clock: ClockResponse,
  rate_limit: RateLimitResponse,
});
export type OrgResponseT = Static<typeof OrgResponse>;

export const OrgList = Type.Object({ data: Type.Array(OrgResponse) });

export const OrgCreate = Type.Object(
  {
    credential: Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', description: 'Bearer token / Close API key / session cookie' }),
    dataset: Type.Optional(Type.Union([Type.Literal('seed'), Type.Literal('empty'), Dataset], { description: '"seed" (default), "empty", or a dataset' })),
  },
  { additionalProperties: false },
);
export type OrgCreateT = Static<typeof OrgCreate>;

export { Dataset };
