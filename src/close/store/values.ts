import { cached, type Db } from '../../core/db.js';

/**
 * Custom field values of every Close object kind, one row per (object, field), the value as JSON (a
 * scalar, or an array for multi-value fields). Rendered as flat `custom.cf_…` keys on objects.
 */
export class CustomValues {
  constructor(private readonly db: Db) {}

  /** `{"custom.cf_…": value}` for each of the objects (objects without values map to `{}`). */
  flatFor(orgId: string, objectIds: string[]): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>(objectIds.map((id) => [id, {}]));
    if (objectIds.length === 0) return out;
    const stmt = cached(this.db, `SELECT object_id, field_id, value FROM close_custom_values WHERE org_id = ? AND object_id IN (SELECT value FROM json_each(?))`);
    for (const r of stmt.all(orgId, JSON.stringify(objectIds)) as { object_id: string; field_id: string; value: string }[]) {
      out.get(r.object_id)![`custom.${r.field_id}`] = JSON.parse(r.value);
    }
    return out;
  }

  get(orgId: string, objectId: string, fieldId: string): unknown {
    const row = cached(this.db, `SELECT value FROM close_custom_values WHERE org_id = ? AND object_id = ? AND field_id = ?`)
      .pluck().get(orgId, objectId, fieldId) as string | undefined;
    return row === undefined ? undefined : JSON.parse(row);
  }

  /** Sets (or, for null/undefined/empty array, clears) one value; call inside the caller's transaction. */
  set(orgId: string, objectId: string, fieldId: string, value: unknown): void {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
      this.clear(orgId, objectId, fieldId);
      return;
    }
    cached(this.db, `INSERT INTO close_custom_values (org_id, object_id, field_id, value) VALUES (?, ?, ?, ?)
      ON CONFLICT (org_id, object_id, field_id) DO UPDATE SET value = excluded.value`).run(orgId, objectId, fieldId, JSON.stringify(value));
  }

  clear(orgId: string, objectId: string, fieldId: string): void {
    cached(this.db, `DELETE FROM close_custom_values WHERE org_id = ? AND object_id = ? AND field_id = ?`).run(orgId, objectId, fieldId);
  }

  /** Deletes one object row and all its custom values; call inside the caller's transaction. */
  deleteObject(table: string, orgId: string, objectId: string): void {
    this.clearObject(orgId, objectId);
    cached(this.db, `DELETE FROM ${table} WHERE org_id = ? AND id = ?`).run(orgId, objectId);
  }

  /** Removes every value of an object (when the object is deleted). */
  clearObject(orgId: string, objectId: string): void {
    cached(this.db, `DELETE FROM close_custom_values WHERE org_id = ? AND object_id = ?`).run(orgId, objectId);
  }

  /** Removes every value of a field (when the field is deleted). */
  clearField(orgId: string, fieldId: string): void {
    cached(this.db, `DELETE FROM close_custom_values WHERE org_id = ? AND field_id = ?`).run(orgId, fieldId);
  }
}
