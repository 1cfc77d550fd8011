/**
 * `_fields=a,b` → exactly those keys of each object (unknown names are ignored, as Close does). The
 * response schema used with `_fields` must not require keys, or the serializer would throw.
 */
export function trimFields<T extends object>(obj: T, fields: string | undefined): Partial<T> {
  if (!fields) return obj;
  const wanted = fields.split(',').map((f) => f.trim()).filter(Boolean);
  const out: Record<string, unknown> = {};
  for (const key of wanted) if (key in obj) out[key] = (obj as Record<string, unknown>)[key];
  return out as Partial<T>;
}

/** One page of `{data, has_more}` from a fetch of limit + 1 rows. */
export function page<T>(rows: T[], limit: number): { data: T[]; has_more: boolean } {
  return { data: rows.slice(0, limit), has_more: rows.length > limit };
}
