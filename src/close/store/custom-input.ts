import { validationError } from '../../core/errors.js';
import type { AssociationType, CustomFieldT } from '../../../schemas/close/custom-fields.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';

const CUSTOM_KEY = /^custom\.(.*)$/;

/**
 * The custom fields that apply to one object: the kind's own fields (for activities and custom
 * objects, only those of its type) plus the shared fields associated with it.
 */
export function applicableFields(reader: CustomFieldReader, orgId: string, kind: AssociationType, subtypeId: string | null = null): CustomFieldT[] {
  const own = reader.list(orgId, kind).filter((f) =>
    kind === 'activity' ? f.custom_activity_type_id === subtypeId : kind === 'custom_object' ? f.custom_object_type_id === subtypeId : true);
  return [...own, ...reader.sharedFor(orgId, kind, subtypeId)];
}

/**
 * The custom values of a request body — its `custom.cf_…` keys and its `custom_fields` object — each
 * checked against the fields that apply (type, choices, references) → field id → normalised value
 * (null clears). Throws a 400 naming the key (prefixed with `path`, e.g. `contacts.0.`), before
 * anything is written.
 */
export function readCustom(
  reader: CustomFieldReader, orgId: string, body: object, fields: CustomFieldT[], path = '',
): Map<string, unknown> {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const out = new Map<string, unknown>();
  const set = (key: string, field: CustomFieldT, value: unknown) => {
    if (out.has(field.id)) throw validationError(`Custom field ${field.id} is given twice.`, { [path + key]: 'This custom field is also given by another key.' });
    if (value === null || value === undefined) {
      out.set(field.id, null);
      return;
    }
    // Real API: not documented; here: a scalar for a multi-value field is a list of one, so those
    // fields always read back as arrays.
    const checked = reader.checkValue(orgId, field, field.accepts_multiple_values && !Array.isArray(value) ? [value] : value);
    if (!checked.ok) throw validationError(checked.error, { [path + key]: checked.error });
    out.set(field.id, checked.value);
  };
  for (const [key, value] of Object.entries(body)) {
    // Real API: a `custom` object keyed by field name is a deprecated alternative; here: refused, so
    // values sent that way are not silently lost.
    if (key === 'custom') throw validationError('Use flat "custom.cf_…" keys.', { [path + key]: 'Not supported: send each value as a "custom.cf_<id>" key.' });
    if (key === 'custom_fields') {
      readCustomFields(value, fields, path, set);
      continue;
    }
    const m = CUSTOM_KEY.exec(key);
    if (!m) continue;
    const field = byId.get(m[1]!);
    // Real API: `custom.<Field Name>` is also accepted (deprecated); here: only `custom.cf_<id>`.
    if (!field) {
      throw validationError(`Unknown custom field ${key}`, { [path + key]: 'Unknown custom field, or one that does not apply to this object.' });
    }
    set(key, field, value);
  }
  return out;
}

/**
 * `custom_fields`: an object of field id (or exact field name) → value, as Close documents it for
 * opportunities and custom activities. Real API: how a name shared by two fields resolves is not
 * documented; here: such a name is refused (use the id).
 */
function readCustomFields(
  value: unknown, fields: CustomFieldT[], path: string, set: (key: string, field: CustomFieldT, value: unknown) => void,
): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationError('custom_fields must be an object.', { [`${path}custom_fields`]: 'Must be an object of custom field id → value.' });
  }
  for (const [name, v] of Object.entries(value)) {
    const key = `custom_fields.${name}`;
    const byId = fields.find((f) => f.id === name);
    const byName = fields.filter((f) => f.name === name);
    const field = byId ?? (byName.length === 1 ? byName[0] : undefined);
    if (!field) {
      const why = byName.length > 1 ? 'Several custom fields have this name: use the id.' : 'Unknown custom field, or one that does not apply to this object.';
      throw validationError(`Unknown custom field ${name}`, { [path + key]: why });
    }
    set(key, field, v);
  }
}

/** Writes checked values (null or an empty list clears); call inside the caller's transaction. */
export function writeCustom(values: CustomValues, orgId: string, objectId: string, custom: Map<string, unknown>): void {
  for (const [fieldId, value] of custom) values.set(orgId, objectId, fieldId, value);
}
