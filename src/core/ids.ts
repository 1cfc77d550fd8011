import { createHash, randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * One app's id source: crypto randomness by default; with a seed (ID_SEED) a SHA-256 counter stream, so
 * two runs that make the same requests get the same ids. Each buildApp() has its own, so two emulators
 * in one process never draw from each other's stream.
 */
export class Ids {
  private pool = Buffer.alloc(0);
  private counter = 0;

  constructor(private readonly seed?: string) {}

  /** BlueAI ids: prefix + 32 lowercase hex characters (`deal_0f3a…`). */
  hex(prefix: string): string {
    return prefix + this.bytes(16).toString('hex');
  }

  /** Close ids: prefix + 43 base62 characters (`lead_t7Zd…`). */
  base62(prefix: string, length = 43): string {
    // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the alphabet unbiased.
    let out = prefix;
    while (out.length < prefix.length + length) {
      for (const byte of this.bytes(length)) {
        if (byte < 248 && out.length < prefix.length + length) out += BASE62[byte % 62];
      }
    }
    return out;
  }

  private bytes(n: number): Buffer {
    // Crypto randomness is drawn 4 KiB at a time: one randomBytes call per id cost ~6 µs of a 100k-row
    // import's time per row.
    while (this.pool.length < n) {
      const more = this.seed === undefined ? randomBytes(Math.max(4096, n)) : createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
      this.pool = this.pool.length === 0 ? more : Buffer.concat([this.pool, more]);
    }
    const out = this.pool.subarray(0, n);
    this.pool = this.pool.subarray(n);
    return out;
  }
}
