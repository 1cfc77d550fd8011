/**
 * `_fields=a,b` → exactly those keys of each object (unknown names are ignored, as Close does). The
 * response schema used with `_fields` must not require keys, or the serializer would throw.
 */
export function trimFields<T extends object>(obj: T, fields: string | undefined): Partial<T> {
  if (!fields) return obj;
  const wanted = fields.split(',').map((f) => f.trim()).filter(Boolean);
  const out: Record<string, unknown> = {};
  // Own keys only: `_fields=constructor` names no field.
  for (const key of wanted) if (Object.hasOwn(obj, key)) out[key] = (obj as Record<string, unknown>)[key];
  return out as Partial<T>;
}

