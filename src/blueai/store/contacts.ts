import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import type { ContactT, ContactCreateT, ContactPatchT, ContactListQueryT } from '../../../schemas/blueai/contacts.js';
import { deleteDependents } from './dependents.js';
import { listRows, publicRow, type Page } from './list.js';
import type { CustomFieldStore } from './custom-fields.js';
import { Refs } from './refs.js';

const WRITABLE = ['first_name', 'last_name', 'email', 'phone', 'position', 'company_id', 'note'] as const;

export class ContactStore {
  private readonly refs: Refs;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, private readonly fields: CustomFieldStore) {
    this.refs = new Refs(db);
  }

  list(orgId: string, q: ContactListQueryT): Page<ContactT> {
    return listRows(
      this.db,
      {
        table: 'blueai_contacts',
        orgId,
        filters: { company_id: q.company_id },
        tagged: { resourceType: 'contact', tagId: q.tag_id },
        // The full name as exports show it ("last first"), and without the space, as Japanese names
        // are usually typed.
        searchColumns: ['last_name', 'first_name', `last_name || ' ' || first_name`, 'last_name || first_name', 'email'],
        // One expression, since listRows appends the direction once: last_name, then first_name
        // (char(1) sorts below any character a name contains).
        sortColumns: { created_at: 'created_at', name: `last_name || char(1) || coalesce(first_name, '')` },
      },
      q,
      (row) => publicRow<ContactT>(row),
    );
  }

  find(orgId: string, id: string): ContactT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_contacts WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    return row ? publicRow<ContactT>(row) : undefined;
  }

  get(orgId: string, id: string): ContactT {
    const contact = this.find(orgId, id);
    if (!contact) throw notFound(`Contact ${id} not found`);
    return contact;
  }

  create(orgId: string, input: ContactCreateT): ContactT {
    this.refs.require('company_id', 'blueai_companies', orgId, input.company_id);
    const customFields = this.fields.values(orgId, 'contact', input.custom_fields, null);
    const now = this.clock.iso(orgId);
    const contact: ContactT = {
      id: this.ids.hex('cont_'),
      first_name: input.first_name ?? null,
      last_name: input.last_name,
      email: input.email ?? null,
      phone: input.phone ?? null,
      position: input.position ?? null,
      company_id: input.company_id ?? null,
      note: input.note ?? null,
      custom_fields: customFields,
      created_at: now,
      updated_at: now,
    };
    cached(
      this.db,
      `INSERT INTO blueai_contacts (org_id, id, first_name, last_name, email, phone, position, company_id, note, custom_fields, created_at, updated_at)
       VALUES (@org_id, @id, @first_name, @last_name, @email, @phone, @position, @company_id, @note, @custom_fields, @created_at, @updated_at)`,
    ).run({ ...contact, custom_fields: JSON.stringify(contact.custom_fields), org_id: orgId });
    return contact;
  }

  update(orgId: string, id: string, patch: ContactPatchT): ContactT {
    const current = this.get(orgId, id);
    this.refs.require('company_id', 'blueai_companies', orgId, patch.company_id);
    const customFields = this.fields.values(orgId, 'contact', patch.custom_fields, current.custom_fields);
    const next: ContactT = { ...current, custom_fields: customFields, updated_at: this.clock.iso(orgId) };
    // Only the writable fields, so unknown body keys never reach the row.
    for (const key of WRITABLE) {
      if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
    }
    cached(
      this.db,
      `UPDATE blueai_contacts SET first_name = @first_name, last_name = @last_name, email = @email, phone = @phone,
         position = @position, company_id = @company_id, note = @note, custom_fields = @custom_fields, updated_at = @updated_at
       WHERE org_id = @org_id AND id = @id`,
    ).run({ ...next, custom_fields: JSON.stringify(next.custom_fields), org_id: orgId });
    return next;
  }

  /** Deletes a contact and, in the same transaction, detaches the deals that point at it;
   * its activities and tag assignments go. */
  delete(orgId: string, id: string): void {
    const gone = this.db.transaction(() => {
      if (cached(this.db, `DELETE FROM blueai_contacts WHERE org_id = ? AND id = ?`).run(orgId, id).changes === 0) return false;
      // Real API: what happens to a deleted contact's deals is not documented; here: their contact_id
      // becomes null and they keep their updated_at, as an ON DELETE SET NULL foreign key would.
      cached(this.db, `UPDATE blueai_deals SET contact_id = NULL WHERE org_id = ? AND contact_id = ?`).run(orgId, id);
      deleteDependents(this.db, orgId, 'contact', id);
      return true;
    })();
    if (!gone) throw notFound(`Contact ${id} not found`);
  }
}
