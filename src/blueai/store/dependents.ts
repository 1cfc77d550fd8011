import { cached, type Db } from '../../core/db.js';

// What goes with a deleted deal, contact or company: one place, so a single delete, a bulk delete and
// any future path agree.

/** Inside the caller's transaction: the record's activities (deals, contacts) and tag assignments. */
export function deleteDependents(db: Db, orgId: string, type: 'deal' | 'company' | 'contact', id: string): void {
  // Real API: not documented; here: deleting a deal or a contact deletes every activity that names it
  // (one naming both goes with either), and the record's tag assignments go with it.
  if (type === 'deal') cached(db, `DELETE FROM blueai_activities WHERE org_id = ? AND deal_id = ?`).run(orgId, id);
  if (type === 'contact') cached(db, `DELETE FROM blueai_activities WHERE org_id = ? AND contact_id = ?`).run(orgId, id);
  cached(db, `DELETE FROM blueai_tag_assignments WHERE org_id = ? AND resource_type = ? AND resource_id = ?`).run(orgId, type, id);
}
