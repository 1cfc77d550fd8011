import { Type, type Static } from '@sinclair/typebox';
import { closeList } from './common.js';
import { Required, S } from './objects.js';

/**
 * A send-as association: `allowed_user_id` may send as `allowing_user_id`. Real API: the response shape is
 * undocumented (Close's OpenAPI: "Empty response body"); here: the two users, the organization, the date.
 */
export const SendAs = Type.Object({ id: S, allowing_user_id: S, allowed_user_id: S, organization_id: S, date_created: S });
export type SendAsT = Static<typeof SendAs>;
export const SendAsList = closeList(SendAs);

export const SendAsQuery = Type.Object({ allowing_user_id: Type.Optional(S), allowed_user_id: Type.Optional(S) });
export type SendAsQueryT = Static<typeof SendAsQuery>;
export const SendAsCreate = Type.Object({ allowing_user_id: Required, allowed_user_id: Required }, { additionalProperties: false });
export type SendAsCreateT = Static<typeof SendAsCreate>;
/** POST /send_as/bulk/: the users to allow and to disallow sending as the caller. */
export const SendAsBulk = Type.Object({
  allow: Type.Optional(Type.Array(Required)), disallow: Type.Optional(Type.Array(Required)),
}, { additionalProperties: false });
export type SendAsBulkT = Static<typeof SendAsBulk>;
