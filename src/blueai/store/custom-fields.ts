import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { conflict, notFound, validationError } from '../../core/errors.js';
import {
  LIMITS, type CustomFieldCreateT, type CustomFieldDefinitionT, type CustomFieldPatchT, type CustomFieldValuesT, type ResourceType,
} from '../../../schemas/blueai/custom-fields.js';
import { applyValues, parseOptions, storedValues, type Values } from './custom-values.js';

type Row = Omit<CustomFieldDefinitionT, 'is_required'> & { is_required: number };

/** The table holding each resource type's records (and their `custom_fields` column). */
export const RECORD_TABLE: Record<ResourceType, string> = { deal: 'blueai_deals', company: 'blueai_companies', contact: 'blueai_contacts' };

const ORDER = `ORDER BY resource_type, sort_order, id`;

export class CustomFieldStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks) {}

  /** The organization's definitions (of one resource type, when given), by sort_order then id. */
  list(orgId: string, resourceType?: ResourceType): CustomFieldDefinitionT[] {
    const rows = resourceType === undefined
      ? cached(this.db, `SELECT * FROM blueai_custom_field_definitions WHERE org_id = ? ${ORDER}`).all(orgId)
      : cached(this.db, `SELECT * FROM blueai_custom_field_definitions WHERE org_id = ? AND resource_type = ? ${ORDER}`).all(orgId, resourceType);
    return (rows as Row[]).map(toDefinition);
  }

  get(orgId: string, id: string): CustomFieldDefinitionT {
    const row = cached(this.db, `SELECT * FROM blueai_custom_field_definitions WHERE org_id = ? AND id = ?`).get(orgId, id) as Row | undefined;
    if (!row) throw notFound(`Custom field definition ${id} not found`);
    return toDefinition(row);
  }

  create(orgId: string, input: CustomFieldCreateT): CustomFieldDefinitionT {
    parseOptions(input.field_type, input.options_json);
    const count = cached(this.db, `SELECT count(*) FROM blueai_custom_field_definitions WHERE org_id = ? AND resource_type = ?`)
      .pluck().get(orgId, input.resource_type) as number;
    // Real API: no limit is documented; here: at most 100 definitions per resource type (a cost bound:
    // each write of a record checks its values against all of them).
    if (count >= LIMITS.definitions) {
      throw validationError(`An organization holds at most ${LIMITS.definitions} custom field definitions per resource type`, {
        resource_type: `already has ${LIMITS.definitions} definitions`,
      });
    }
    this.checkUniqueName(orgId, input.resource_type, input.name);
    const now = this.clock.iso(orgId);
    const def: CustomFieldDefinitionT = {
      id: this.ids.hex('cfd_'),
      resource_type: input.resource_type,
      name: input.name,
      field_type: input.field_type,
      options_json: input.options_json ?? null,
      is_required: input.is_required ?? false,
      // Real API: the default sort_order is not documented; here: after the resource type's last definition.
      sort_order: input.sort_order ?? this.nextSortOrder(orgId, input.resource_type),
      created_at: now,
      updated_at: now,
    };
    cached(
      this.db,
      `INSERT INTO blueai_custom_field_definitions (org_id, id, resource_type, name, field_type, options_json, is_required, sort_order, created_at, updated_at)
       VALUES (@org_id, @id, @resource_type, @name, @field_type, @options_json, @is_required, @sort_order, @created_at, @updated_at)`,
    ).run(toRow(orgId, def));
    return def;
  }

  update(orgId: string, id: string, patch: CustomFieldPatchT): CustomFieldDefinitionT {
    const current = this.get(orgId, id);
    // Real API: not documented; here: a definition keeps its resource type and field type (its values
    // were checked against them); sending the same value is accepted, another one is a 400.
    for (const key of ['resource_type', 'field_type'] as const) {
      if (patch[key] !== undefined && patch[key] !== current[key]) {
        throw validationError(`${key} of a custom field definition cannot be changed; create a new definition instead`, { [key]: 'cannot be changed' });
      }
    }
    const next: CustomFieldDefinitionT = {
      ...current,
      name: patch.name ?? current.name,
      options_json: patch.options_json !== undefined ? patch.options_json : current.options_json,
      is_required: patch.is_required ?? current.is_required,
      sort_order: patch.sort_order ?? current.sort_order,
      updated_at: this.clock.iso(orgId),
    };
    const options = parseOptions(next.field_type, next.options_json);
    if (next.name !== current.name) this.checkUniqueName(orgId, next.resource_type, next.name);
    if (options) this.checkRemovedOptionsUnused(orgId, current, options);
    cached(
      this.db,
      `UPDATE blueai_custom_field_definitions SET name = @name, options_json = @options_json, is_required = @is_required,
         sort_order = @sort_order, updated_at = @updated_at WHERE org_id = @org_id AND id = @id`,
    ).run(toRow(orgId, next));
    return next;
  }

  /** Deletes a definition and, in the same transaction, its values on every record. */
  delete(orgId: string, id: string): void {
    const def = this.get(orgId, id);
    const table = RECORD_TABLE[def.resource_type];
    const path = jsonPath(id);
    this.db.transaction(() => {
      cached(this.db, `DELETE FROM blueai_custom_field_definitions WHERE org_id = ? AND id = ?`).run(orgId, id);
      // Real API: not documented; here: the values go with their definition, and the records keep their
      // updated_at (as an ON DELETE CASCADE of a values table would).
      cached(this.db, `UPDATE ${table} SET custom_fields = json_remove(custom_fields, @path)
        WHERE org_id = @org AND json_type(custom_fields, @path) IS NOT NULL`).run({ org: orgId, path });
    })();
  }

  /** A record's values after `input` (see applyValues); `current` is null on create. */
  values(orgId: string, resourceType: ResourceType, input: CustomFieldValuesT | undefined, current: Values | null): Values {
    if (input === undefined && current !== null) return current;
    return applyValues(resourceType, this.list(orgId, resourceType), input, current);
  }

  // Real API: not documented; here: narrowing the options may not drop one that records still hold
  // (409 naming each option and how many records hold it), so a stored value always is an option.
  private checkRemovedOptionsUnused(orgId: string, current: CustomFieldDefinitionT, options: string[]): void {
    const kept = new Set(options);
    const inUse = new Map<string, number>();
    const held = cached(this.db, `SELECT custom_fields FROM ${RECORD_TABLE[current.resource_type]}
      WHERE org_id = ? AND json_type(custom_fields, ?) IS NOT NULL`).pluck().all(orgId, jsonPath(current.id)) as string[];
    for (const text of held) {
      const value = storedValues(text)[current.id];
      for (const option of Array.isArray(value) ? value : [value]) {
        if (typeof option === 'string' && !kept.has(option)) inUse.set(option, (inUse.get(option) ?? 0) + 1);
      }
    }
    if (inUse.size > 0) {
      const list = [...inUse].map(([option, n]) => `"${option}" is held by ${n} record${n === 1 ? '' : 's'}`).join('; ');
      throw conflict(`Cannot remove options of custom field ${current.id}: ${list}; change those values first`, {
        options_in_use: Object.fromEntries(inUse),
      });
    }
  }

  // Real API: not documented; here: names are unique per resource type, as tag names are per organization.
  private checkUniqueName(orgId: string, resourceType: ResourceType, name: string): void {
    const taken = cached(this.db, `SELECT id FROM blueai_custom_field_definitions WHERE org_id = ? AND resource_type = ? AND name = ?`)
      .pluck().get(orgId, resourceType, name) as string | undefined;
    if (taken) throw conflict(`A ${resourceType} custom field named "${name}" already exists (${taken})`, { existing_id: taken });
  }

  private nextSortOrder(orgId: string, resourceType: ResourceType): number {
    return cached(this.db, `SELECT coalesce(max(sort_order) + 1, 0) FROM blueai_custom_field_definitions WHERE org_id = ? AND resource_type = ?`)
      .pluck().get(orgId, resourceType) as number;
  }
}

/** The JSON path of a definition's key; ids are `cfd_` + hex, generated here, so no quoting is needed. */
const jsonPath = (id: string) => `$."${id}"`;

function toDefinition(row: Row): CustomFieldDefinitionT {
  const { org_id: _org, ...rest } = row as Row & { org_id?: string };
  return { ...rest, is_required: row.is_required === 1 };
}

function toRow(orgId: string, d: CustomFieldDefinitionT) {
  return { ...d, org_id: orgId, is_required: d.is_required ? 1 : 0 };
}
