import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { ContactCreateT, ContactT, ContactUpdateT, NestedContactT } from '../../../schemas/close/contacts.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { countRows, idList, pageRows, type ClosePage, type CountedPage, type PageParams, type Stamper } from './common.js';

interface ContactRow {
  org_id: string; id: string; lead_id: string; name: string | null; title: string | null; emails: string; phones: string;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}

/** A contact validated and ready to insert, with its custom values. */
export interface PreparedContact {
  row: Omit<ContactRow, 'org_id'>;
  custom: Map<string, unknown>;
}

const WRITABLE = ['name', 'title', 'emails', 'phones'] as const;

// Real API: email/phone `type` is one of office, mobile, home, direct, fax, url, other; here: any
// non-empty string, "office" when omitted.
const emails = (list: NestedContactT['emails']) => list?.map((e): StoredEmail => ({ email: e.email, type: e.type ?? 'office' }));

/** An email as stored: `is_unsubscribed` only where a seed or snapshot set it. */
interface StoredEmail { email: string; type: string; is_unsubscribed?: boolean }

/** Stored emails (JSON) as Close shows them: each with `is_unsubscribed`, false unless stored. */
export const renderEmails = (json: string) => (JSON.parse(json) as StoredEmail[]).map((e) => ({ ...e, is_unsubscribed: e.is_unsubscribed ?? false }));

/**
 * Real API: an address is marked unsubscribed when its owner unsubscribes from Close's emails, not
 * through the contact API; here: only a seed or snapshot sets it (false otherwise), and a write of
 * `emails` keeps the flag of each address the contact already had.
 */
function keepUnsubscribed(next: StoredEmail[], previous: StoredEmail[]): StoredEmail[] {
  const off = new Set(previous.filter((e) => e.is_unsubscribed).map((e) => e.email.toLowerCase()));
  return next.map((e) => (off.has(e.email.toLowerCase()) ? { ...e, is_unsubscribed: true } : e));
}

/**
 * Real API: a contact's display_name is its name or, without one, its contact details; here: the name,
 * else the first email address, else the first phone number, else "".
 */
export function displayName(name: string | null, emails: { email: string }[], phones: { phone: string }[]): string {
  return name || emails[0]?.email || phones[0]?.phone || '';
}
const phones = (list: NestedContactT['phones']) => list?.map((p) => ({ phone: p.phone, type: p.type ?? 'office' }));

