import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  CustomObjectCreateT, CustomObjectT, CustomObjectTypeT, CustomObjectUpdateT,
} from '../../../schemas/close/custom-objects.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';

interface CustomObjectRow {
  org_id: string; id: string; lead_id: string; custom_object_type_id: string; name: string | null;
  date_created: string; date_updated: string;
}

/** Custom object instances; each belongs to a lead and has a custom object type. */
export class CustomObjectStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  list(orgId: string, q: PageParams & { lead_id?: string | undefined; custom_object_type_id?: string | undefined }): ClosePage<CustomObjectT> {
    const { rows, has_more } = pageRows<CustomObjectRow>(this.db, `SELECT * FROM close_custom_objects WHERE org_id = @org
      AND (@lead IS NULL OR lead_id = @lead) AND (@type IS NULL OR custom_object_type_id = @type) ORDER BY date_created DESC, id DESC`,
    { org: orgId, lead: q.lead_id ?? null, type: q.custom_object_type_id ?? null }, q);
    return { data: this.render(orgId, rows), has_more };
  }

  get(orgId: string, id: string): CustomObjectT {
    const row = cached(this.db, `SELECT * FROM close_custom_objects WHERE org_id = ? AND id = ?`).get(orgId, id) as CustomObjectRow | undefined;
    if (!row) throw notFound(`Custom object ${id} not found.`);
    return this.render(orgId, [row])[0]!;
  }

  create(orgId: string, input: CustomObjectCreateT): CustomObjectT {
    if (!this.findType(orgId, input.custom_object_type_id)) {
      throw validationError(`Custom object type ${input.custom_object_type_id} not found.`, { custom_object_type_id: 'Custom object type not found.' });
    }
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'custom_object', input.custom_object_type_id));
    const now = this.stamp.now(orgId);
    const row = {
      id: this.ids.base62('custobj_'), lead_id: input.lead_id, custom_object_type_id: input.custom_object_type_id,
      name: input.name ?? null, date_created: now, date_updated: now,
    };
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_custom_objects (org_id, id, lead_id, custom_object_type_id, name, date_created, date_updated)
        VALUES (@org_id, @id, @lead_id, @custom_object_type_id, @name, @date_created, @date_updated)`).run({ ...row, org_id: orgId });
      writeCustom(this.values, orgId, row.id, custom);
    })();
    return this.get(orgId, row.id);
  }

  update(orgId: string, id: string, patch: CustomObjectUpdateT): CustomObjectT {
    const current = this.get(orgId, id);
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'custom_object', current.custom_object_type_id));
    const name = patch.name === undefined ? current.name : patch.name;
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_custom_objects SET name = ?, date_updated = ? WHERE org_id = ? AND id = ?`).run(name, this.stamp.now(orgId), orgId, id);
      writeCustom(this.values, orgId, id, custom);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    this.db.transaction(() => {
      this.values.deleteObject('close_custom_objects', orgId, id);
    })();
  }

  listTypes(orgId: string, q: PageParams): ClosePage<CustomObjectTypeT> {
    const { rows, has_more } = pageRows<{ id: string; name: string }>(this.db,
      `SELECT id, name FROM close_custom_object_types WHERE org_id = @org ORDER BY name, id`, { org: orgId }, q);
    return { data: rows.map((r) => ({ ...r, organization_id: orgId })), has_more };
  }

  findType(orgId: string, id: string): CustomObjectTypeT | undefined {
    const r = cached(this.db, `SELECT id, name FROM close_custom_object_types WHERE org_id = ? AND id = ?`).get(orgId, id) as { id: string; name: string } | undefined;
    return r ? { ...r, organization_id: orgId } : undefined;
  }

  getType(orgId: string, id: string): CustomObjectTypeT {
    const t = this.findType(orgId, id);
    if (!t) throw notFound(`Custom object type ${id} not found.`);
    return t;
  }

  private render(orgId: string, rows: CustomObjectRow[]): CustomObjectT[] {
    const custom = this.values.flatFor(orgId, rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, custom_object_type_id: r.custom_object_type_id, lead_id: r.lead_id, name: r.name, organization_id: orgId,
      date_created: r.date_created, date_updated: r.date_updated, ...custom.get(r.id),
    }));
  }
}
