// Stryker defaults for `npm run mutate` (scripts/mutate.mjs), which runs one group at a time and adds
// the group's own `mutate`, `tap.testFiles`, incremental file and report paths. docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  // Each test file runs as its own node process (like tap), with the suite's TypeScript loader.
  tap: { nodeArgs: ['--import=./scripts/tsx-loader.mjs', '-r', '{{hookFile}}', '{{testFile}}'], forceBail: true },
  // The tap runner reports coverage per test file: a mutant runs only the files that reach it.
  coverageAnalysis: 'perTest',
  // A mutant the TypeScript compiler rejects is a compile error, not a survivor (tsconfig.mutate.json: src only).
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Two cores: one test process at a time, beside the checker.
  concurrency: 1,
  timeoutMS: 20000,
  timeoutFactor: 2,
  incremental: true,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false, reportMutants: false },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['reports', 'coverage', '.tap', 'dist', 'bench/results*.json'],
  cleanTempDir: true,
  thresholds: { high: 90, low: 85, break: null },
};
