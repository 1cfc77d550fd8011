import fc from 'fast-check';
import type { Test } from 'tap';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';

// The one way every fast-check property in the suite runs: its seed and runs are printed, and
// FC_SEED / FC_RUNS reproduce or widen it. Tests call `holds` (or pass `fcParams` to fc.assert/check);
// none names its own seed.

/** The checked-out commit, or null outside a git checkout. */
const COMMIT = (() => {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
})();

/**
 * The seed of one property: FC_SEED when set (FC_SEED=random: a fresh one each run), else derived from
 * the commit and the property's name. Each commit explores new inputs, and a clean clone of a commit
 * (CI) replays exactly the inputs its author's run saw. Outside a git checkout (an unpacked tarball)
 * the commit is a fixed word, so two runs there still draw the same inputs: never random by default.
 */
export function seedOf(t: Test, name: string): number {
  const given = process.env.FC_SEED;
  if (given === 'random') return (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed)) throw new Error(`FC_SEED=${given}: an integer or "random"`);
    return seed;
  }
  return createHash('sha256').update(`${COMMIT ?? 'no-git-checkout'}\0${t.fullname}\0${name}`).digest().readInt32LE(0);
}

/**
 * How many cases a property runs, given its thorough count (`numRuns`, in its file). By default a
 * quarter of it (at least 10): every property runs on each `npm test`, its seed changes with each
 * commit, so the inputs explored add up over commits. FC_RUNS=full runs the thorough count, FC_RUNS=<n>
 * runs n cases for every property. The one place FC_RUNS is read.
 */
export const DEFAULT_RUNS_DIVISOR = 4;
export function runsOf(numRuns: number): number {
  const given = process.env.FC_RUNS;
  if (given === 'full') return numRuns;
  if (given !== undefined && given !== '') return Number(given);
  return Math.max(10, Math.ceil(numRuns / DEFAULT_RUNS_DIVISOR));
}

/** fast-check parameters: FC_SEED and FC_RUNS override the seed (see seedOf, logged) and runs (see runsOf). */
export function fcParams(t: Test, numRuns: number, name = ''): fc.Parameters<unknown> {
  const seed = seedOf(t, name);
  const runs = runsOf(numRuns);
  t.comment(`fast-check seed ${seed}, ${runs} runs (rerun with FC_SEED=${seed})`);
  return { seed, numRuns: runs, endOnFailure: false };
}

/**
 * Runs a property whose body returns a problem (or null), failing the test with fast-check's report
 * (the seed, the path and the shrunk input).
 */
export async function holds<T>(t: Test, name: string, arb: fc.Arbitrary<T>, check: (value: T) => string | null | Promise<string | null>, numRuns: number): Promise<void> {
  const params = fcParams(t, numRuns, name) as fc.Parameters<[T]>;
  const result = await fc.check(fc.asyncProperty(arb, async (value) => {
    const problem = await check(value);
    if (problem) throw new Error(problem);
  }), params);
  if (result.failed) t.fail(`${name}: ${(result.errorInstance as Error | undefined)?.message}\n${fc.defaultReportMessage(result)}`);
  else t.pass(`${name}: ${result.numRuns} runs`);
}
