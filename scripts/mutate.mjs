// `npm run mutate [group…]`: Stryker mutation testing, one group at a time (docs/mutation.md).
// A group is a few src/ files the README promises behaviour for, and the few test files that exercise
// them; the tap runner runs only those files, and with per-file coverage only the ones that reach a mutant.
// Each group keeps its own incremental file, so a re-run tests only mutants whose code or tests changed.
//   npm run mutate                 every group, in order
//   npm run mutate machine query   those groups
//   npm run mutate -- --list       the groups and their files
//   npm run mutate:ci              the CI group (a fixed small subset), failing below its threshold
// Reports: reports/mutation/<group>/index.html (and mutation.json); git-ignored.
import { Stryker } from '@stryker-mutator/core';

// A test file runs under plain node here, not the tap CLI, so .taprc's timeout does not reach it.
process.env.TAP_TIMEOUT ??= '180';

/** @type {Record<string, { mutate: string[]; tests: string[]; break?: number }>} */
export const GROUPS = {
  // The bulk action lifecycle as a pure transition table (every kind shares it).
  machine: {
    mutate: ['src/close/jobs/machine.ts'],
    tests: ['test/close/machine.test.ts', 'test/close/bulk-edit-lifecycle.test.ts'],
    break: 85,
  },
  // The bulk runner: ticks, batches, pause/resume, crash recovery, the frozen set.
  runner: {
    mutate: ['src/close/jobs/runner.ts', 'src/close/jobs/plan.ts', 'src/close/jobs/control.ts', 'src/close/jobs/scope.ts', 'src/close/jobs/rotation.ts'],
    tests: ['test/close/bulk-edit-lifecycle.test.ts', 'test/close/bulk-edit-api.test.ts', 'test/close/bulk-edit-ticker.test.ts', 'test/close/bulk-edit-validation.test.ts', 'test/close/crash.test.ts'],
  },
  // Every bulk kind: edit, delete, email, sequence subscription.
  kinds: {
    mutate: ['src/close/jobs/kinds.ts', 'src/close/jobs/edit.ts', 'src/close/jobs/delete.ts', 'src/close/jobs/email.ts', 'src/close/jobs/recipients.ts', 'src/close/jobs/sequence.ts'],
    tests: ['test/close/bulk-edit-types.test.ts', 'test/close/bulk-delete.test.ts', 'test/close/bulk-email.test.ts', 'test/close/bulk-sequence.test.ts', 'test/close/bulk-kinds-snapshot.test.ts', 'test/close/crash-kinds.test.ts'],
  },
  // The s_query compiler (structured queries → SQL).
  query: {
    mutate: ['src/close/query/compile.ts', 'src/close/query/conditions.ts', 'src/close/query/fields.ts', 'src/close/query/moments.ts', 'src/close/query/sort.ts', 'src/close/query/text.ts', 'src/close/query/budget.ts'],
    tests: ['test/close/query-conditions.test.ts', 'test/close/query-logic.test.ts', 'test/close/query-errors.test.ts', 'test/close/query-text.test.ts', 'test/close/query-names.test.ts', 'test/close/query-cost.test.ts', 'test/close/query-related.test.ts', 'test/close/search.test.ts'],
  },
  // The legacy `query=` parser.
  legacy: {
    mutate: ['src/close/query/legacy.ts', 'src/close/query/legacy-related.ts'],
    tests: ['test/close/query-legacy.test.ts', 'test/close/query-legacy-dates.test.ts', 'test/close/query-related.test.ts'],
  },
  // The event log: consolidation, retention, cursors.
  events: {
    mutate: ['src/core/events.ts', 'src/close/store/events.ts', 'src/close/store/event-list.ts'],
    tests: ['test/core/events.test.ts', 'test/close/events.test.ts', 'test/close/events-list.test.ts', 'test/close/bulk-events.test.ts'],
  },
  // Webhook signing, retry and pause.
  webhooks: {
    mutate: ['src/close/webhooks/deliverer.ts', 'src/close/webhooks/filter.ts', 'src/close/webhooks/control.ts'],
    tests: ['test/close/webhook-outbound.test.ts', 'test/close/webhook-deliveries.test.ts', 'test/close/webhook-filter.test.ts', 'test/close/webhook-filter-bounds.test.ts', 'test/close/webhooks-e2e.test.ts'],
  },
  // Org databases and tenants.
  orgs: {
    mutate: ['src/core/org-dbs.ts', 'src/core/tenants.ts'],
    tests: ['test/core/org-dbs.test.ts', 'test/core/tenants.test.ts', 'test/control/orgs.test.ts', 'test/isolation.test.ts'],
  },
  ratelimit: {
    mutate: ['src/core/ratelimit.ts'],
    tests: ['test/control/rate-limit.test.ts', 'test/blueai/rate-limit.test.ts'],
  },
  clock: {
    mutate: ['src/core/clock.ts'],
    tests: ['test/core/clock.test.ts', 'test/control/clock.test.ts'],
  },
  // BlueAI bulk update, CSV import and export.
  blueai: {
    mutate: ['src/blueai/store/bulk.ts', 'src/blueai/store/import.ts', 'src/blueai/store/export.ts'],
    tests: ['test/blueai/bulk-deals.test.ts', 'test/blueai/import.test.ts', 'test/blueai/export.test.ts', 'test/blueai/csv-roundtrip.test.ts'],
  },
};

