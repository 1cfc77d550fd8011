import type { Clocks } from './clock.js';

export interface RateLimitState {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

export interface RateLimitSetting {
  /** Requests per window; 0 = off. */
  limit: number;
  windowSeconds: number;
}

/**
 * Fixed-window request counting per vendor and organization, on that organization's clock so a test
 * can move time to the next window. The process setting (RATE_LIMIT, 0 = off) applies to every
 * organization that has no setting of its own (PUT /_mock/orgs/{org}/rate-limit).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private readonly perOrg = new Map<string, RateLimitSetting>();

  constructor(private readonly clock: Clocks, readonly defaults: RateLimitSetting) {}

  setting(orgId: string): RateLimitSetting & { source: 'default' | 'organization' } {
    const own = this.perOrg.get(orgId);
    return own ? { ...own, source: 'organization' } : { ...this.defaults, source: 'default' };
  }

  /** An organization's own setting; null = back to the process setting. Restarts its windows. */
  setOrg(orgId: string, setting: RateLimitSetting | null): void {
    if (setting) this.perOrg.set(orgId, setting);
    else this.perOrg.delete(orgId);
    this.clearWindows(orgId);
  }

  /** Counts one request; null when no limit applies to the organization. */
  hit(vendor: string, orgId: string): RateLimitState | null {
    const { limit, windowSeconds } = this.perOrg.get(orgId) ?? this.defaults;
    if (limit <= 0) return null;
    const windowMs = windowSeconds * 1000;
    const key = `${vendor}:${orgId}`;
    const now = this.clock.nowMs(orgId);
    let w = this.windows.get(key);
    if (!w || now >= w.start + windowMs || now < w.start) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return {
      allowed: w.count <= limit,
      limit,
      remaining: Math.max(0, limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)),
    };
  }

  clearWindows(orgId: string): void {
    for (const vendor of ['close', 'blueai']) this.windows.delete(`${vendor}:${orgId}`);
  }

  /** Forgets the organization entirely (reset, delete). */
  clearOrg(orgId: string): void {
    this.perOrg.delete(orgId);
    this.clearWindows(orgId);
  }

  clearAll(): void {
    this.perOrg.clear();
    this.windows.clear();
  }
}
