import type { Db } from './db.js';
import type { Timers } from './timers.js';

export interface CloseOptions {
  timers: Timers;
  warn: (message: string) => void;
}

/** Retries of closeWhenIdle every 10 ms (10 s) before it says so and slows down to one a second. */
export const FAST_CLOSE_ATTEMPTS = 1000;

/**
 * Closes a database no one uses any more; while a statement still iterates over it (an export
 * streaming when its organization was reset) closing throws, so it is tried again once that has
 * ended: the stream finishes with the data it started with. It runs from a timer, so it never
 * throws: a database still busy after 10 s is told once and tried again every second.
 */
export function closeWhenIdle(db: Db, opts: CloseOptions, attempts = 0): void {
  try {
    if (!db.open) return;
    db.close();
  } catch (err) {
    if (attempts === FAST_CLOSE_ATTEMPTS) {
      opts.warn(`an organization's database is still busy after ${attempts} attempts to close it (${(err as Error).message}); trying again every second`);
    }
    opts.timers.after(attempts < FAST_CLOSE_ATTEMPTS ? 10 : 1000, () => closeWhenIdle(db, opts, attempts + 1));
  }
}
