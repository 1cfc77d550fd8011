import { cached, type Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import type { BulkEditCreateT, BulkEditType } from '../../../schemas/close/bulk-edit.js';
import type { CustomFieldT, FieldObjectType } from '../../../schemas/close/custom-fields.js';
import type { CustomFieldReader } from '../store/custom-fields.js';

// Turns a bulk edit request into a plan (what to write on each object), refusing anything that does
// not fit with one field error per problem, before anything is stored. The runner re-checks the plan
// before each batch: a status or field deleted, or changed so the value no longer fits, is an error.

export type Operation = 'status' | 'replace' | 'add' | 'remove' | 'clear';

export interface Plan {
  operation: Operation;
  lead_status_id: string | null;
  field_id: string | null;
  /** The normalised value: a scalar, or an array for multi-value fields (null for clear/status). */
  value: unknown;
}

export interface Echo {
  lead_status_id: string | null;
  custom_field_name: string | null;
  custom_field_value: string | null;
}

/** Which custom fields each type edits. */
export const FIELD_KIND: Record<Exclude<BulkEditType, 'set_lead_status'>, FieldObjectType> = {
  set_custom_field: 'lead', clear_custom_field: 'lead',
  set_contact_custom_field: 'contact', clear_contact_custom_field: 'contact',
  set_opportunity_custom_field: 'opportunity', clear_opportunity_custom_field: 'opportunity',
  set_activity_custom_field: 'activity', clear_activity_custom_field: 'activity',
  set_custom_object_custom_field: 'custom_object', clear_custom_object_custom_field: 'custom_object',
  set_global_custom_field: 'shared', clear_global_custom_field: 'shared',
};

const FIELD_PARAMS = ['custom_field_id', 'custom_field_name', 'custom_field_value', 'custom_field_values', 'custom_field_operation'] as const;
const VALUE_PARAMS = ['custom_field_value', 'custom_field_values', 'custom_field_operation'] as const;

export function planBulkEdit(db: Db, fields: CustomFieldReader, orgId: string, body: BulkEditCreateT): { plan: Plan; echo: Echo } {
  const errors: Record<string, string> = {};
  const given = (k: keyof BulkEditCreateT) => body[k] !== undefined && body[k] !== null;
  const notApplicable = (keys: readonly (keyof BulkEditCreateT)[]) => {
    for (const k of keys) if (given(k)) errors[k] = `Not applicable to a ${body.type} bulk edit.`;
  };
  const fail = () => {
    throw validationError('Invalid bulk edit', errors);
  };

  if (body.type === 'set_lead_status') {
    notApplicable(FIELD_PARAMS);
    const id = body.lead_status_id;
    if (!id) errors.lead_status_id = 'This field is required.';
    else if (!leadStatusExists(db, orgId, id)) errors.lead_status_id = `Lead status ${id} does not exist.`;
    if (Object.keys(errors).length) fail();
    return { plan: { operation: 'status', lead_status_id: id!, field_id: null, value: null }, echo: { lead_status_id: id!, custom_field_name: null, custom_field_value: null } };
  }

  notApplicable(['lead_status_id']);
  const kind = FIELD_KIND[body.type];
  const field = resolveField(fields, orgId, kind, body, errors);
  const clearing = body.type.startsWith('clear_');
  if (clearing) {
    notApplicable(VALUE_PARAMS);
    if (Object.keys(errors).length || !field) fail();
    return { plan: { operation: 'clear', lead_status_id: null, field_id: field!.id, value: null }, echo: { lead_status_id: null, custom_field_name: field!.name, custom_field_value: null } };
  }

  const operation = body.custom_field_operation ?? 'replace';
  const hasValue = body.custom_field_value !== undefined;
  const hasValues = given('custom_field_values');
  if (hasValue && hasValues) errors.custom_field_values = 'Pass custom_field_value or custom_field_values, not both.';
  if (!hasValue && !hasValues) errors.custom_field_value = 'This field is required (or custom_field_values for multiple values).';
  if (field && !field.accepts_multiple_values) {
    if (hasValues) errors.custom_field_values = `Field "${field.name}" does not accept multiple values; use custom_field_value.`;
    if (operation !== 'replace') errors.custom_field_operation = `Only fields that accept multiple values support "${operation}".`;
  }
  let value: unknown = null;
  if (field && !errors.custom_field_value && !errors.custom_field_values) {
    const raw = hasValues ? body.custom_field_values : field.accepts_multiple_values && body.custom_field_value !== null ? [body.custom_field_value] : body.custom_field_value;
    if (raw === null) {
      if (operation !== 'replace') errors.custom_field_value = `A value is required for "${operation}".`;
    } else {
      const check = fields.checkValue(orgId, field, raw);
      if (check.ok) value = check.value;
      else errors[hasValues ? 'custom_field_values' : 'custom_field_value'] = check.error;
    }
  }
  if (Object.keys(errors).length || !field) fail();
  const scalar = hasValue && body.custom_field_value !== null && !Array.isArray(body.custom_field_value) ? String(body.custom_field_value) : null;
  return {
    plan: { operation: value === null ? 'clear' : operation, lead_status_id: null, field_id: field!.id, value },
    // Real API: not documented; here: custom_field_value echoes a single value as a string, and is null
    // for custom_field_values and for clears.
    echo: { lead_status_id: null, custom_field_name: field!.name, custom_field_value: scalar },
  };
}

function resolveField(fields: CustomFieldReader, orgId: string, kind: FieldObjectType, body: BulkEditCreateT, errors: Record<string, string>): CustomFieldT | undefined {
  const { custom_field_id: id, custom_field_name: name } = body;
  if (!id && !name) {
    errors.custom_field_id = 'Pass custom_field_id or custom_field_name.';
    return undefined;
  }
  if (id) {
    const f = fields.find(orgId, id);
    if (!f || f.object_type !== kind) {
      errors.custom_field_id = f ? `Custom field ${id} is a ${f.object_type} field, not a ${kind} field.` : `Custom field ${id} does not exist.`;
      return undefined;
    }
    if (name && name !== f.name) {
      errors.custom_field_name = `Does not match the name of ${id} ("${f.name}").`;
      return undefined;
    }
    return f;
  }
  const f = fields.findByName(orgId, kind, name!);
  if (!f) errors.custom_field_name = `No ${kind} custom field is named exactly "${name}".`;
  return f;
}

function leadStatusExists(db: Db, orgId: string, id: string): boolean {
  return cached(db, `SELECT 1 FROM close_lead_statuses WHERE org_id = ? AND id = ?`).get(orgId, id) !== undefined;
}

/** Re-checks a stored plan against the organization as it is now; the reason it no longer applies, or null. */
export function recheckPlan(db: Db, fields: CustomFieldReader, orgId: string, plan: Plan): string | null {
  if (plan.operation === 'status') {
    return leadStatusExists(db, orgId, plan.lead_status_id!) ? null : `lead status ${plan.lead_status_id} was deleted`;
  }
  const field = fields.find(orgId, plan.field_id!);
  if (!field) return `custom field ${plan.field_id} was deleted`;
  if (plan.operation === 'clear') return null;
  const check = fields.checkValue(orgId, field, plan.value);
  return check.ok ? null : `the value no longer fits custom field "${field.name}": ${check.error}`;
}
