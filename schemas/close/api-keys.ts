import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { listQuery, S } from './objects.js';

/**
 * An API key of the organization, as GET /api_key/ lists it [U]: Close's own script (csv_to_cio.py) reads
 * `data[0].organization_id`; Close's published OpenAPI omits the endpoint. Never the secret itself:
 * `key_last4` is its last 4 characters (as Close's settings page shows a key), null for a key shorter than 12.
 */
export const ApiKey = Type.Object({
  id: S, organization_id: S, user_id: Nullable(S), description: Nullable(S), key_last4: Nullable(S), date_created: S, date_updated: S,
});
export type ApiKeyT = Static<typeof ApiKey>;
export const ApiKeyPartial = Type.Partial(ApiKey);
export const ApiKeyList = closeList(ApiKeyPartial);
export const ApiKeyListQuery = listQuery({});
