import type { Clocks } from './clock.js';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimiter: RateLimiter;
  }
}

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
  /** Organization → vendor → its current window. */
  private readonly windows = new Map<string, Map<string, { start: number; count: number }>>();
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
    const now = this.clock.nowMs(orgId);
    let own = this.windows.get(orgId);
    if (!own) this.windows.set(orgId, (own = new Map()));
    let w = own.get(vendor);
    if (!w || now >= w.start + windowMs || now < w.start) {
      w = { start: now, count: 0 };
      own.set(vendor, w);
    }
    w.count++;
    return {
      allowed: w.count <= limit,
      limit,
      remaining: Math.max(0, limit - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)),
    };
  }

  /** Restarts every vendor's window of the organization. */
  clearWindows(orgId: string): void {
    this.windows.delete(orgId);
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
