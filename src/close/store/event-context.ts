import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';

/**
 * Who and what caused the events recorded now: one API request (its id, user, key, method and path)
 * or background work (a bulk action adds `meta.bulk_action_id`). Kept in an AsyncLocalStorage so the
 * stores need no extra parameter; outside any context an event has no request, user or key.
 */
export interface EventContext {
  request_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  meta: Record<string, unknown>;
}

const storage = new AsyncLocalStorage<EventContext>();
const EMPTY: EventContext = { request_id: null, user_id: null, api_key_id: null, meta: {} };

/** The context in force (an empty one outside any). */
export const currentEventContext = (): EventContext => storage.getStore() ?? EMPTY;

/**
 * Runs `fn` with the given parts of the event context on top of the current one (meta keys merged);
 * what `fn` records carries them. Cheap: one object and one AsyncLocalStorage frame.
 */
export function withContext<T>(ctx: Partial<EventContext>, fn: () => T): T {
  const base = currentEventContext();
  return storage.run({
    request_id: ctx.request_id !== undefined ? ctx.request_id : base.request_id,
    user_id: ctx.user_id !== undefined ? ctx.user_id : base.user_id,
    api_key_id: ctx.api_key_id !== undefined ? ctx.api_key_id : base.api_key_id,
    meta: ctx.meta ? { ...base.meta, ...ctx.meta } : base.meta,
  }, fn);
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` base62 characters from a hash's bytes (slightly biased: an identifier, not a secret). */
function base62Of(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += BASE62[bytes[i % bytes.length]! % 62];
  return out;
}

/**
 * The `api_key_id` of a credential. Real API: the id of the API key object (`api_…`); here: `api_` + 22
 * base62 characters of the credential's SHA-256, stable for a credential and revealing nothing of it.
 */
export function apiKeyIdOf(credential: string): string {
  return 'api_' + base62Of(createHash('sha256').update(`close-api-key:${credential}`).digest(), 22);
}
