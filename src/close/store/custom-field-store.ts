import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  AssociationInputT, AssociationType, CustomFieldCreateT, CustomFieldT, CustomFieldUpdateT, FieldObjectType,
} from '../../../schemas/close/custom-fields.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import { applicableFields } from './custom-input.js';
import { type ClosePage, type PageParams, type Stamper } from './common.js';

const bad = (field: string, message: string) => validationError(message, { [field]: message });

/**
 * Creating, changing and deleting custom field definitions (reading and value checks live in
 * CustomFieldReader). Changing a field's type or choices keeps the values already stored:
 * Real API: not documented; here: values are neither converted nor dropped.
 */
export class CustomFieldStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper,
    private readonly reader: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  list(orgId: string, objectType: FieldObjectType, q: PageParams): ClosePage<CustomFieldT> {
    const all = this.reader.list(orgId, objectType);
    return { data: all.slice(q._skip, q._skip + q._limit), has_more: all.length > q._skip + q._limit };
  }

  /** A field of one object type; a field of another type is not found at this URL. */
  get(orgId: string, objectType: FieldObjectType, id: string): CustomFieldT {
    const field = this.reader.find(orgId, id);
    if (!field || field.object_type !== objectType) throw notFound(`Custom field ${id} not found.`);
    return field;
  }

  /** `/custom_field_schema/{kind}/`: the kind's own fields and the shared fields associated with it. */
  schemaFor(orgId: string, kind: AssociationType): CustomFieldT[] {
    return applicableFields(this.reader, orgId, kind);
  }

  create(orgId: string, objectType: FieldObjectType, input: CustomFieldCreateT): CustomFieldT {
    this.checkName(orgId, objectType, input.name, null);
    const choices = this.checkChoices(input.type, input.choices ?? null);
    const activityType = objectType === 'activity' ? this.requireRef(orgId, 'custom_activity_type_id', input.custom_activity_type_id) : null;
    const objectTypeId = objectType === 'custom_object' ? this.requireRef(orgId, 'custom_object_type_id', input.custom_object_type_id) : null;
    // Real API: shared fields are associated through /custom_field/shared/{id}/association/; here:
    // `associations` is given on create and PUT (other kinds ignore it).
    const associations = objectType === 'shared' ? this.checkAssociations(orgId, input.associations ?? []) : [];
    const now = this.stamp.now(orgId);
    const id = this.ids.base62('cf_');
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_custom_fields (org_id, id, object_type, custom_activity_type_id, custom_object_type_id, name,
          description, type, accepts_multiple_values, choices, date_created, date_updated)
        VALUES (@org, @id, @objectType, @activityType, @objectTypeId, @name, @description, @type, @multi, @choices, @now, @now)`)
        .run({
          org: orgId, id, objectType, activityType, objectTypeId, name: input.name, description: input.description ?? null,
          type: input.type, multi: input.accepts_multiple_values ? 1 : 0, choices: choices && JSON.stringify(choices), now,
        });
      this.writeAssociations(orgId, id, associations);
    })();
    return this.get(orgId, objectType, id);
  }

  update(orgId: string, objectType: FieldObjectType, id: string, patch: CustomFieldUpdateT): CustomFieldT {
    const current = this.get(orgId, objectType, id);
    const name = patch.name ?? current.name;
    this.checkName(orgId, objectType, name, id);
    const type = patch.type ?? current.type;
    const choices = this.checkChoices(type, patch.choices === undefined ? current.choices : patch.choices);
    const associations = objectType === 'shared' && patch.associations ? this.checkAssociations(orgId, patch.associations) : null;
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_custom_fields SET name = @name, description = @description, type = @type,
          accepts_multiple_values = @multi, choices = @choices, date_updated = @now WHERE org_id = @org AND id = @id`)
        .run({
          org: orgId, id, name, type, choices: choices && JSON.stringify(choices), now: this.stamp.now(orgId),
          description: patch.description === undefined ? current.description : patch.description,
          multi: (patch.accepts_multiple_values ?? current.accepts_multiple_values) ? 1 : 0,
        });
      if (associations) {
        cached(this.db, `DELETE FROM close_shared_field_associations WHERE org_id = ? AND field_id = ?`).run(orgId, id);
        this.writeAssociations(orgId, id, associations);
      }
    })();
    return this.get(orgId, objectType, id);
  }

  /** Deletes the field, its associations and every value of it, in one transaction. */
  delete(orgId: string, objectType: FieldObjectType, id: string): void {
    this.get(orgId, objectType, id);
    this.db.transaction(() => {
      this.values.clearField(orgId, id);
      cached(this.db, `DELETE FROM close_shared_field_associations WHERE org_id = ? AND field_id = ?`).run(orgId, id);
      cached(this.db, `DELETE FROM close_custom_fields WHERE org_id = ? AND id = ?`).run(orgId, id);
    })();
  }

  /** Real API: duplicate names are refused (as far as clients report); here: unique per object type. */
  private checkName(orgId: string, objectType: FieldObjectType, name: string, self: string | null): void {
    const other = this.reader.findByName(orgId, objectType, name);
    if (other && other.id !== self) throw bad('name', 'A custom field with this name already exists.');
  }

  /** Choices are required (non-empty) for type choices. Real API: not documented for other types; here: dropped. */
  private checkChoices(type: CustomFieldT['type'], choices: string[] | null): string[] | null {
    if (type !== 'choices') return null;
    if (!choices || choices.length === 0) throw bad('choices', 'Fields of type choices need at least one choice.');
    return choices;
  }

  private requireRef(orgId: string, key: 'custom_activity_type_id' | 'custom_object_type_id', id: string | undefined): string {
    if (!id) throw bad(key, 'This field is required.');
    const table = key === 'custom_activity_type_id' ? 'close_custom_activity_types' : 'close_custom_object_types';
    if (!exists(this.db, table, orgId, id)) throw bad(key, `${key === 'custom_activity_type_id' ? 'Custom activity type' : 'Custom object type'} not found.`);
    return id;
  }

  private checkAssociations(orgId: string, list: AssociationInputT[]): { object_type: AssociationType; activity: string; object: string }[] {
    const out = new Map<string, { object_type: AssociationType; activity: string; object: string }>();
    list.forEach((a, i) => {
      const at = (key: 'custom_activity_type_id' | 'custom_object_type_id') => {
        try {
          return this.requireRef(orgId, key, a[key] ?? undefined);
        } catch {
          throw bad(`associations.${i}.${key}`, a[key] ? 'Not found.' : 'This field is required.');
        }
      };
      const activity = a.object_type === 'activity' ? at('custom_activity_type_id') : '';
      const object = a.object_type === 'custom_object' ? at('custom_object_type_id') : '';
      out.set(`${a.object_type}|${activity}|${object}`, { object_type: a.object_type, activity, object });
    });
    return [...out.values()];
  }

  private writeAssociations(orgId: string, fieldId: string, list: { object_type: AssociationType; activity: string; object: string }[]): void {
    for (const a of list) {
      cached(this.db, `INSERT INTO close_shared_field_associations (org_id, field_id, object_type, custom_activity_type_id, custom_object_type_id)
        VALUES (?, ?, ?, ?, ?)`).run(orgId, fieldId, a.object_type, a.activity, a.object);
    }
  }
}
