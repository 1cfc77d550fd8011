import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  ActivityT, CustomActivityCreateT, CustomActivityTypeT, CustomActivityUpdateT,
} from '../../../schemas/close/activities.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { givenDate } from '../dates.js';
import { pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';

interface ActivityRow {
  org_id: string; id: string; lead_id: string; custom_activity_type_id: string | null; note: string | null;
  user_id: string | null; date_created: string; date_updated: string;
}

export interface ActivityFilter extends PageParams {
  lead_id?: string | undefined;
  custom_activity_type_id?: string | undefined;
  customOnly?: boolean;
}

/**
 * Activities of leads. Real API: many activity kinds (Note, Call, Email, …) with their own endpoints;
 * here: activities are notes (`_type: "Note"`) or custom activities (`_type: "CustomActivity"`), and
 * only custom activities can be created and edited.
 */
export class ActivityStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  list(orgId: string, q: ActivityFilter): ClosePage<ActivityT> {
    const { rows, has_more } = pageRows<ActivityRow>(this.db, `SELECT * FROM close_activities WHERE org_id = @org
      AND (@lead IS NULL OR lead_id = @lead) AND (@type IS NULL OR custom_activity_type_id = @type)
      AND (@custom = 0 OR custom_activity_type_id IS NOT NULL) ORDER BY date_created DESC, id DESC`,
    { org: orgId, lead: q.lead_id ?? null, type: q.custom_activity_type_id ?? null, custom: q.customOnly ? 1 : 0 }, q);
    return { data: this.render(orgId, rows), has_more };
  }

  /** Any activity; with `customOnly`, one that is a custom activity (else 404). */
  get(orgId: string, id: string, customOnly = false): ActivityT {
    const row = cached(this.db, `SELECT * FROM close_activities WHERE org_id = ? AND id = ?`).get(orgId, id) as ActivityRow | undefined;
    if (!row || (customOnly && row.custom_activity_type_id === null)) throw notFound(`${customOnly ? 'Custom activity' : 'Activity'} ${id} not found.`);
    return this.render(orgId, [row])[0]!;
  }

  createCustom(orgId: string, userId: string, input: CustomActivityCreateT): ActivityT {
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    if (!this.findType(orgId, input.custom_activity_type_id)) {
      throw validationError(`Custom activity type ${input.custom_activity_type_id} not found.`, { custom_activity_type_id: 'Custom activity type not found.' });
    }
    this.checkUser(orgId, input.user_id);
    // Real API: organization_id is documented on create without saying what another one does; here:
    // it must be the key's organization (a 400 otherwise).
    if (input.organization_id && input.organization_id !== orgId) {
      throw validationError(`Organization ${input.organization_id} is not this key's.`, { organization_id: 'Not your organization.' });
    }
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'activity', input.custom_activity_type_id));
    const created = input.date_created ? givenDate(input.date_created, 'date_created') : null;
    const now = this.stamp.now(orgId);
    const row = {
      id: this.ids.base62('acti_'), lead_id: input.lead_id, custom_activity_type_id: input.custom_activity_type_id,
      note: input.note ?? null, user_id: input.user_id === undefined ? userId : input.user_id, date_created: created ?? now, date_updated: now,
    };
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_activities (org_id, id, lead_id, custom_activity_type_id, note, user_id, date_created, date_updated)
        VALUES (@org_id, @id, @lead_id, @custom_activity_type_id, @note, @user_id, @date_created, @date_updated)`).run({ ...row, org_id: orgId });
      writeCustom(this.values, orgId, row.id, custom);
    })();
    return this.get(orgId, row.id);
  }

  updateCustom(orgId: string, id: string, patch: CustomActivityUpdateT): ActivityT {
    const current = this.get(orgId, id, true);
    this.checkUser(orgId, patch.user_id);
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'activity', current.custom_activity_type_id));
    const next = { id, note: current.note, user_id: current.user_id, ...pick(patch, ['note', 'user_id']), date_updated: this.stamp.now(orgId) };
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_activities SET note = @note, user_id = @user_id, date_updated = @date_updated
        WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId });
      writeCustom(this.values, orgId, id, custom);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string, customOnly = false): void {
    this.get(orgId, id, customOnly);
    this.db.transaction(() => {
      this.values.deleteObject('close_activities', orgId, id);
    })();
  }

  listTypes(orgId: string, q: PageParams): ClosePage<CustomActivityTypeT> {
    const { rows, has_more } = pageRows<{ id: string; name: string }>(this.db,
      `SELECT id, name FROM close_custom_activity_types WHERE org_id = @org ORDER BY name, id`, { org: orgId }, q);
    return { data: rows.map((r) => ({ ...r, organization_id: orgId })), has_more };
  }

  findType(orgId: string, id: string): CustomActivityTypeT | undefined {
    const r = cached(this.db, `SELECT id, name FROM close_custom_activity_types WHERE org_id = ? AND id = ?`).get(orgId, id) as { id: string; name: string } | undefined;
    return r ? { ...r, organization_id: orgId } : undefined;
  }

  getType(orgId: string, id: string): CustomActivityTypeT {
    const t = this.findType(orgId, id);
    if (!t) throw notFound(`Custom activity type ${id} not found.`);
    return t;
  }

  private checkUser(orgId: string, userId: string | null | undefined): void {
    if (userId && !exists(this.db, 'close_users', orgId, userId)) throw validationError(`User ${userId} not found.`, { user_id: 'User not found.' });
  }

  private render(orgId: string, rows: ActivityRow[]): ActivityT[] {
    const custom = this.values.flatFor(orgId, rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, _type: r.custom_activity_type_id ? 'CustomActivity' : 'Note', lead_id: r.lead_id,
      custom_activity_type_id: r.custom_activity_type_id, note: r.note, user_id: r.user_id, organization_id: orgId,
      date_created: r.date_created, date_updated: r.date_updated, ...custom.get(r.id),
    }));
  }
}
