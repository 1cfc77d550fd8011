import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';

/**
 * Close timestamps from the emulator clock. Real API: microseconds come from the server's clock; here:
 * the clock has milliseconds, and writes in the same millisecond get consecutive microseconds, so
 * "newest first" lists keep creation order even with a frozen clock.
 */
export class Stamper {
  private lastUs = -1;

  constructor(private readonly clock: Clocks) {}

  /** The organization's "now" as a Close timestamp, after the last one this stamper gave. */
  now(orgId: string): string {
    const base = this.clock.nowMs(orgId) * 1000;
    const us = this.lastUs >= base && this.lastUs < base + 999 ? this.lastUs + 1 : base;
    this.lastUs = us;
    const iso = new Date(Math.floor(us / 1000)).toISOString();
    return `${iso.slice(0, 23)}${String(us % 1000).padStart(3, '0')}+00:00`;
  }
}

export interface PageParams {
  _skip: number;
  _limit: number;
}

export interface ClosePage<T> {
  data: T[];
  has_more: boolean;
}

/** Runs a list query with `@limit` / `@skip` placeholders, fetching one extra row for has_more. */
export function pageRows<R>(db: Db, sql: string, params: Record<string, unknown>, q: PageParams): { rows: R[]; has_more: boolean } {
  const rows = cached(db, `${sql} LIMIT @limit OFFSET @skip`).all({ ...params, limit: q._limit + 1, skip: q._skip }) as R[];
  return { rows: rows.slice(0, q._limit), has_more: rows.length > q._limit };
}

/** The parameter binding a list of ids as one JSON array (`IN (SELECT value FROM json_each(@ids))`). */
export const idList = (ids: string[]): string => JSON.stringify(ids);
