// Change notifications for whoever watches the emulator (the dashboard's Server-Sent Events). A
// producer says which part of the world changed; watchers get the changed topics at most once per
// `flushMs`, coalesced. With no watcher, `notify` returns at once: no timer, no buffer, no allocation.

import { realTimers, type Timers } from './timers.js';

/**
 * What changed: the journal (a vendor call), a background job, vendor data (a write), a fault rule's
 * counters (it fired), or anything through the control API.
 */
export const TOPICS = ['requests', 'jobs', 'data', 'faults', 'control'] as const;
export type Topic = (typeof TOPICS)[number];

export type Watcher = (topics: Topic[]) => void;

/** A request that may change state: anything but GET, HEAD and OPTIONS. */
export const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

export class ChangeFeed {
  private readonly watchers = new Set<Watcher>();
  private readonly dirty = new Set<Topic>();
  /** Cancels the pending flush; null when none is scheduled. */
  private timer: (() => void) | null = null;

  constructor(readonly flushMs = 100, private readonly timers: Timers = realTimers) {}

  /** How many watchers are connected. */
  get size(): number {
    return this.watchers.size;
  }

  /** Adds a watcher; returns the function that removes it. */
  watch(watcher: Watcher): () => void {
    this.watchers.add(watcher);
    return () => {
      this.watchers.delete(watcher);
      if (this.watchers.size === 0) this.cancel();
    };
  }

  notify(topic: Topic): void {
    if (this.watchers.size === 0) return;
    this.dirty.add(topic);
    if (this.timer) return;
    this.timer = this.timers.after(this.flushMs, () => this.flush());
  }

  /** Stops the pending flush and forgets what was dirty (the last watcher left, or the app closes). */
  cancel(): void {
    this.timer?.();
    this.timer = null;
    this.dirty.clear();
  }

  private flush(): void {
    this.timer = null;
    const topics = [...this.dirty];
    this.dirty.clear();
    if (topics.length === 0) return;
    for (const w of [...this.watchers]) {
      try {
        w(topics);
      } catch {
        // A watcher that throws (a socket gone bad) must not keep the others from hearing.
      }
    }
  }
}
