import { cached, type Db } from '../../core/db.js';
import type { Item } from './kinds.js';

/** Who a bulk email or sequence subscription reaches among a lead's contacts. */
export type ContactPreference = 'lead' | 'contact' | 'all';

/**
 * The addresses a bulk action reaches for each matched lead, frozen as items (`detail` = address):
 * `lead` the lead's first address (its contacts in creation order, each contact's addresses in order),
 * `contact` each contact's first address, `all` every address of every contact. An address flagged
 * unsubscribed on the contact or listed under /unsubscribe/email/ is passed over, as is a contact
 * without one. Real API: which address counts as "first" when the first is unsubscribed is not
 * documented; here: the first one that can be emailed.
 */
export function recipients(db: Db, orgId: string, leadIds: string[], preference: ContactPreference, unsubscribed: (email: string) => boolean): Map<string, Item[]> {
  const rows = cached(db, `SELECT lead_id, id, emails FROM close_contacts WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))
    ORDER BY date_created, id`).all(orgId, JSON.stringify(leadIds)) as { lead_id: string; id: string; emails: string }[];
  const out = new Map<string, Item[]>();
  for (const r of rows) {
    let list = out.get(r.lead_id);
    if (!list) out.set(r.lead_id, (list = []));
    if (preference === 'lead' && list.length > 0) continue;
    const usable = (JSON.parse(r.emails) as { email: string; is_unsubscribed?: boolean }[])
      .filter((e) => !e.is_unsubscribed && !unsubscribed(e.email)).map((e) => e.email);
    for (const email of preference === 'all' ? usable : usable.slice(0, 1)) list.push({ object_type: 'contact', object_id: r.id, detail: email });
  }
  return out;
}

/** Whether the contact is still there, on that lead: one deleted (or moved) after the set froze is skipped. */
export function stillThere(db: Db, orgId: string, contactId: string, leadId: string): boolean {
  return cached(db, `SELECT 1 FROM close_contacts WHERE org_id = ? AND id = ? AND lead_id = ?`).get(orgId, contactId, leadId) !== undefined;
}
