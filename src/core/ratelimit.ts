import type { Clock } from './clock.js';

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

/**
 * Fixed-window request counting per key (vendor + organization), on the emulator's clock so a test
 * can move time to the next window. A limit of 0 turns it off.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly clock: Clock, readonly limit: number, readonly windowMs: number) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  hit(key: string): RateLimitState {
    const now = this.clock.nowMs();
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.windowMs || now < w.start) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return {
      allowed: w.count <= this.limit,
      limit: this.limit,
      remaining: Math.max(0, this.limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)),
    };
  }

}
