import { readFileSync } from 'node:fs';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { SeedFile, type SeedFileT } from '../../schemas/seed.js';
import { checkBlueAISeed } from '../blueai/seed.js';

export class SeedError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`seed file ${file}: ${problem}`);
    this.name = 'SeedError';
  }
}

const checker = TypeCompiler.Compile(SeedFile);

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
  const first = checker.Errors(data).First();
  if (first) throw new SeedError(path, `${first.path || '/'}: ${first.message}`);
  const seed = data as SeedFileT;
  const problem = checkBlueAISeed(seed.blueai);
  if (problem) throw new SeedError(path, problem);
  return seed;
}
