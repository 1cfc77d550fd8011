import { cached, type Db } from '../../core/db.js';
import type { AssociationType, CustomFieldT, FieldObjectType } from '../../../schemas/close/custom-fields.js';

interface FieldRow {
  org_id: string; id: string; object_type: FieldObjectType; custom_activity_type_id: string | null;
  custom_object_type_id: string | null; name: string; description: string | null; type: CustomFieldT['type'];
  accepts_multiple_values: number; choices: string | null; date_created: string; date_updated: string;
}

export type ValueCheck = { ok: true; value: unknown } | { ok: false; error: string };

/** Reading custom field definitions and checking values against them (types, choices, references). */
export class CustomFieldReader {
  constructor(private readonly db: Db) {}

  find(orgId: string, id: string): CustomFieldT | undefined {
    const row = cached(this.db, `SELECT * FROM close_custom_fields WHERE org_id = ? AND id = ?`).get(orgId, id) as FieldRow | undefined;
    return row ? this.toField(row) : undefined;
  }

  /** A field by exact name among those of one object type (Close addresses fields by exact name too). */
  findByName(orgId: string, objectType: FieldObjectType, name: string): CustomFieldT | undefined {
    const row = cached(this.db, `SELECT * FROM close_custom_fields WHERE org_id = ? AND object_type = ? AND name = ? ORDER BY date_created, id LIMIT 1`)
      .get(orgId, objectType, name) as FieldRow | undefined;
    return row ? this.toField(row) : undefined;
  }

  list(orgId: string, objectType: FieldObjectType): CustomFieldT[] {
    const rows = cached(this.db, `SELECT * FROM close_custom_fields WHERE org_id = ? AND object_type = ? ORDER BY date_created, id`).all(orgId, objectType) as FieldRow[];
    return rows.map((r) => this.toField(r));
  }

  /** Shared fields associated with an object kind (and its activity/custom object type, if any). */
  sharedFor(orgId: string, kind: AssociationType, subtypeId: string | null = null): CustomFieldT[] {
    const rows = cached(this.db, `SELECT f.* FROM close_custom_fields f JOIN close_shared_field_associations a
        ON a.org_id = f.org_id AND a.field_id = f.id
      WHERE f.org_id = @org AND a.object_type = @kind
        AND ((@kind = 'activity' AND a.custom_activity_type_id = @sub) OR (@kind = 'custom_object' AND a.custom_object_type_id = @sub)
          OR @kind NOT IN ('activity', 'custom_object'))
      ORDER BY f.date_created, f.id`).all({ org: orgId, kind, sub: subtypeId ?? '' }) as FieldRow[];
    return rows.map((r) => this.toField(r));
  }

  /**
   * Checks one value (or, for multi-value fields, each element) against the field's type and choices,
   * and normalises it (numbers from numeric strings). References (user, contact) must exist.
   */
  checkValue(orgId: string, field: CustomFieldT, value: unknown): ValueCheck {
    if (Array.isArray(value)) {
      if (!field.accepts_multiple_values) return { ok: false, error: `Field "${field.name}" does not accept multiple values.` };
      const out: unknown[] = [];
      for (const v of value) {
        const c = this.checkScalar(orgId, field, v);
        if (!c.ok) return c;
        if (!out.includes(c.value)) out.push(c.value);
      }
      return { ok: true, value: out };
    }
    return this.checkScalar(orgId, field, value);
  }

  private checkScalar(orgId: string, field: CustomFieldT, v: unknown): ValueCheck {
    const bad = (why: string): ValueCheck => ({ ok: false, error: `Invalid value ${JSON.stringify(v)} for ${field.type} field "${field.name}": ${why}.` });
    switch (field.type) {
      case 'text': case 'textarea': case 'hidden':
        return typeof v === 'string' ? { ok: true, value: v } : typeof v === 'number' ? { ok: true, value: String(v) } : bad('expected text');
      case 'number': {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        return Number.isFinite(n) ? { ok: true, value: n } : bad('expected a number');
      }
      case 'date':
        // A round trip rejects impossible dates such as 2026-02-30, which Date.parse rolls over.
        return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && realDate(v) ? { ok: true, value: v } : bad('expected a date YYYY-MM-DD');
      case 'datetime':
        return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && realDate(v.slice(0, 10)) && !Number.isNaN(Date.parse(v)) ? { ok: true, value: v } : bad('expected an ISO 8601 date-time');
      case 'choices':
        return typeof v === 'string' && (field.choices ?? []).includes(v) ? { ok: true, value: v } : bad(`expected one of ${(field.choices ?? []).join(', ')}`);
      case 'user':
        return typeof v === 'string' && cached(this.db, `SELECT 1 FROM close_users WHERE org_id = ? AND id = ?`).get(orgId, v) ? { ok: true, value: v } : bad('expected the id of a user of the organization');
      case 'contact':
        return typeof v === 'string' && cached(this.db, `SELECT 1 FROM close_contacts WHERE org_id = ? AND id = ?`).get(orgId, v) ? { ok: true, value: v } : bad('expected the id of a contact');
    }
  }

  toField(row: FieldRow): CustomFieldT {
    const associations = row.object_type === 'shared'
      ? (cached(this.db, `SELECT object_type, custom_activity_type_id, custom_object_type_id FROM close_shared_field_associations
          WHERE org_id = ? AND field_id = ? ORDER BY object_type, custom_activity_type_id, custom_object_type_id`).all(row.org_id, row.id) as
          { object_type: AssociationType; custom_activity_type_id: string; custom_object_type_id: string }[])
          .map((a) => ({ object_type: a.object_type, custom_activity_type_id: a.custom_activity_type_id || null, custom_object_type_id: a.custom_object_type_id || null }))
      : null;
    return {
      id: row.id, name: row.name, description: row.description, type: row.type,
      accepts_multiple_values: row.accepts_multiple_values === 1, choices: row.choices ? JSON.parse(row.choices) : null,
      object_type: row.object_type, custom_activity_type_id: row.custom_activity_type_id, custom_object_type_id: row.custom_object_type_id,
      associations, organization_id: row.org_id, date_created: row.date_created, date_updated: row.date_updated,
    };
  }
}

function realDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === ymd;
}
