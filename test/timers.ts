import type { Timers } from '../src/core/timers.js';

/**
 * Timers a test fires by hand (pass as `timers` to buildApp, or to a ChangeFeed): nothing runs until
 * `fire()`, so "nothing happens while stopped" is `pending` being empty, not a sleep that saw nothing.
 */
export class ManualTimers implements Timers {
  private next = 0;
  private readonly live = new Map<number, { ms: number; fn: () => void; repeat: boolean }>();

  every(ms: number, fn: () => void): () => void {
    return this.add(ms, fn, true);
  }

  after(ms: number, fn: () => void): () => void {
    return this.add(ms, fn, false);
  }

  /** What is scheduled and not cancelled (a timeout until it fires), in the order it was set. */
  get pending(): { ms: number; repeat: boolean }[] {
    return [...this.live.values()].map(({ ms, repeat }) => ({ ms, repeat }));
  }

  /** Fires every pending timer once, as if its time had come (a timeout then is gone); returns how many fired. */
  fire(): number {
    let fired = 0;
    for (const [id, timer] of [...this.live]) {
      if (!this.live.has(id)) continue;
      if (!timer.repeat) this.live.delete(id);
      timer.fn();
      fired++;
    }
    return fired;
  }

  private add(ms: number, fn: () => void, repeat: boolean): () => void {
    const id = this.next++;
    this.live.set(id, { ms, fn, repeat });
    return () => {
      this.live.delete(id);
    };
  }
}
