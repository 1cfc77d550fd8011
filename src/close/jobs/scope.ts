import { cached, type Db } from '../../core/db.js';
import type { BulkEditType } from '../../../schemas/close/bulk-edit.js';
import type { CustomFieldReader } from '../store/custom-fields.js';
import { FIELD_KIND } from './plan.js';
import type { Item } from './kinds.js';

// Which objects a bulk edit writes for its matched leads. Real API: the exact object sets of the
// non-lead types are not documented; here: contact/opportunity types edit every contact/opportunity of
// the matched leads; activity types edit the leads' activities of the field's custom activity type;
// custom object types edit the leads' custom objects of the field's type; global types edit every kind
// the shared field is associated with (the leads themselves, their contacts, opportunities, activities
// and custom objects of the associated types).

export type ObjectKind = 'lead' | 'contact' | 'opportunity' | 'activity' | 'custom_object';

export const OBJECT_TABLES: Record<ObjectKind, { name: string; hasUpdatedBy: boolean }> = {
  lead: { name: 'close_leads', hasUpdatedBy: true },
  contact: { name: 'close_contacts', hasUpdatedBy: true },
  opportunity: { name: 'close_opportunities', hasUpdatedBy: true },
  activity: { name: 'close_activities', hasUpdatedBy: false },
  custom_object: { name: 'close_custom_objects', hasUpdatedBy: false },
};

interface Target {
  kind: ObjectKind;
  /** custom_activity_type_id / custom_object_type_id the objects must have, if any. */
  subtype?: string | null;
}

function targets(fields: CustomFieldReader, orgId: string, type: BulkEditType, fieldId: string | null): Target[] {
  if (type === 'set_lead_status') return [{ kind: 'lead' }];
  const field = fields.find(orgId, fieldId!);
  if (!field) return [];
  switch (FIELD_KIND[type]) {
    case 'lead': return [{ kind: 'lead' }];
    case 'contact': return [{ kind: 'contact' }];
    case 'opportunity': return [{ kind: 'opportunity' }];
    case 'activity': return [{ kind: 'activity', subtype: field.custom_activity_type_id }];
    case 'custom_object': return [{ kind: 'custom_object', subtype: field.custom_object_type_id }];
    case 'shared':
      return (field.associations ?? []).map((a) => ({
        kind: a.object_type,
        subtype: a.object_type === 'activity' ? a.custom_activity_type_id : a.object_type === 'custom_object' ? a.custom_object_type_id : undefined,
      }));
  }
}

const CHILD_SQL: Record<Exclude<ObjectKind, 'lead'>, string> = {
  contact: `SELECT lead_id, id FROM close_contacts WHERE org_id = @org AND lead_id IN (SELECT value FROM json_each(@leads)) ORDER BY date_created, id`,
  opportunity: `SELECT lead_id, id FROM close_opportunities WHERE org_id = @org AND lead_id IN (SELECT value FROM json_each(@leads)) ORDER BY date_created, id`,
  activity: `SELECT lead_id, id FROM close_activities WHERE org_id = @org AND lead_id IN (SELECT value FROM json_each(@leads))
    AND (@sub IS NULL OR custom_activity_type_id = @sub) ORDER BY date_created, id`,
  custom_object: `SELECT lead_id, id FROM close_custom_objects WHERE org_id = @org AND lead_id IN (SELECT value FROM json_each(@leads))
    AND (@sub IS NULL OR custom_object_type_id = @sub) ORDER BY date_created, id`,
};

/** The objects to edit, grouped by lead (each lead's objects in creation order). */
export function objectsOf(db: Db, fields: CustomFieldReader, orgId: string, type: BulkEditType, fieldId: string | null, leadIds: string[]) {
  const out = new Map<string, Item[]>();
  const add = (leadId: string, kind: ObjectKind, id: string) => {
    let list = out.get(leadId);
    if (!list) out.set(leadId, (list = []));
    list.push({ object_type: kind, object_id: id });
  };
  const leads = JSON.stringify(leadIds);
  for (const t of targets(fields, orgId, type, fieldId)) {
    if (t.kind === 'lead') {
      for (const id of leadIds) add(id, 'lead', id);
      continue;
    }
    const rows = cached(db, CHILD_SQL[t.kind]).all({ org: orgId, leads, sub: t.subtype ?? null }) as { lead_id: string; id: string }[];
    for (const r of rows) add(r.lead_id, t.kind, r.id);
  }
  return out;
}
