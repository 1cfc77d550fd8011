import { cached, type Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';
import type { BulkDeleteCreateT } from '../../../schemas/close/bulk-actions.js';
import type { LeadStore } from '../store/leads.js';
import type { ContactStore } from '../store/contacts.js';
import type { ActivityStore } from '../store/activities.js';
import type { BulkActionRow } from '../store/bulk-actions.js';
import { commonAction, eachItem, trackedObjects, type BatchItem, type BulkKind, type Item, type Tracking } from './kinds.js';

type DeletedType = 'lead' | 'contact' | 'custom_activity';

// Real API: bulk_object_type also deletes calls and form submissions; here: neither exists, so asking
// for them is a 400 naming bulk_object_type rather than a job that silently deletes nothing.
const NOT_EMULATED = new Map([
  ['call', 'Not supported by the emulator: calls are not emulated.'],
  ['form_submission', 'Not supported by the emulator: form submissions are not emulated.'],
]);

const CHILDREN: Record<Exclude<DeletedType, 'lead'>, string> = {
  contact: `SELECT lead_id, id FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?)) ORDER BY date_created, id`,
  custom_activity: `SELECT lead_id, id FROM close_activities WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))
    AND custom_activity_type_id IS NOT NULL ORDER BY date_created, id`,
};

/**
 * Bulk delete: deletes the matched leads (with everything under them), or the matched leads'
 * contacts or custom activities. Real API: for contacts and activities the query may be one over those
 * objects; here: s_query matches leads (as for every bulk action) and their objects of that type go.
 */
export class DeleteKind implements BulkKind {
  readonly name = 'delete';
  readonly noun = 'bulk delete';
  // Real API: the id prefix of a bulk delete is not documented; here: bulkdelete_.
  readonly idPrefix = 'bulkdelete_';

  constructor(
    private readonly db: Db, private readonly leads: LeadStore, private readonly contacts: ContactStore, private readonly activities: ActivityStore,
    private readonly tracking: Tracking,
  ) {}

  plan(_orgId: string, body: Record<string, unknown>) {
    // Real API: not documented as optional; here: a bulk delete without bulk_object_type deletes leads.
    const type = (body as BulkDeleteCreateT).bulk_object_type ?? 'lead';
    const refused = NOT_EMULATED.get(type);
    if (refused) throw validationError('Invalid bulk delete', { bulk_object_type: refused });
    return { type, params: { bulk_object_type: type } };
  }

  recheck(): string | null {
    return null;
  }

  items(orgId: string, row: BulkActionRow, _params: Record<string, unknown>, leadIds: string[]): Map<string, Item[]> {
    const out = new Map<string, Item[]>();
    const type = row.type as DeletedType;
    if (type === 'lead') {
      for (const id of leadIds) out.set(id, [{ object_type: 'lead', object_id: id }]);
      return out;
    }
    const rows = cached(this.db, CHILDREN[type]).all(orgId, JSON.stringify(leadIds)) as { lead_id: string; id: string }[];
    for (const r of rows) {
      let list = out.get(r.lead_id);
      if (!list) out.set(r.lead_id, (list = []));
      list.push({ object_type: type === 'contact' ? 'contact' : 'activity', object_id: r.id });
    }
    return out;
  }

  /**
   * Counts the objects that were still there: one deleted meanwhile (by hand or with its lead) is
   * skipped. Each deleted object's `deleted` event (a lead's contacts, opportunities, activities and
   * tasks first) is recorded with the batch.
   */
  apply(row: BulkActionRow, params: Record<string, unknown>, items: BatchItem[], now: string, midBatch: () => void): number {
    return this.tracking.events.trackEach(row.org_id, trackedObjects(this.tracking.kinds, items), () => this.write(row, params, items, now, midBatch), { deletes: true });
  }

  private write(row: BulkActionRow, _params: Record<string, unknown>, items: BatchItem[], _now: string, midBatch: () => void): number {
    if (row.type === 'lead') {
      // One statement per table for the whole batch.
      const ids = items.filter((i) => i.object_type === 'lead').map((i) => i.object_id);
      const deleted = ids.length > 0 ? this.leads.removeMany(row.org_id, ids) : 0;
      // After the deletes, before the items are marked done: a crash here must roll the batch back.
      if (items.length > 0) midBatch();
      return deleted;
    }
    return eachItem(items, midBatch, (item) =>
      item.object_type === 'contact' ? this.contacts.remove(row.org_id, item.object_id) : this.activities.remove(row.org_id, item.object_id));
  }

  action(row: BulkActionRow) {
    return { ...commonAction(row), bulk_object_type: row.type as DeletedType };
  }

  doneEmail(row: BulkActionRow) {
    return {
      subject: 'Your bulk delete is complete',
      body: `Bulk delete ${row.id} (${row.type}) finished: ${row.n_leads} leads matched, ${row.n_objects_processed} objects deleted.`,
    };
  }
}
