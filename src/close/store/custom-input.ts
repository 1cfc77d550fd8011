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
 * The custom values of a request body — its `custom.cf_…` and `custom.<Field Name>` keys, its
 * `custom_fields` object and its deprecated `custom` object — each
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
    // Real API: the `custom` object keyed by field name or id is deprecated ("will be removed") but still
    // accepted; here: the same, resolved as `custom_fields` is.
    if (key === 'custom' || key === 'custom_fields') {
      readCustomFields(key, value, fields, path, set);
      continue;
    }
    const m = CUSTOM_KEY.exec(key);
    if (!m) continue;
    // Real API: `custom.<Field Name>` is deprecated but still accepted besides `custom.cf_<id>`; here: both.
    set(key, resolve(m[1]!, fields, path + key), value);
  }
  return out;
}

/**
 * A field named by its id, else by its exact name among the fields that apply. Real API: how a name
 * shared by two fields resolves is not documented; here: such a name is refused (use the id).
 */
function resolve(name: string, fields: CustomFieldT[], key: string): CustomFieldT {
  const byId = fields.find((f) => f.id === name);
  if (byId) return byId;
  const byName = fields.filter((f) => f.name === name);
  if (byName.length === 1) return byName[0]!;
  const why = byName.length > 1
    ? `Several custom fields that apply here are named "${name}": use the id (${byName.map((f) => f.id).join(', ')}).`
    : 'Unknown custom field, or one that does not apply to this object.';
  throw validationError(`${byName.length > 1 ? 'Ambiguous' : 'Unknown'} custom field ${key}`, { [key]: why });
}

/**
 * `custom_fields` (as Close documents it for opportunities and custom activities) or the deprecated
 * `custom`: an object of field id or exact field name → value.
 */
function readCustomFields(
  which: string, value: unknown, fields: CustomFieldT[], path: string, set: (key: string, field: CustomFieldT, value: unknown) => void,
): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw validationError(`${which} must be an object.`, { [`${path}${which}`]: 'Must be an object of custom field id or name → value.' });
  }
  for (const [name, v] of Object.entries(value)) {
    const key = `${which}.${name}`;
    set(key, resolve(name, fields, path + key), v);
  }
}

/** Writes checked values (null or an empty list clears); call inside the caller's transaction. */
export function writeCustom(values: CustomValues, orgId: string, objectId: string, custom: Map<string, unknown>): void {
  for (const [fieldId, value] of custom) values.set(orgId, objectId, fieldId, value);
}
