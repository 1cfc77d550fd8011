import { trimFields } from '../fields.js';
import type { ClosePage } from '../store/common.js';

/** A `{data, has_more}` page with each object trimmed to `_fields`. */
export function trimPage<T extends object>(p: ClosePage<T>, fields: string | undefined): ClosePage<Partial<T>> {
  return { data: p.data.map((o) => trimFields(o, fields)), has_more: p.has_more };
}
