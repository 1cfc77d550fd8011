import { trimFields } from '../fields.js';
import type { ClosePage } from '../store/common.js';

/** A `{data, has_more}` page with each object trimmed to `_fields`; the page's other keys (totals) as they are. */
export function trimPage<P extends ClosePage<object>>(p: P, fields: string | undefined): Omit<P, 'data'> & { data: Partial<P['data'][number]>[] } {
  return { ...p, data: p.data.map((o) => trimFields(o, fields)) };
}
