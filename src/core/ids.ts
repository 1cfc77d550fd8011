import { randomBytes } from 'node:crypto';

/** BlueAI ids: prefix + 32 lowercase hex characters (`deal_0f3a…`). */
export function hexId(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Close ids: prefix + 43 base62 characters (`lead_t7Zd…`). */
export function base62Id(prefix: string, length = 43): string {
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the alphabet unbiased.
  let out = prefix;
  while (out.length < prefix.length + length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < prefix.length + length) out += BASE62[byte % 62];
    }
  }
  return out;
}
