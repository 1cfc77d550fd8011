import { Type, type Static } from '@sinclair/typebox';
import { Dataset } from '../seed.js';
import { ClockResponse } from './clock.js';
import { RateLimitResponse } from './rate-limit.js';

const Counts = Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), { description: 'Row counts per vendor' });

/** An organization's fields but its row counts (split so the list can leave the counts out, in the same key order). */
const head = {
  id: Type.String({ description: 'orga_ id' }),
  name: Type.String(),
  credentials: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  dataset: Type.Union([Type.Literal('seed'), Type.Literal('empty'), Type.Literal('custom')], { description: 'What a reset returns it to' }),
};
const tail = { clock: ClockResponse, rate_limit: RateLimitResponse };

export const OrgResponse = Type.Object({ ...head, counts: Counts, ...tail });
export type OrgResponseT = Static<typeof OrgResponse>;

export const OrgListItem = Type.Object({ ...head, counts: Type.Optional(Counts), ...tail }, { description: 'Without `counts` when the list is asked for with counts=false' });
export type OrgListItemT = Static<typeof OrgListItem>;
export const OrgList = Type.Object({ data: Type.Array(OrgListItem) });
/** The list as answered without counts=false: every organization with its counts. */
export const OrgListWithCounts = Type.Object({ data: Type.Array(OrgResponse) });

export const OrgListQuery = Type.Object({
  counts: Type.Optional(Type.Boolean({
    description: 'false: leave out each organization\'s row counts (a count per table per organization: the costly part of a long list); GET /_mock/orgs/{org} has them. Default true',
  })),
}, { additionalProperties: false });

export const OrgCreate = Type.Object(
  {
    credential: Type.String({ minLength: 1, maxLength: 512, pattern: '^\\S+$', description: 'Bearer token / Close API key / session cookie' }),
    dataset: Type.Optional(Type.Union([Type.Literal('seed'), Type.Literal('empty'), Dataset], { description: '"seed" (default), "empty", or a dataset' })),
  },
  { additionalProperties: false },
);
export type OrgCreateT = Static<typeof OrgCreate>;

export { Dataset };
