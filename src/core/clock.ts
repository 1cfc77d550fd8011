// The only source of "now" for business code, so tests and the control API can move time.
// The clock runs with real time plus an offset; it can be frozen at an instant and advanced.

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
}
