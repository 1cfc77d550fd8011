import type { Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import { compileQuery, type CompiledQuery } from './compile.js';

// The s_query engine: compiles a query tree and its sort to one SELECT over the object table, run
// entirely inside SQLite. Used by bulk edits (s_query, leads only) and POST /data/search/ (query).

export type { ObjectType } from './fields.js';
export { parseTzOffset } from './moments.js';
export { search, type SearchOptions, type SearchResult } from './search.js';
export { translateLegacy, type Legacy } from './legacy.js';
export { legacyLeadCondition, savedSearchLeadCondition, checkSavedSearchQuery } from './lead-filters.js';
export { compileQuery, type CompileOptions, type CompiledQuery } from './compile.js';

/** Compiles an s_query for a bulk edit: it must select leads. */
function leadQuery(db: Db, orgId: string, sQuery: unknown, sort: unknown, now: Date, tzOffsetMinutes = 0, legacy?: LegacyOptions): CompiledQuery {
  const q = compileQuery(db, orgId, sQuery, { sort, now, tzOffsetMinutes, legacy: legacy !== undefined, slice: legacy?.slice ?? null });
  if (q.objectType !== 'lead') {
    const message = `s_query: bulk edits act on leads; this query selects ${q.objectType}s.`;
    throw validationError(message, { s_query: message });
  }
  return q;
}

/**
 * For bulk edits: throws validationError (field `s_query`, or `sort`) for anything malformed or
 * unsupported, or a query that does not select leads. Never evaluates the query.
 */
export function checkQuery(db: Db, orgId: string, sQuery: unknown, sort: unknown, legacy?: LegacyOptions): void {
  // The clock does not matter for validation: moments are only checked, not compared.
  const q = leadQuery(db, orgId, sQuery, sort, new Date(0), 0, legacy);
  db.prepare(`${q.select('a.id')} ORDER BY ${q.orderBy}`); // proves the SQL is valid before a job exists
}

export interface MatchOptions {
  sort?: unknown;
  /** Caps the matched set after sorting; null/undefined = no cap. */
  resultsLimit?: number | null;
  now: Date;
  tzOffsetMinutes?: number;
  /** Set when the tree was translated from the legacy string (legacy.ts). */
  legacy?: LegacyOptions;
}

export interface LegacyOptions { slice: { index: number; count: number } | null }

/** Ids of the leads an s_query matches, sorted (default date_created desc, ties by id), capped by resultsLimit. */
export function matchLeadIds(db: Db, orgId: string, sQuery: unknown, opts: MatchOptions): string[] {
  const q = leadQuery(db, orgId, sQuery, opts.sort, opts.now, opts.tzOffsetMinutes, opts.legacy);
  const limit = opts.resultsLimit ?? -1; // a negative LIMIT is no limit in SQLite
  return db.prepare(`${q.select('a.id')} ORDER BY ${q.orderBy} LIMIT @__limit`).pluck().all({ ...q.params, __limit: limit }) as string[];
}

