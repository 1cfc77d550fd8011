import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { SeedFile, type SeedFileT } from '../../schemas/seed.js';
import { checkBlueAISeed } from '../blueai/seed.js';
import { checkCloseSeed } from '../close/seed.js';

export class SeedError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`seed file ${file}: ${problem}`);
    this.name = 'SeedError';
  }
}

// ajv rather than TypeBox's compiler: the schemas use JSON-Schema type arrays for nullable fields.
const checker = new Ajv({ strict: false }).compile(SeedFile);

/** Reads and validates a seed file; any problem → SeedError naming the file and the first problem. */
export function loadSeedFile(path: string): SeedFileT {
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
  if (!checker(data)) {
    const first = checker.errors![0]!;
    throw new SeedError(path, `${first.instancePath || '/'}: ${first.message}`);
  }
  const seed = data as SeedFileT;
  const problem = checkBlueAISeed(seed.blueai) ?? (seed.close ? checkCloseSeed(seed.close) : null);
  if (problem) throw new SeedError(path, problem);
  return seed;
}
