import type { ApiKeyT } from '../../../schemas/close/api-keys.js';
import { closeFromIso } from '../dates.js';
import { apiKeyIdOf } from './event-context.js';
import type { ClosePage, PageParams } from './common.js';

/** A credential of the organization as the main database keeps it. */
export interface CredentialRecord { token: string; created_at: string }

/** Below this length a key's last 4 characters would give away too much of it: none are shown. */
const SHOWN_FROM = 12;

/**
 * GET /api_key/: the organization's keys, oldest first, one page. Real API: each key has its own user and
 * description; here: every key acts as the organization's API user (src/close/plugin.ts) and has no
 * description. The id is the `api_key_id` the key's events carry.
 */
export function apiKeyPage(orgId: string, userId: string, credentials: readonly CredentialRecord[], q: PageParams): ClosePage<ApiKeyT> {
  const keys = credentials.map((c): ApiKeyT => {
    const at = closeFromIso(c.created_at);
    return {
      id: apiKeyIdOf(c.token), organization_id: orgId, user_id: userId || null, description: null,
      key_last4: c.token.length >= SHOWN_FROM ? c.token.slice(-4) : null, date_created: at, date_updated: at,
    };
  });
  return { data: keys.slice(q._skip, q._skip + q._limit), has_more: keys.length > q._skip + q._limit };
}
