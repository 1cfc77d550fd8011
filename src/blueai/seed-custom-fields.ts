import { cached, rowInserter, type Db } from '../core/db.js';
import { ApiError } from '../core/errors.js';
import type { BlueAISeedT } from '../../schemas/seed.js';
import type { CustomFieldDefinitionT, ResourceType } from '../../schemas/blueai/custom-fields.js';
import { applyValues, parseOptions } from './store/custom-values.js';

// Custom fields in datasets: definitions (`custom_field_definitions`) and each record's values
// (`custom_fields` on deals, companies and contacts; absent = none), checked as the API checks them.

type Definition = NonNullable<BlueAISeedT['custom_field_definitions']>[number];
type Part = 'deals' | 'companies' | 'contacts';
const PARTS: [Part, ResourceType][] = [['deals', 'deal'], ['companies', 'company'], ['contacts', 'contact']];
const CFD_ID = /^cfd_[0-9a-f]{32}$/;

/** The first problem with the dataset's definitions and values, or null. Ids are checked unique with the rest. */
export function checkCustomFieldsSeed(s: BlueAISeedT): string | null {
  const defs = s.custom_field_definitions ?? [];
  const names = new Set<string>();
  for (const [i, d] of defs.entries()) {
    const at = `/blueai/custom_field_definitions/${i}`;
    if (!CFD_ID.test(d.id)) return `${at}/id: "${d.id}" is not cfd_ + 32 hex`;
    const name = `${d.resource_type}\u0000${d.name}`;
    if (names.has(name)) return `${at}/name: a ${d.resource_type} custom field named "${d.name}" is defined twice`;
    names.add(name);
    const problem = apiProblem(() => parseOptions(d.field_type, d.options_json));
    if (problem) return `${at}/options_json: ${problem}`;
  }
  for (const [part, type] of PARTS) {
    const ofType = defs.filter((d) => d.resource_type === type).map(asDefinition);
    for (const [i, row] of s[part].entries()) {
      if (row.custom_fields === undefined) continue;
      // As a stored record: required definitions are not enforced (one may be made required later).
      const problem = apiProblem(() => applyValues(type, ofType, row.custom_fields as Record<string, never>, {}));
      if (problem) return `/blueai/${part}/${i}/custom_fields: ${problem}`;
    }
  }
  return null;
}

/** The record rows as the tables hold them: `custom_fields` as JSON text. */
export function withStoredValues<T extends { custom_fields?: Record<string, unknown> }>(rows: T[]): (Omit<T, 'custom_fields'> & { custom_fields: string })[] {
  return rows.map((row) => ({ ...row, custom_fields: JSON.stringify(row.custom_fields ?? {}) }));
}

export function insertCustomFieldDefinitions(db: Db, orgId: string, s: BlueAISeedT): void {
  const run = rowInserter(db, 'blueai_custom_field_definitions');
  for (const d of s.custom_field_definitions ?? []) run(orgId, { ...d, is_required: d.is_required ? 1 : 0 });
}

/** The definitions, in id order. */
export function exportCustomFieldDefinitions(db: Db, orgId: string): Definition[] {
  const rows = cached(db, `SELECT id, resource_type, name, field_type, options_json, is_required, sort_order, created_at, updated_at
    FROM blueai_custom_field_definitions WHERE org_id = ? ORDER BY id`).all(orgId) as (Omit<Definition, 'is_required'> & { is_required: number })[];
  return rows.map((r) => ({ ...r, is_required: r.is_required === 1 }));
}

/** Exported record rows: `custom_fields` parsed, and left out when the record has none (as the seed writes it). */
export function withParsedValues<T extends { custom_fields?: unknown }>(rows: T[]): T[] {
  return rows.map((row) => {
    const { custom_fields: text, ...rest } = row;
    const values = typeof text === 'string' ? (JSON.parse(text) as Record<string, unknown>) : {};
    return (Object.keys(values).length > 0 ? { ...rest, custom_fields: values } : rest) as T;
  });
}

function asDefinition(d: Definition): CustomFieldDefinitionT {
  return d;
}

function apiProblem(check: () => unknown): string | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err.message;
    throw err;
  }
}
