import { validationError } from '../../core/errors.js';
import { LIMITS, type CustomFieldDefinitionT, type CustomFieldValuesT, type FieldType } from '../../../schemas/blueai/custom-fields.js';

// Custom field values and options, checked against their definition. Pure functions: the stores read
// the definitions and write the result.
//
// Real API: the reference does not show how values attach to records; here: each deal, company and
// contact carries `custom_fields`, an object keyed by definition id, validated against the definition.

export type Values = CustomFieldValuesT;

/** The options of a select definition, parsed and validated; throws a 400 naming options_json. */
export function parseOptions(fieldType: FieldType, optionsJson: string | null | undefined): string[] | null {
  const isSelect = fieldType === 'select' || fieldType === 'multi_select';
  if (!isSelect) {
    // Real API: not documented; here: options only make sense for the select types.
    if (optionsJson != null) throw bad('options_json', `is only allowed for select and multi_select fields, not ${fieldType}`);
    return null;
  }
  if (optionsJson == null) throw bad('options_json', `is required for ${fieldType} fields`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(optionsJson);
  } catch {
    throw bad('options_json', 'is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw bad('options_json', 'must be a JSON array of strings');
  if (parsed.length < 1 || parsed.length > LIMITS.options) throw bad('options_json', `must hold 1 to ${LIMITS.options} options`);
  const seen = new Set<string>();
  for (const option of parsed) {
    if (typeof option !== 'string' || option.length < 1 || option.length > LIMITS.optionChars) {
      throw bad('options_json', `every option must be a string of 1 to ${LIMITS.optionChars} characters`);
    }
    if (seen.has(option)) throw bad('options_json', `repeats the option "${option}"`);
    seen.add(option);
  }
  return [...seen];
}

/** A stored record's values (the column's JSON text). */
export function storedValues(text: unknown): Values {
  return typeof text === 'string' ? (JSON.parse(text) as Values) : {};
}

/**
 * The values a record has after `input` is applied to `current` (null when the record is being created),
 * each checked against its definition: an unknown id, a wrong type or an option not offered is a 400;
 * on create, every required definition needs a value; an update may not clear a required one.
 */
export function applyValues(resource: string, defs: CustomFieldDefinitionT[], input: CustomFieldValuesT | undefined, current: Values | null): Values {
  const byId = new Map(defs.map((d) => [d.id, d]));
  const next = new Map(Object.entries(current ?? {}));
  for (const [id, value] of Object.entries(input ?? {})) {
    const def = byId.get(id);
    if (!def) throw bad(`custom_fields.${id}`, `is not a custom field definition of ${resource} records`);
    if (value === null) next.delete(id);
    else next.set(id, checkValue(def, value));
  }
  for (const def of defs) {
    if (!def.is_required || next.has(def.id)) continue;
    if (current === null) throw bad(`custom_fields.${def.id}`, `is required (custom field "${def.name}")`);
    if (Object.hasOwn(input ?? {}, def.id)) throw bad(`custom_fields.${def.id}`, `is required (custom field "${def.name}") and cannot be cleared`);
  }
  return Object.fromEntries(next);
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

function checkValue(def: CustomFieldDefinitionT, value: unknown): Values[string] {
  const field = `custom_fields.${def.id}`;
  switch (def.field_type) {
    case 'text':
      // Real API: not documented; here: an empty text counts as no value, so it cannot satisfy is_required.
      if (typeof value !== 'string') throw bad(field, 'must be a string (text field)');
      if (value === '' && def.is_required) throw bad(field, `is required (custom field "${def.name}")`);
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(field, 'must be a number (number field)');
      return value;
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) throw bad(field, 'must be a date YYYY-MM-DD (date field)');
      return value;
    case 'select': {
      const options = parseOptions('select', def.options_json)!;
      if (typeof value !== 'string') throw bad(field, 'must be one option, a string (select field)');
      if (!options.includes(value)) throw bad(field, `must be one of: ${options.join(', ')}`);
      return value;
    }
    case 'multi_select': {
      const options = parseOptions('multi_select', def.options_json)!;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw bad(field, 'must be an array of options (multi_select field)');
      const bad_ = value.find((v) => !options.includes(v));
      if (bad_ !== undefined) throw bad(field, `"${bad_}" is not an option; options: ${options.join(', ')}`);
      if (new Set(value).size !== value.length) throw bad(field, 'repeats an option');
      if (value.length === 0 && def.is_required) throw bad(field, `is required (custom field "${def.name}")`);
      return value as string[];
    }
  }
}

function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function bad(field: string, message: string) {
  return validationError(`${field} ${message}`, { [field]: message });
}
