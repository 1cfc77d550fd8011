import t from 'tap';
import { RESUME_WINDOW_MS, transition, type JobEvent, type JobState } from '../../src/close/jobs/machine.js';
import { BULK_STATUSES, type BulkStatus } from '../../schemas/close/bulk-edit.js';

const s = (status: BulkStatus, paused_from: BulkStatus | null = null): JobState => ({ status, paused_from });
const DAY = 24 * 60 * 60 * 1000;

// Every (state, event) pair: the expected next state, or null when it is refused.
const table: [JobState, JobEvent, JobState | null][] = [
  [s('created'), { type: 'tick' }, s('loading')],
  [s('loading'), { type: 'tick' }, s('processing')],
  [s('processing'), { type: 'tick', remaining: 5 }, s('processing')],
  [s('processing'), { type: 'tick', remaining: 0 }, s('done')],
  [s('resuming', 'created'), { type: 'tick' }, s('created')],
  [s('resuming', 'loading'), { type: 'tick' }, s('loading')],
  [s('resuming', 'processing'), { type: 'tick' }, s('processing')],
  [s('paused', 'processing'), { type: 'tick' }, null],
  [s('done'), { type: 'tick' }, null],
  [s('error'), { type: 'tick' }, null],

  [s('created'), { type: 'pause' }, s('paused', 'created')],
  [s('loading'), { type: 'pause' }, s('paused', 'loading')],
  [s('processing'), { type: 'pause' }, s('paused', 'processing')],
  [s('resuming', 'processing'), { type: 'pause' }, s('paused', 'processing')],
  [s('paused', 'processing'), { type: 'pause' }, null],
  [s('done'), { type: 'pause' }, null],
  [s('error'), { type: 'pause' }, null],

  [s('paused', 'loading'), { type: 'resume', pausedForMs: DAY }, s('resuming', 'loading')],
  [s('paused', 'processing'), { type: 'resume', pausedForMs: RESUME_WINDOW_MS }, s('resuming', 'processing')],
  [s('paused', 'processing'), { type: 'resume', pausedForMs: RESUME_WINDOW_MS + 1 }, null],
  [s('created'), { type: 'resume', pausedForMs: 0 }, null],
  [s('loading'), { type: 'resume', pausedForMs: 0 }, null],
  [s('processing'), { type: 'resume', pausedForMs: 0 }, null],
  [s('resuming', 'processing'), { type: 'resume', pausedForMs: 0 }, null],
  [s('done'), { type: 'resume', pausedForMs: 0 }, null],
  [s('error'), { type: 'resume', pausedForMs: 0 }, null],

  [s('created'), { type: 'fail' }, s('error')],
  [s('loading'), { type: 'fail' }, s('error')],
  [s('processing'), { type: 'fail' }, s('error')],
  [s('resuming', 'processing'), { type: 'fail' }, s('error')],
  [s('paused', 'processing'), { type: 'fail' }, s('error')],
  [s('done'), { type: 'fail' }, null],
  [s('error'), { type: 'fail' }, null],
];

for (const [state, event, expected] of table) {
  const name = `${state.status}${state.paused_from ? `(from ${state.paused_from})` : ''} + ${JSON.stringify(event)} → ${expected ? expected.status : 'refused'}`;
  t.test(name, async (t) => {
    const result = transition(state, event);
    if (expected) t.same(result, { ok: true, next: expected });
    else {
      t.equal(result.ok, false);
      if (!result.ok) t.match(result.reason, /\w/);
    }
  });
}

t.test('the table covers every status with every kind of event', async (t) => {
  for (const status of BULK_STATUSES) {
    for (const type of ['tick', 'pause', 'resume', 'fail']) {
      t.ok(table.some(([st, ev]) => st.status === status && ev.type === type), `${status} + ${type}`);
    }
  }
});

t.test('pausing for more than 7 days refuses the resume with a reason that says so', async (t) => {
  const r = transition(s('paused', 'processing'), { type: 'resume', pausedForMs: 8 * DAY });
  t.same(r, { ok: false, reason: 'This bulk edit has been paused for more than 7 days and can no longer be resumed.' });
});