/** The group `npm run mutate:ci` runs: small and fixed, so CI pays a known time. */
export const CI_GROUP = 'machine';

async function runGroup(name, { ci = false } = {}) {
  const group = GROUPS[name];
  const dir = `reports/mutation/${name}`;
  const options = {
    mutate: group.mutate,
    tap: { testFiles: group.tests },
    incrementalFile: `${dir}/incremental.json`,
    htmlReporter: { fileName: `${dir}/index.html` },
    jsonReporter: { fileName: `${dir}/mutation.json` },
    ...(ci && group.break !== undefined ? { thresholds: { high: 90, low: group.break, break: group.break } } : {}),
  };
  const started = Date.now();
  const results = await new Stryker(options).runMutationTest();
  const count = (...s) => results.filter((r) => s.includes(r.status)).length;
  const killed = count('Killed', 'Timeout');
  const survived = count('Survived', 'NoCoverage');
  const score = killed + survived === 0 ? 100 : (100 * killed) / (killed + survived);
  return { name, mutants: results.length, killed, survived, compileErrors: count('CompileError'), score, seconds: Math.round((Date.now() - started) / 1000) };
}

const args = process.argv.slice(2);
if (args.includes('--list')) {
  for (const [name, g] of Object.entries(GROUPS)) console.log(`${name}\n  mutate: ${g.mutate.join(' ')}\n  tests:  ${g.tests.join(' ')}`);
  process.exit(0);
}
const ci = args.includes('--ci');
const names = ci ? [CI_GROUP] : args.filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !Object.hasOwn(GROUPS, n));
if (unknown.length) {
  console.error(`unknown group(s): ${unknown.join(', ')}; groups: ${Object.keys(GROUPS).join(', ')}`);
  process.exit(2);
}
const summary = [];
for (const name of names.length ? names : Object.keys(GROUPS)) summary.push(await runGroup(name, { ci }));
console.log('\ngroup       mutants  killed  survived  compile-err  score    time');
for (const s of summary) {
  console.log(`${s.name.padEnd(11)} ${String(s.mutants).padStart(7)} ${String(s.killed).padStart(7)} ${String(s.survived).padStart(9)} ${String(s.compileErrors).padStart(12)}  ${s.score.toFixed(1).padStart(5)}%  ${s.seconds}s`);
}
// Stryker sets process.exitCode when a group falls below thresholds.break (only --ci sets one).
