// Test-only crash points. A crash test cannot hit "the middle of a commit" by timing, so the server
// can be told (EMULATOR_CRASH_AT=<point>:<n>, read in src/server.ts) to kill itself the n-th time it
// reaches a named point. Never set in normal use. The points:
//   bulk-edit-mid-batch         halfway through a Close bulk edit batch, inside its transaction
//   bulk-edit-after-batch       right after a bulk edit step's transaction committed
//   contacts-import-mid-commit  halfway through a BlueAI CSV import's rows, inside its transaction
//   close-event-before-record   after a Close API write, before its events are recorded (same transaction)
export type CrashPoint = 'bulk-edit-mid-batch' | 'bulk-edit-after-batch' | 'contacts-import-mid-commit' | 'close-event-before-record';

export class CrashHook {
  private readonly point: string | null;
  private remaining: number;

  constructor(spec: string | undefined, private readonly die: () => void = () => process.kill(process.pid, 'SIGKILL')) {
    const m = /^([a-z-]+)(?::(\d+))?$/.exec(spec ?? '');
    this.point = m ? m[1]! : null;
    this.remaining = m ? Number(m[2] ?? 1) : 0;
  }

  reach(point: CrashPoint): void {
    if (point !== this.point || this.remaining <= 0) return;
    if (--this.remaining === 0) this.die();
  }
}
