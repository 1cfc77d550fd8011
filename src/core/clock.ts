// The only source of "now" for business code, so tests and the control API can move time.
// A Clock runs with real time plus an offset, or stands frozen at an instant. Clocks holds the
// process default and each organization's own clock, so one suite moving time moves only its world.

export interface ClockState {
  now: string;
  frozen: boolean;
}

/** What persists of a clock: frozen at an instant, else real time plus an offset. */
export interface StoredClock {
  offsetMs: number | null;
  frozenAt: number | null;
}

/**
 * The latest instant a clock may be set or advanced to. ISO 8601 date-times (every vendor timestamp and
 * the control API's `now`) have four-digit years; past 9999 `toISOString()` writes "+010000-…", and past
 * year 275760 there is no Date at all. A year short of the end leaves a running clock room to run.
 */
export const LATEST_MS = Date.UTC(9999, 0, 1);
export const LATEST_ISO = new Date(LATEST_MS).toISOString();

/** Whether a clock may stand at `ms` (false for NaN and ±Infinity too). */
export const reachable = (ms: number): boolean => ms <= LATEST_MS && Number.isFinite(ms);

export class Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly source: () => number = Date.now) {}

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.frozenAt ?? this.source() + this.offsetMs;
  }

  /** ISO 8601 UTC with milliseconds and `Z`. */
  iso(): string {
    return this.now().toISOString();
  }

  get frozen(): boolean {
    return this.frozenAt !== null;
  }

  state(): ClockState {
    return { now: this.iso(), frozen: this.frozen };
  }

  /** Jump to an instant; keeps running from there unless frozen. */
  set(at: Date, frozen = false): void {
    if (frozen) {
      this.frozenAt = at.getTime();
    } else {
      this.frozenAt = null;
      this.offsetMs = at.getTime() - this.source();
    }
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  stored(): StoredClock {
    return this.frozenAt !== null ? { offsetMs: null, frozenAt: this.frozenAt } : { offsetMs: this.offsetMs, frozenAt: null };
  }

  restore(s: StoredClock): this {
    this.frozenAt = s.frozenAt;
    this.offsetMs = s.offsetMs ?? 0;
    return this;
  }

  copy(): Clock {
    return new Clock(this.source).restore(this.stored());
  }
}

/**
 * The process default clock and the organizations' own clocks. An organization without a clock of its
 * own follows the default; `orgId` null (work that belongs to no organization) reads the default.
 */
export class Clocks {
  readonly default: Clock;
  private readonly own = new Map<string, Clock>();

  constructor(private readonly source: () => number = Date.now) {
    this.default = new Clock(source);
  }

  of(orgId: string | null): Clock {
    return (orgId !== null && this.own.get(orgId)) || this.default;
  }

  now(orgId: string | null): Date {
    return this.of(orgId).now();
  }

  nowMs(orgId: string | null): number {
    return this.of(orgId).nowMs();
  }

  iso(orgId: string | null): string {
    return this.of(orgId).iso();
  }

  hasOwn(orgId: string): boolean {
    return this.own.has(orgId);
  }

  /** The organization's own clock, made from the default's current state on first use. */
  ownClock(orgId: string): Clock {
    let clock = this.own.get(orgId);
    if (!clock) this.own.set(orgId, (clock = this.default.copy()));
    return clock;
  }

  restoreOwn(orgId: string, stored: StoredClock): void {
    this.own.set(orgId, new Clock(this.source).restore(stored));
  }

  /** Back to following the default. */
  clearOwn(orgId: string): void {
    this.own.delete(orgId);
  }

  clearAll(): void {
    this.own.clear();
  }

  // The default clock, for in-process tests that move time for the whole emulator.
  set(at: Date, frozen = false): void {
    this.default.set(at, frozen);
  }

  advance(ms: number): void {
    this.default.advance(ms);
  }
}
