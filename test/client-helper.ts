import type { Test } from 'tap';
import { startEmulator, EmulatorError, type StartOptions } from '../src/index.js';
import { seed } from './helper.js';

// The client's tests run against a real listening emulator (no background ticker: the tests drive
// the jobs). Tests of one file with the same options share one, handed over after a full reset
// (POST /_mock/reset: no organizations, fault rules or journal, the clock and ticker as started),
// as test/helper.ts shareApps does for app.inject.
type Emulator = Awaited<ReturnType<typeof startEmulator>>;
const emulators = new Map<string, { emulator: Emulator; free: boolean }[]>();

/** Closes this file's emulators when its top-level test ends; call once at the top of the file. */
export function closeEmulators(tap: Test): void {
  tap.teardown(async () => {
    for (const list of emulators.values()) for (const { emulator } of list) await emulator.close();
  });
}

export async function start(t: Test, options: StartOptions = {}): Promise<Emulator> {
  const key = JSON.stringify(options);
  let entry = emulators.get(key)?.find((e) => e.free);
  if (entry) {
    entry.free = false;
    await entry.emulator.client.resetAll();
  } else {
    entry = { emulator: await startEmulator({ seed, tickMs: 0, ...options }), free: false };
    emulators.set(key, [...(emulators.get(key) ?? []), entry]);
  }
  const held = entry;
  t.teardown(() => void (held.free = true));
  return held.emulator;
}

/** Rejects with an EmulatorError of this status and code, and returns it. */
export async function rejects(t: Test, call: Promise<unknown>, status: number, code: string): Promise<EmulatorError> {
  const err = await call.then(() => undefined, (e: unknown) => e);
  t.type(err, EmulatorError);
  t.match(err, { status, code });
  return err as EmulatorError;
}
