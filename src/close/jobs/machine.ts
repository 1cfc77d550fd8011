import type { BulkStatus } from '../../../schemas/close/bulk-edit.js';

// The bulk action lifecycle (every kind) as a pure transition table: no database, no clock. The runner and the
// PUT route ask it what happens; it answers with the next state or the reason it is refused.
//
//   created ─tick→ loading ─tick (query evaluated, set frozen)→ processing ─tick (one batch)→ … → done
//   created | loading | processing | resuming ─pause→ paused (remembers where it was)
//   paused ─resume→ resuming ─tick→ the state it was paused from
//   any running state ─fail→ error

export interface JobState {
  status: BulkStatus;
  /** The state a paused (or resuming) job returns to. */
  paused_from: BulkStatus | null;
}

export type JobEvent =
  | { type: 'tick'; remaining?: number } // remaining: items left after this tick's batch (processing)
  | { type: 'pause' }
  | { type: 'resume'; pausedForMs: number }
  | { type: 'fail' };

export type Transition = { ok: true; next: JobState } | { ok: false; reason: string };

export const RESUME_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const RUNNING: BulkStatus[] = ['created', 'loading', 'processing', 'resuming'];

const to = (status: BulkStatus, paused_from: BulkStatus | null = null): Transition => ({ ok: true, next: { status, paused_from } });
const refuse = (reason: string): Transition => ({ ok: false, reason });

/** `noun` names the kind in refusals ("bulk edit", "bulk delete", …). */
export function transition(state: JobState, event: JobEvent, noun = 'bulk edit'): Transition {
  const { status } = state;
  switch (event.type) {
    case 'tick':
      switch (status) {
        case 'created': return to('loading');
        case 'loading': return to('processing');
        case 'processing': return (event.remaining ?? 0) > 0 ? to('processing') : to('done');
        case 'resuming': return to(state.paused_from ?? 'processing');
        default: return refuse(`a ${status} ${noun} does not progress`);
      }
    case 'pause':
      if (status === 'resuming') return to('paused', state.paused_from);
      if (RUNNING.includes(status)) return to('paused', status);
      if (status === 'paused') return refuse(`This ${noun} is already paused.`);
      return refuse(`A ${noun} that is ${status} cannot be paused.`);
    case 'resume':
      if (status !== 'paused') return refuse(`Only a paused ${noun} can be resumed; this one is ${status}.`);
      if (event.pausedForMs > RESUME_WINDOW_MS) return refuse(`This ${noun} has been paused for more than 7 days and can no longer be resumed.`);
      return to('resuming', state.paused_from);
    case 'fail':
      if (RUNNING.includes(status) || status === 'paused') return to('error');
      return refuse(`A ${noun} that is ${status} cannot fail.`);
  }
}

/** Statuses the runner advances on a tick. */
export const ACTIVE_STATUSES: BulkStatus[] = ['created', 'loading', 'processing', 'resuming'];
