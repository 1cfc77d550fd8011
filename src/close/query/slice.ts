import type { Db } from '../../core/db.js';

// The legacy `slice:i/n`: a stable partition of any matched set by a hash of each object's id (FNV-1a,
// 32 bits), so slices 1..n of the same query are disjoint and together return every match exactly
// once, and an object stays in its slice while other objects come and go.
// Real API: Close's partition function is not published; here: this hash.

/** `close_slice(id, n)` → 0 … n-1. */
export const SLICE_FN = 'close_slice';

export function sliceOf(id: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}

const registered = new WeakSet<Db>();

export function registerSliceFunction(db: Db): void {
  if (registered.has(db)) return;
  db.function(SLICE_FN, { deterministic: true }, (id: unknown, n: unknown) => sliceOf(String(id), Number(n)));
  registered.add(db);
}
