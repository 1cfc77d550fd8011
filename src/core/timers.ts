// Timers as background work uses them (the bulk edit ticker, the change feed's flush). Production
// passes the real ones; a test passes a manual set (test/timers.ts) and fires them by hand, so it
// proves "nothing happens while stopped" or "one message per window" without waiting on wall time.

export interface Timers {
  /** Calls `fn` every `ms` until the returned function cancels it. */
  every(ms: number, fn: () => void): () => void;
  /** Calls `fn` once after `ms` unless the returned function cancels it first. */
  after(ms: number, fn: () => void): () => void;
}

/** Node's timers, unref'd: background work never keeps the process alive on its own. */
export const realTimers: Timers = {
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
