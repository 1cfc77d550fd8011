import type { Db } from '../../core/db.js';
import { ApiError, validationError } from '../../core/errors.js';
import { isObject } from '../../core/own.js';
import { compileQuery } from './compile.js';
import { translateLegacy } from './legacy.js';
import { savedTree, savedType } from './saved.js';
import type { ObjectType } from './fields.js';

// Lead searches that filter other lists (GET /opportunity/: `query`, `lead_query`, `lead_saved_search_id`),
// and the check a smart view's query passes when it is written.

type Condition = { sql: string; params: Record<string, unknown> };

/**
 * `GET /opportunity/?query=…&lead_query=…`: both are legacy lead searches; an opportunity matches when
 * its lead matches every one given. Returns an SQL condition on the opportunity row aliased `o` and its
 * parameters, or null when neither is given. sort: and slice: order and split leads, so here → 400.
 */
export function legacyLeadCondition(db: Db, orgId: string, strings: Record<'query' | 'lead_query', string | undefined>, tzOffsetMinutes = 0): Condition | null {
  const trees: unknown[] = [];
  const given: string[] = [];
  for (const field of ['query', 'lead_query'] as const) {
    const text = strings[field];
    if (text === undefined || text.trim() === '') continue;
    const t = translateLegacy(db, orgId, text, field);
    if (t.sort.length > 0 || t.slice) {
      const message = `${field}: sort: and slice: apply to lead lists and bulk edits, not to opportunities.`;
      throw validationError(message, { [field]: message });
    }
    trees.push(t.sQuery);
    given.push(field);
  }
  if (trees.length === 0) return null;
  const q = compileQuery(db, orgId, { type: 'and', queries: trees }, {
    // A cost or timeout 400 names the parameter given (both: `query`).
    root: given.length === 1 ? given[0] : 'query', objectType: 'lead', now: new Date(0), tzOffsetMinutes, legacy: true, paramPrefix: 'legacy_p',
  });
  return { sql: `o.lead_id IN (${q.select('a.id')})`, params: q.params };
}

/**
 * `GET /opportunity/?lead_saved_search_id=…`: the opportunities of the leads a lead smart view matches
 * (its query compiled as a `saved_search` node). An unknown id or a view of another type → 400 naming it.
 */
export function savedSearchLeadCondition(db: Db, orgId: string, id: string | undefined, now: Date, tzOffsetMinutes = 0): Condition | null {
  if (id === undefined || id === '') return null;
  const field = 'lead_saved_search_id';
  const type = savedType(db, orgId, id);
  const fail = (message: string): never => {
    throw validationError(`${field}: ${message}`, { [field]: message });
  };
  if (type === undefined) return fail(`Smart view ${id} not found.`);
  if (type !== 'lead') return fail(`Smart view ${id} is a ${type} smart view; lead_saved_search_id takes a lead one.`);
  const q = compileQuery(db, orgId, { type: 'saved_search', saved_search_id: id }, {
    root: field, objectType: 'lead', now, tzOffsetMinutes, paramPrefix: 'view_p',
  });
  return { sql: `o.lead_id IN (${q.select('a.id')})`, params: q.params };
}

/**
 * A smart view's query, as it is written: an s_query (tree or search body) that compiles and selects the
 * view's type, or a legacy `query` string (lead views). `id`: the view being written (a reference back to it
 * is a cycle; it counts as a level of nesting). Throws the 400 naming `s_query` or `query`; never evaluates the query.
 */
export function checkSavedSearchQuery(db: Db, orgId: string, id: string, type: ObjectType, sQuery: unknown, query: string | null): void {
  const views = [id];
  const fail = (field: string, message: string): never => {
    throw validationError(`${field}: ${message}`, { [field]: message });
  };
  if (isObject(sQuery)) {
    const { tree, sort } = savedTree(sQuery);
    const q = asSQuery(() => compileQuery(db, orgId, tree, { root: 's_query', sort, now: new Date(0), savedSearchIds: views }));
    if (q.objectType !== type) fail('s_query', `A ${type} smart view's query must select ${type}s (an object_type node); this one selects ${q.objectType}s.`);
    db.prepare(`${q.select('a.id')} ORDER BY ${q.orderBy}`); // proves the SQL is valid
    return;
  }
  if (query === null || query.trim() === '') return fail('s_query', 'A smart view needs an s_query (or a legacy query string).');
  if (type !== 'lead') fail('query', `The query string searches leads; a ${type} smart view needs an s_query.`);
  const t = translateLegacy(db, orgId, query, 'query');
  compileQuery(db, orgId, t.sQuery, { root: 'query', now: new Date(0), legacy: true, savedSearchIds: views });
}

/** A view's sort sits inside its s_query: a 400 the compiler names `sort` names `s_query` here. */
function asSQuery<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const sort = err instanceof ApiError ? err.details.fields?.['sort'] : undefined;
    if (sort === undefined) throw err;
    const message = sort.startsWith('sort') ? `s_query.${sort}` : `s_query.sort: ${sort}`;
    throw validationError(message, { s_query: message });
  }
}
