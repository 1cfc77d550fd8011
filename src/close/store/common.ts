import type { Statement } from 'better-sqlite3';
import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import { closeMicros } from '../dates.js';

/**
 * Close timestamps from the emulator clock, strictly increasing per organization. Real API: microseconds
 * come from the server's clock; here: the clock has milliseconds, and each write in the same
 * millisecond takes the next microsecond, carrying into the following milliseconds past 1,000 writes
 * (so after many writes on a frozen clock, timestamps run ahead of it by 1 ms per 1,000), so "newest
 * first" lists keep creation order however many objects one frozen instant sees. A clock moved back
 * starts again from its new time.
 */
export class Stamper {
  /** Per organization: the clock reading (µs) and the timestamp (µs) of its last stamp. */
  private readonly last = new Map<string, { baseUs: number; us: number }>();

  constructor(private readonly clock: Clocks) {}

  /** The organization's "now" as a Close timestamp, after the last one it was given. */
  now(orgId: string): string {
    const baseUs = this.clock.nowMs(orgId) * 1000;
    const prev = this.last.get(orgId);
    const us = prev && baseUs >= prev.baseUs ? Math.max(baseUs, prev.us + 1) : baseUs;
    this.last.set(orgId, { baseUs, us });
    return closeMicros(us);
  }

  /** Forgets a deleted or reset organization. */
  forget(orgId: string | null): void {
    if (orgId === null) this.last.clear();
    else this.last.delete(orgId);
  }
}

export interface PageParams {
  _skip: number;
  _limit: number;
}

export interface ClosePage<T> {
  data: T[];
  has_more: boolean;
  /** How many objects match, regardless of `_skip` / `_limit`, on the lists that report it. */
  total_results?: number;
}

/** A page of a list that reports `total_results`. */
export type CountedPage<T> = ClosePage<T> & { total_results: number };

/** Runs a list query with `@limit` / `@skip` placeholders, fetching one extra row for has_more. */
/** A statement: cached when its SQL comes from a bounded set of shapes, prepared afresh when `dynamic` (built from a query string). */
export const statement = (db: Db, dynamic: boolean, sql: string): Statement<unknown[]> => (dynamic ? db.prepare<unknown[]>(sql) : cached(db, sql));

export function pageRows<R>(db: Db, sql: string, params: Record<string, unknown>, q: PageParams, dynamic = false): { rows: R[]; has_more: boolean } {
  const rows = statement(db, dynamic, `${sql} LIMIT @limit OFFSET @skip`).all({ ...params, limit: q._limit + 1, skip: q._skip }) as R[];
  return { rows: rows.slice(0, q._limit), has_more: rows.length > q._limit };
}

/** `SELECT COUNT(*)` over a list query's FROM … WHERE (everything before its ORDER BY). */
export function countRows(db: Db, fromWhere: string, params: Record<string, unknown>): number {
  return (cached(db, `SELECT COUNT(*) AS n ${fromWhere}`).get(params) as { n: number }).n;
}

/** The parameter binding a list of ids as one JSON array (`IN (SELECT value FROM json_each(@ids))`). */
export const idList = (ids: string[]): string => JSON.stringify(ids);

/**
 * SQL for the full name of the user whose id is `idSql`, in the organization `orgSql`: first and last
 * name joined by a space, null when the user is unknown or has neither. Real API: `user_name`,
 * `created_by_name` and `updated_by_name` are the user's full name; here: the same, read when the
 * object is, so a renamed user's name follows everywhere.
 */
export const userNameSql = (orgSql: string, idSql: string) =>
  `(SELECT NULLIF(TRIM(COALESCE(u.first_name, '') || ' ' || COALESCE(u.last_name, '')), '') FROM close_users u WHERE u.org_id = ${orgSql} AND u.id = ${idSql})`;

/**
 * The organization's currency. Real API: each organization chooses one (GET /organization/{id}/
 * `currency`); here: every organization's is US dollars (PUT /organization/ refuses `currency`).
 */
export const ORG_CURRENCY = { code: 'USD', symbol: '$' } as const;
