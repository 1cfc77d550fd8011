// Which jobs a budgeted tick steps first. A tick stops once its time budget is spent, so a fixed
// order would always serve the same jobs and starve the rest; starting after the job the last tick
// stepped serves them in turn (round-robin), however the active set changed in between.

/**
 * Wall time one background tick may spend: it always steps at least one job, then stops once the
 * budget is spent, and the jobs it did not reach go first next tick. Wall time (not the emulator's
 * clock) because it bounds how long the event loop is held, so requests keep being served.
 */
export const TICK_BUDGET_MS = 50;

/** A job's place in the tick order. */
export interface JobKey { date_created: string; seq: number; org_id: string; id: string }

/** The ORDER BY matching `after`. */
export const TICK_ORDER = 'date_created, seq, org_id, id';

const FIELDS = ['date_created', 'seq', 'org_id', 'id'] as const;

/** TICK_ORDER as a comparator (jobs of several organizations' databases, merged). */
export function byTickOrder(a: JobKey, b: JobKey): number {
  for (const k of FIELDS) if (a[k] !== b[k]) return a[k] > b[k] ? 1 : -1;
  return 0;
}

/** Whether `a` sorts after `b` in TICK_ORDER. */
function after(a: JobKey, b: JobKey): boolean {
  for (const k of FIELDS) if (a[k] !== b[k]) return a[k] > b[k];
  return false;
}

/** `active` (sorted by TICK_ORDER) rotated to start with the first job after `last`. */
export function rotate<T extends JobKey>(active: T[], last: JobKey | null): T[] {
  const from = last ? active.findIndex((job) => after(job, last)) : -1;
  return from > 0 ? [...active.slice(from), ...active.slice(0, from)] : active;
}
