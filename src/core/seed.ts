import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { SeedFile, type SeedFileT } from '../../schemas/seed.js';

export class SeedError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`seed file ${file}: ${problem}`);
    this.name = 'SeedError';
  }
}

// ajv rather than TypeBox's compiler: the schemas use JSON-Schema type arrays for nullable fields.
// Compiled on first use: compiling the seed schema was about a sixth of the time to a healthy server.
let checker: ValidateFunction | undefined;

/** Reads a seed file and checks it against the seed schema; any problem → SeedError naming the file and
 * the first problem. The vendors' cross-reference checks run when the app loads it (Tenants).
 * `check: false` skips the schema check, for the package's own default seed, which the test suite
 * checks (test/core/seed.test.ts) instead of every start. */
export function loadSeedFile(path: string, { check = true }: { check?: boolean } = {}): SeedFileT {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeedError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SeedError(path, `is not valid JSON (${(err as Error).message})`);
  }
  if (!check) return data as SeedFileT;
  checker ??= new Ajv({ strict: false }).compile(SeedFile);
  if (!checker(data)) {
    const first = checker.errors![0]!;
    throw new SeedError(path, `${first.instancePath || '/'}: ${first.message}`);
  }
  return data as SeedFileT;
}
