import { cached, type Db } from '../core/db.js';
import { trimFields } from './fields.js';

// Real API: Close's answers used to carry a `custom` dict (field name → value) beside the `custom.cf_…` keys;
// its docs call the dict deprecated and its OpenAPI no longer lists it, but Close's own public scripts still
// ask for it by name (`_fields=id,display_name,name,contacts,custom`) and read `lead['custom']['Field Name']`.
// Here: an answer carries it when `_fields` names `custom` (and only then, so answers without `_fields`
// keep the published shape) [U].

/** Whether `_fields` names the legacy `custom` dict. */
export function wantsLegacyCustom(fields: string | undefined): boolean {
  return fields !== undefined && fields.split(',').some((f) => f.trim() === 'custom');
}

/** `{name: value}` of an object's `custom.cf_…` keys, by the organization's field names (ids without a name keep the id). */
export function legacyCustom(db: Db, orgId: string, obj: Record<string, unknown>, names: Map<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!key.startsWith('custom.')) continue;
    const id = key.slice('custom.'.length);
    out[names.get(id) ?? id] = value;
  }
  return out;
}

/** Every custom field's name by id in the organization. */
export function fieldNames(db: Db, orgId: string): Map<string, string> {
  const rows = cached(db, `SELECT id, name FROM close_custom_fields WHERE org_id = ?`).all(orgId) as { id: string; name: string }[];
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** `trimFields`, plus the legacy `custom` dict when `_fields` names it. */
export function trimWithCustom<T extends object>(db: Db, orgId: string, obj: T, fields: string | undefined, names?: Map<string, string>): Partial<T> {
  const trimmed = trimFields(obj, fields) as Record<string, unknown>;
  if (wantsLegacyCustom(fields)) trimmed.custom = legacyCustom(db, orgId, obj as Record<string, unknown>, names ?? fieldNames(db, orgId));
  return trimmed as Partial<T>;
}

/** A `{data, …}` page trimmed the same way. */
export function trimPageWithCustom<P extends { data: object[] }>(db: Db, orgId: string, page: P, fields: string | undefined): P {
  const names = wantsLegacyCustom(fields) ? fieldNames(db, orgId) : undefined;
  return { ...page, data: page.data.map((o) => trimWithCustom(db, orgId, o, fields, names)) };
}