export class ContactStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  list(orgId: string, q: PageParams & { lead_id?: string | undefined }): CountedPage<ContactT> {
    // Real API: the default order is not documented; here: newest first, like leads.
    const { rows, has_more } = pageRows<ContactRow>(this.db, `SELECT * FROM close_contacts WHERE org_id = @org
      AND (@lead IS NULL OR lead_id = @lead) ORDER BY date_created DESC, id DESC`, { org: orgId, lead: q.lead_id ?? null }, q);
    const total_results = countRows(this.db, 'FROM close_contacts WHERE org_id = @org AND (@lead IS NULL OR lead_id = @lead)', { org: orgId, lead: q.lead_id ?? null });
    return { data: this.render(orgId, rows), has_more, total_results };
  }

  /** Each lead's contacts in creation order (as they appear inside a lead). */
  forLeads(orgId: string, leadIds: string[]): Map<string, ContactT[]> {
    // The lead index named: without statistics SQLite read all of the organization's contacts instead.
    const rows = cached(this.db, `SELECT * FROM close_contacts INDEXED BY close_contacts_lead WHERE org_id = ? AND lead_id IN (SELECT value FROM json_each(?))
      ORDER BY date_created, id`).all(orgId, idList(leadIds)) as ContactRow[];
    const out = new Map<string, ContactT[]>(leadIds.map((id) => [id, []]));
    for (const c of this.render(orgId, rows)) out.get(c.lead_id)!.push(c);
    return out;
  }

  get(orgId: string, id: string): ContactT {
    const row = cached(this.db, `SELECT * FROM close_contacts WHERE org_id = ? AND id = ?`).get(orgId, id) as ContactRow | undefined;
    if (!row) throw notFound(`Contact ${id} not found.`);
    return this.render(orgId, [row])[0]!;
  }

  create(orgId: string, userId: string, input: ContactCreateT): ContactT {
    // Real API: a contact without lead_id gets a new lead of its own; here: lead_id is required.
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) {
      throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    }
    const prepared = this.prepare(orgId, userId, input.lead_id, input);
    this.db.transaction(() => this.insertIn(orgId, prepared))();
    return this.get(orgId, prepared.row.id);
  }

  /** Validates one contact (also one nested in a lead create) without writing anything. */
  prepare(orgId: string, userId: string, leadId: string, input: NestedContactT, path = ''): PreparedContact {
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'contact'), path);
    const now = this.stamp.now(orgId);
    return {
      row: {
        id: this.ids.base62('cont_'), lead_id: leadId, name: input.name ?? null, title: input.title ?? null,
        emails: JSON.stringify(emails(input.emails) ?? []), phones: JSON.stringify(phones(input.phones) ?? []),
        created_by: userId, updated_by: userId, date_created: now, date_updated: now,
      },
      custom,
    };
  }

  /** Inserts a prepared contact inside the caller's transaction. */
  insertIn(orgId: string, c: PreparedContact): void {
    cached(this.db, `INSERT INTO close_contacts (org_id, id, lead_id, name, title, emails, phones, created_by, updated_by, date_created, date_updated)
      VALUES (@org_id, @id, @lead_id, @name, @title, @emails, @phones, @created_by, @updated_by, @date_created, @date_updated)`)
      .run({ ...c.row, org_id: orgId });
    writeCustom(this.values, orgId, c.row.id, c.custom);
  }

  update(orgId: string, userId: string, id: string, patch: ContactUpdateT): ContactT {
    const current = this.get(orgId, id);
    // Real API: a contact may be moved to another lead; here: its own lead_id (a GET sent back) is taken,
    // another is a 400 rather than ignored.
    if (patch.lead_id !== undefined && patch.lead_id !== current.lead_id) {
      throw validationError('lead_id: a contact cannot be moved to another lead in the emulator.', { lead_id: 'Not supported by the emulator: a contact keeps its lead.' });
    }
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'contact'));
    const set = pick({ ...patch, emails: emails(patch.emails), phones: phones(patch.phones) }, WRITABLE);
    const next = {
      id, name: current.name, title: current.title, ...set,
      emails: JSON.stringify(set.emails ? keepUnsubscribed(set.emails, current.emails) : current.emails), phones: JSON.stringify(set.phones ?? current.phones),
      updated_by: userId, date_updated: this.stamp.now(orgId),
    };
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_contacts SET name = @name, title = @title, emails = @emails, phones = @phones,
        updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId });
      writeCustom(this.values, orgId, id, custom);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    this.remove(orgId, id);
  }

  /** Deletes the contact if it exists (a bulk delete's item); whether it did. */
  remove(orgId: string, id: string): boolean {
    return this.db.transaction(() => {
      if (!exists(this.db, 'close_contacts', orgId, id)) return false;
      this.values.deleteObject('close_contacts', orgId, id);
      this.clearReferences(orgId, [id]);
      // Real API: not documented; here: the contact's sequence subscriptions go with it.
      cached(this.db, `DELETE FROM close_sequence_subscriptions WHERE org_id = ? AND contact_id = ?`).run(orgId, id);
      // Real API: not documented; here: the lead's opportunities that named the contact name none, as a
      // foreign key's ON DELETE SET NULL would (their date_updated unchanged).
      cached(this.db, `UPDATE close_opportunities SET contact_id = NULL WHERE org_id = ? AND contact_id = ?`).run(orgId, id);
      return true;
    })();
  }

  /**
   * Removes deleted contacts from `contact` custom field values that point at them. Real API: not
   * documented; here: no value names a contact that is gone. Call inside the caller's transaction.
   */
  clearReferences(orgId: string, contactIds: string[]): void {
    if (contactIds.length === 0) return;
    const gone = new Set(contactIds);
    // Only the values naming one of them, found in SQL (a bulk delete calls this once per batch).
    const rows = cached(this.db, `SELECT v.object_id, v.field_id, v.value FROM close_custom_values v
      JOIN close_custom_fields f ON f.org_id = v.org_id AND f.id = v.field_id WHERE v.org_id = ? AND f.type = 'contact'
      AND EXISTS (SELECT 1 FROM json_each(v.value) j WHERE j.value IN (SELECT value FROM json_each(?)))`)
      .all(orgId, JSON.stringify(contactIds)) as { object_id: string; field_id: string; value: string }[];
    for (const r of rows) {
      const value = JSON.parse(r.value) as unknown;
      if (Array.isArray(value)) {
        const kept = value.filter((v) => !gone.has(v as string));
        if (kept.length !== value.length) this.values.set(orgId, r.object_id, r.field_id, kept);
      } else if (gone.has(value as string)) {
        this.values.clear(orgId, r.object_id, r.field_id);
      }
    }
  }

  private render(orgId: string, rows: ContactRow[]): ContactT[] {
    const custom = this.values.flatFor(orgId, rows.map((r) => r.id));
    return rows.map((r) => {
      const emails = renderEmails(r.emails);
      const phones = JSON.parse(r.phones) as { phone: string; type: string }[];
      return {
        id: r.id, lead_id: r.lead_id, name: r.name, display_name: displayName(r.name, emails, phones), title: r.title, emails, phones,
        organization_id: orgId, created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created,
        date_updated: r.date_updated, urls: [], recent_calls: [], subscriptions: [], integration_links: [], ...custom.get(r.id),
      };
    });
  }
}
