import { cached, type Db } from '../../core/db.js';
import type { BulkEditCreateT, BulkEditType } from '../../../schemas/close/bulk-edit.js';
import type { CustomFieldReader } from '../store/custom-fields.js';
import type { CustomValues } from '../store/values.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import type { RecordedActivityStore } from '../store/recorded-activities.js';
import { planBulkEdit, recheckPlan, type Plan } from './plan.js';
import { objectsOf, OBJECT_TABLES, type ObjectKind } from './scope.js';
import { commonAction, eachItem, trackedObjects, type BatchItem, type BulkKind, type Tracking } from './kinds.js';

/** Bulk edit: sets or clears a custom field, or sets the lead status, on every matched object. */
export class EditKind implements BulkKind {
  readonly name = 'edit';
  readonly noun = 'bulk edit';
  readonly idPrefix = 'bulkedit_';

  constructor(private readonly db: Db, private readonly fields: CustomFieldReader, private readonly values: CustomValues, private readonly tracking: Tracking,
    private readonly recorded: RecordedActivityStore) {}

  plan(orgId: string, body: Record<string, unknown>) {
    const b = body as BulkEditCreateT;
    const { plan, echo } = planBulkEdit(this.db, this.fields, orgId, b);
    return { type: b.type, params: { ...plan }, columns: { ...echo, custom_field_id: plan.field_id } };
  }

  recheck(orgId: string, _row: BulkActionRow, params: Record<string, unknown>): string | null {
    return recheckPlan(this.db, this.fields, orgId, params as unknown as Plan);
  }

  items(orgId: string, row: BulkActionRow, params: Record<string, unknown>, leadIds: string[]) {
    return objectsOf(this.db, this.fields, orgId, row.type as BulkEditType, (params as unknown as Plan).field_id, leadIds);
  }

  /** Each edited object's `updated` event (data as GET answers it) is recorded with the batch. */
  apply(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], now: string, midBatch: () => void): number {
    return this.tracking.events.trackEach(row.org_id, trackedObjects(this.tracking.kinds, items), () => this.write(row, params, items, now, midBatch));
  }

  private write(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], now: string, midBatch: () => void): number {
    const plan = params as unknown as Plan;
    if (plan.operation === 'status') {
      // A status edit writes the same three columns on every lead: one statement for the batch.
      const leadIds = items.filter((item) => item.object_type !== 'none').map((item) => item.object_id);
      // Each lead whose status this really changes records its LeadStatusChange (by the bulk edit's creator).
      const before = cached(this.db, `SELECT id, status_id FROM close_leads WHERE org_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`)
        .all(row.org_id, JSON.stringify(leadIds)) as Array<{ id: string; status_id: string }>;
      cached(this.db, `UPDATE close_leads SET status_id = ?, updated_by = ?, date_updated = ? WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
        .run(plan.lead_status_id, row.created_by, now, row.org_id, JSON.stringify(leadIds));
      this.recorded.leadStatusChanged(row.org_id, row.created_by, before.map((l) => ({ leadId: l.id, oldStatusId: l.status_id })), plan.lead_status_id!);
      // Inside the batch's transaction, before its items are marked done: a crash rolls it all back.
      if (items.length > 0) midBatch();
      return leadIds.length;
    }
    // Every item counts as an edited object, even one deleted while the edit runs (skipped).
    return eachItem(items, midBatch, (item) => {
      this.setField(row, plan, item.object_type as ObjectKind, item.object_id, now);
      return true;
    });
  }

  private setField(row: BulkActionRow, plan: Plan, kind: ObjectKind, objectId: string, now: string): void {
    const table = OBJECT_TABLES[kind];
    const touched = cached(this.db, `UPDATE ${table.name} SET date_updated = @now${table.hasUpdatedBy ? ', updated_by = @user' : ''} WHERE org_id = @org AND id = @id`)
      .run({ now, org: row.org_id, id: objectId, ...(table.hasUpdatedBy ? { user: row.created_by } : {}) });
    if (touched.changes === 0) return;
    const fieldId = plan.field_id!;
    const current = this.values.get(row.org_id, objectId, fieldId);
    const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
    let next: unknown;
    switch (plan.operation) {
      case 'clear': next = null; break;
      case 'replace': next = plan.value; break;
      case 'add': next = [...list(current), ...list(plan.value).filter((v) => !list(current).includes(v))]; break;
      case 'remove': next = list(current).filter((v) => !list(plan.value).includes(v)); break;
      default: return;
    }
    this.values.set(row.org_id, objectId, fieldId, next);
  }

  action(row: BulkActionRow) {
    return {
      ...commonAction(row), type: row.type as BulkEditType,
      lead_status_id: row.lead_status_id, custom_field_name: row.custom_field_name, custom_field_value: row.custom_field_value,
    };
  }

  doneEmail(row: BulkActionRow) {
    return {
      subject: 'Your bulk edit is complete',
      body: `Bulk edit ${row.id} (${row.type}) finished: ${row.n_leads} leads, ${row.n_objects} objects updated.`,
    };
  }
}
