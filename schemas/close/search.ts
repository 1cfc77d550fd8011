import { Type, type Static } from '@sinclair/typebox';
import { MAX_COUNT, Nullable } from '../common.js';

// POST /data/search/ (Close's Advanced Filtering API). `query` and `sort` are checked by the s_query
// compiler, which names the offending node and its path; the schema only fixes the envelope.

export const SEARCH_MAX_LIMIT = 200;
/** [D] Close does not document the default page size here; we use 100 like its lists. */
export const SEARCH_DEFAULT_LIMIT = 100;

export const SearchBody = Type.Object({
  query: Type.Unknown({ description: 'The s_query tree (spec §3).' }),
  sort: Type.Optional(Type.Array(Type.Unknown())),
  results_limit: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: MAX_COUNT }))),
  _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: SEARCH_MAX_LIMIT })),
  cursor: Type.Optional(Nullable(Type.String())),
  _fields: Type.Optional(Type.Record(Type.String(), Type.Array(Type.String()))),
  include_counts: Type.Optional(Type.Boolean()),
});
export type SearchBodyT = Static<typeof SearchBody>;

export const SearchHeaders = Type.Object({
  'x-tz-offset': Type.Optional(Type.String()),
});

/** Each object carries `__object_type`, `id` and whatever `_fields` asked for (custom.cf_… keys too). */
export const SearchObject = Type.Object(
  { __object_type: Type.String(), id: Type.String() },
  { additionalProperties: true },
);

export const SearchResponse = Type.Object({
  data: Type.Array(SearchObject),
  cursor: Nullable(Type.String()),
  count: Type.Optional(Type.Object({ total: Type.Integer() })),
});
export type SearchResponseT = Static<typeof SearchResponse>;
