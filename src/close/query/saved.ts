import { cached, type Db } from '../../core/db.js';
import { ApiError } from '../../core/errors.js';
import { isObject } from '../../core/own.js';
import { translateLegacy } from './legacy.js';
import { OBJECT_TYPES, type ObjectType } from './fields.js';
import type { Compiler } from './compile.js';
import { WEIGHTS } from './budget.js';

// Smart views (saved searches) as parts of other queries: the `saved_search` node compiles the view's
// own query in its place (compile.ts). A view holds an s_query (a tree, or the search body
// `{"query": tree, "sort": [...]}` Close's UI saves) or the legacy string `query` (lead views).

/** Real API: not documented; here: a smart view may refer to another, at most this many levels deep. */
export const MAX_SAVED_SEARCH_NESTING = 10;

/** The tree of an s_query as a smart view holds it, and the sort it carries (the search body's). */
export function savedTree(sQuery: Record<string, unknown>): { tree: unknown; sort: unknown } {
  if (sQuery.type === undefined && 'query' in sQuery) return { tree: sQuery.query, sort: sQuery.sort };
  return { tree: sQuery, sort: undefined };
}

/** Smart view `id`'s type, or undefined when the organization has none. */
export function savedType(db: Db, orgId: string, id: string): string | undefined {
  return cached(db, `SELECT type FROM close_saved_searches WHERE org_id = ? AND id = ?`).pluck().get(orgId, id) as string | undefined;
}

export interface SavedQuery {
  /** The smart view's type (lead, contact, …). */
  type: string;
  tree: unknown;
  /** The tree was translated from the legacy string: count nodes are allowed in it. */
  legacy: boolean;
}

/**
 * The query of smart view `id`, or undefined when the organization has none. `fail` reports a stored legacy
 * string that no longer translates (a custom field it names was deleted) on the node that refers to it.
 */
export function savedQuery(db: Db, orgId: string, id: string, fail: (message: string) => never): SavedQuery | undefined {
  const row = cached(db, `SELECT type, query, s_query FROM close_saved_searches WHERE org_id = ? AND id = ?`).get(orgId, id) as
    { type: string; query: string | null; s_query: string | null } | undefined;
  if (!row) return undefined;
  if (row.s_query !== null) {
    const s = JSON.parse(row.s_query) as unknown;
    return { type: row.type, tree: isObject(s) ? savedTree(s).tree : s, legacy: false };
  }
  try {
    return { type: row.type, tree: translateLegacy(db, orgId, row.query ?? '').sQuery, legacy: true };
  } catch (err) {
    if (err instanceof ApiError) return fail(`smart view ${id}: ${err.message}`);
    throw err;
  }
}

/**
 * `{type: "saved_search", saved_search_id}`: the smart view's own query in its place, as if sent inline.
 * A view referring (through others) to itself, or nested deeper than MAX_SAVED_SEARCH_NESTING, is a 400;
 * its nodes count towards the query's depth, size and cost like inline ones.
 */
export function savedSearchNode(c: Compiler, q: Record<string, unknown>, path: string, on: ObjectType, a: string): string {
  const at = `${path}.saved_search_id`;
  const id = q.saved_search_id;
  if (typeof id !== 'string' || id === '') return c.fail(at, 'A saved_search node needs a "saved_search_id".');
  if (c.views.includes(id)) return c.fail(at, `Smart view ${id} refers to itself (${[...c.views, id].join(' → ')}).`);
  if (c.views.length >= MAX_SAVED_SEARCH_NESTING) return c.fail(at, `Smart views refer to one another more than ${MAX_SAVED_SEARCH_NESTING} levels deep.`);
  const saved = savedQuery(c.db, c.orgId, id, (message) => c.fail(at, message));
  if (!saved) return c.fail(at, `Smart view ${id} not found.`);
  if (saved.type !== on) return c.fail(at, `Smart view ${id} selects ${saved.type}s; this part of the query selects ${on}s.`);
  c.charge(WEIGHTS.logic);
  const legacy = c.legacy;
  c.views.push(id);
  c.legacy = legacy || saved.legacy;
  try {
    return c.node(saved.tree, `${path}.saved_search(${id})`, on, a);
  } finally {
    c.views.pop();
    c.legacy = legacy;
  }
}

/** A saved_search node's view type, when it is one the search selects (a missing view is the node's own 400). */
export function viewType(q: Record<string, unknown>, c: Compiler): ObjectType | undefined {
  if (q.type !== 'saved_search' || typeof q.saved_search_id !== 'string') return undefined;
  const t = savedType(c.db, c.orgId, q.saved_search_id);
  return t !== undefined && (OBJECT_TYPES as readonly string[]).includes(t) ? t as ObjectType : undefined;
}
