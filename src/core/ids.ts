import { createHash, randomBytes } from 'node:crypto';

// Random bytes for ids: crypto by default; with ID_SEED a SHA-256 counter stream, so two runs that
// make the same requests get the same ids. Process-wide, like the seed setting it comes from.
// Crypto randomness drawn 4 KiB at a time: one randomBytes call per id cost ~6 µs of a 100k-row import's
// time per row.
let randomPool = Buffer.alloc(0);
const pooledRandom = (n: number): Buffer => {
  if (randomPool.length < n) randomPool = randomBytes(Math.max(4096, n));
  const out = randomPool.subarray(0, n);
  randomPool = randomPool.subarray(n);
  return out;
};
let bytes: (n: number) => Buffer = pooledRandom;

/** Seeds id generation (undefined: back to crypto randomness). */
export function seedIds(seed: string | undefined): void {
  if (seed === undefined) {
    bytes = pooledRandom;
    return;
  }
  let counter = 0;
  let pool = Buffer.alloc(0);
  bytes = (n) => {
    while (pool.length < n) pool = Buffer.concat([pool, createHash('sha256').update(`${seed}:${counter++}`).digest()]);
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
}

/** BlueAI ids: prefix + 32 lowercase hex characters (`deal_0f3a…`). */
export function hexId(prefix: string): string {
  return prefix + bytes(16).toString('hex');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Close ids: prefix + 43 base62 characters (`lead_t7Zd…`). */
export function base62Id(prefix: string, length = 43): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the alphabet unbiased.
  let out = prefix;
  while (out.length < prefix.length + length) {
    for (const byte of bytes(length)) {
      if (byte < 248 && out.length < prefix.length + length) out += BASE62[byte % 62];
    }
  }
  return out;
}
