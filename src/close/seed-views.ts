import { cached, type Db } from '../core/db.js';
import type { CloseSeedT } from '../../schemas/seed.js';
import { EMULATED_SAVED_SEARCH_TYPES } from '../../schemas/close/saved-searches.js';

// The dataset part for smart views, roles, send-as associations, dialer sessions and integration links:
// checked, inserted and exported so that a snapshot restores them byte for byte.

type Seed = CloseSeedT;
type Check = (path: string, prefix: string, id: string, length?: number) => string | null;
type Row = Record<string, unknown>;

/** Ids and what each record names (users, lead custom fields); the first problem or null. A smart view's query is checked when it is used. */
export function checkViewSeed(s: Seed, check: Check): string | null {
  const users = new Set(s.users.map((u) => u.id));
  const leadFields = new Set(s.custom_fields.filter((f) => f.object_type === 'lead').map((f) => f.id));
  const each = <T extends { id: string }>(kind: string, prefix: string, list: T[] | undefined, more: (x: T, at: string) => string | null) => {
    for (const [i, x] of (list ?? []).entries()) {
      const at = `/close/${kind}/${i}`;
      const p = check(at, prefix, x.id) ?? more(x, at);
      if (p) return p;
    }
    return null;
  };
  const user = (at: string, id: string | null) => (id === null || users.has(id) ? null : `${at}: unknown user ${id}`);
  const pairs = new Set<string>();
  return each('saved_searches', 'save_', s.saved_searches, (x, at) =>
    ((EMULATED_SAVED_SEARCH_TYPES as readonly string[]).includes(x.type) ? null : `${at}/type: one of ${EMULATED_SAVED_SEARCH_TYPES.join(', ')}`)
    ?? (x.s_query !== null || x.query !== null ? null : `${at}: a smart view needs an s_query or a query`) ?? user(`${at}/user_id`, x.user_id))
    ?? each('roles', 'role_', s.roles, (x, at) => x.visibility_user_lcf_ids.map((f) => (leadFields.has(f) ? null : `${at}/visibility_user_lcf_ids: unknown lead custom field ${f}`)).find(Boolean) ?? null)
    ?? each('send_as', 'sendas_', s.send_as, (x, at) => {
      const pair = `${x.allowing_user_id} ${x.allowed_user_id}`;
      if (pairs.has(pair)) return `${at}: duplicate association`;
      pairs.add(pair);
      return user(`${at}/allowing_user_id`, x.allowing_user_id) ?? user(`${at}/allowed_user_id`, x.allowed_user_id)
        ?? (x.allowing_user_id === x.allowed_user_id ? `${at}: a user cannot be allowed to send as themselves` : null);
    })
    ?? each('dialer_sessions', 'dialer_', s.dialer_sessions, (x, at) => user(`${at}/user_id`, x.user_id) ?? x.user_ids.map((u) => user(`${at}/user_ids`, u)).find(Boolean) ?? null)
    ?? each('integration_links', 'intlink_', s.integration_links, () => null);
}

const json = (v: unknown): string | null => (v === null ? null : JSON.stringify(v));
const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/** Inserts them into one organization (inside the caller's transaction). */
export function insertViewSeed(s: Seed, insert: (table: string, row: Row) => void): void {
  for (const x of s.saved_searches ?? []) {
    insert('close_saved_searches', { ...x, is_shared: x.is_shared ? 1 : 0, is_user_dependent: bool(x.is_user_dependent), s_query: json(x.s_query), selected_fields: json(x.selected_fields) });
  }
  for (const x of s.roles ?? []) insert('close_roles', { ...x, permissions: JSON.stringify(x.permissions), visibility_user_lcf_ids: JSON.stringify(x.visibility_user_lcf_ids) });
  for (const x of s.send_as ?? []) insert('close_send_as', x);
  for (const x of s.dialer_sessions ?? []) insert('close_dialer_sessions', { ...x, user_ids: JSON.stringify(x.user_ids) });
  for (const x of s.integration_links ?? []) insert('close_integration_links', x);
}

const parse = (v: unknown): unknown => (v === null ? null : JSON.parse(v as string));

/** The organization's records in the dataset format, oldest first. */
export function exportViewSeed(db: Db, orgId: string): Pick<Seed, 'saved_searches' | 'roles' | 'send_as' | 'dialer_sessions' | 'integration_links'> {
  const all = (sql: string) => cached(db, sql).all(orgId) as Row[];
  return {
    saved_searches: all(`SELECT id, name, type, description, is_shared, is_user_dependent, query, s_query, selected_fields, user_id, date_created, date_updated
      FROM close_saved_searches WHERE org_id = ? ORDER BY date_created, id`).map((x) => ({
      ...x, is_shared: x.is_shared === 1, is_user_dependent: x.is_user_dependent === null ? null : x.is_user_dependent === 1,
      s_query: parse(x.s_query), selected_fields: parse(x.selected_fields),
    })) as Seed['saved_searches'],
    roles: all(`SELECT id, name, permissions, visibility_user_lcf_ids, visibility_user_lcf_behavior, date_created, date_updated
      FROM close_roles WHERE org_id = ? ORDER BY date_created, id`).map((x) => ({
      ...x, permissions: parse(x.permissions), visibility_user_lcf_ids: parse(x.visibility_user_lcf_ids),
    })) as Seed['roles'],
    send_as: all(`SELECT id, allowing_user_id, allowed_user_id, date_created FROM close_send_as WHERE org_id = ? ORDER BY date_created, id`) as Seed['send_as'],
    dialer_sessions: all(`SELECT id, source_type, source_value, type, status, user_id, user_ids, date_created, date_updated
      FROM close_dialer_sessions WHERE org_id = ? ORDER BY date_created, id`).map((x) => ({ ...x, user_ids: parse(x.user_ids) })) as Seed['dialer_sessions'],
    integration_links: all(`SELECT id, name, type, url, created_by, updated_by, date_created, date_updated
      FROM close_integration_links WHERE org_id = ? ORDER BY date_created, id`) as Seed['integration_links'],
  };
}
