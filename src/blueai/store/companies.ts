import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound } from '../../core/errors.js';
import type { CompanyT, CompanyCreateT, CompanyPatchT, CompanyListQueryT } from '../../../schemas/blueai/companies.js';
import { deleteDependents } from './dependents.js';
import { listRows, publicRow, type Page } from './list.js';
import type { CustomFieldStore } from './custom-fields.js';

const WRITABLE = [
  'name', 'name_kana', 'department', 'industry', 'employee_count', 'website', 'postal_code', 'address', 'phone', 'email', 'note',
] as const;

export class CompanyStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, private readonly fields: CustomFieldStore) {}

  list(orgId: string, q: CompanyListQueryT): Page<CompanyT> {
    return listRows(
      this.db,
      {
        table: 'blueai_companies',
        orgId,
        searchColumns: ['name', 'name_kana'],
        tagged: { resourceType: 'company', tagId: q.tag_id },
        sortColumns: { created_at: 'created_at', name: 'name' },
      },
      q,
      (row) => publicRow<CompanyT>(row),
    );
  }

  find(orgId: string, id: string): CompanyT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_companies WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    return row ? publicRow<CompanyT>(row) : undefined;
  }

  get(orgId: string, id: string): CompanyT {
    const company = this.find(orgId, id);
    if (!company) throw notFound(`Company ${id} not found`);
    return company;
  }

  create(orgId: string, input: CompanyCreateT): CompanyT {
    const customFields = this.fields.values(orgId, 'company', input.custom_fields, null);
    const now = this.clock.iso(orgId);
    const company: CompanyT = {
      id: this.ids.hex('comp_'),
      name: input.name,
      name_kana: input.name_kana ?? null,
      department: input.department ?? null,
      industry: input.industry ?? null,
      employee_count: input.employee_count ?? null,
      website: input.website ?? null,
      postal_code: input.postal_code ?? null,
      address: input.address ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      note: input.note ?? null,
      custom_fields: customFields,
      created_at: now,
      updated_at: now,
    };
    cached(
      this.db,
      `INSERT INTO blueai_companies (org_id, id, name, name_kana, department, industry, employee_count, website, postal_code,
         address, phone, email, note, custom_fields, created_at, updated_at)
       VALUES (@org_id, @id, @name, @name_kana, @department, @industry, @employee_count, @website, @postal_code,
         @address, @phone, @email, @note, @custom_fields, @created_at, @updated_at)`,
    ).run({ ...company, custom_fields: JSON.stringify(company.custom_fields), org_id: orgId });
    return company;
  }

  update(orgId: string, id: string, patch: CompanyPatchT): CompanyT {
    const current = this.get(orgId, id);
    const customFields = this.fields.values(orgId, 'company', patch.custom_fields, current.custom_fields);
    const next: CompanyT = { ...current, custom_fields: customFields, updated_at: this.clock.iso(orgId) };
    // Only the writable fields, so unknown body keys never reach the row.
    for (const key of WRITABLE) {
      if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
    }
    cached(
      this.db,
      `UPDATE blueai_companies SET name = @name, name_kana = @name_kana, department = @department, industry = @industry,
         employee_count = @employee_count, website = @website, postal_code = @postal_code, address = @address,
         phone = @phone, email = @email, note = @note, custom_fields = @custom_fields, updated_at = @updated_at
       WHERE org_id = @org_id AND id = @id`,
    ).run({ ...next, custom_fields: JSON.stringify(next.custom_fields), org_id: orgId });
    return next;
  }

  /** Deletes a company and, in the same transaction, detaches its contacts and deals;
   * its tag assignments go. */
  delete(orgId: string, id: string): void {
    const gone = this.db.transaction(() => {
      if (cached(this.db, `DELETE FROM blueai_companies WHERE org_id = ? AND id = ?`).run(orgId, id).changes === 0) return false;
      // Real API: what happens to a deleted company's contacts and deals is not documented; here: their
      // company_id becomes null and they keep their updated_at, as an ON DELETE SET NULL foreign key would.
      cached(this.db, `UPDATE blueai_contacts SET company_id = NULL WHERE org_id = ? AND company_id = ?`).run(orgId, id);
      cached(this.db, `UPDATE blueai_deals SET company_id = NULL WHERE org_id = ? AND company_id = ?`).run(orgId, id);
      deleteDependents(this.db, orgId, 'company', id);
      return true;
    })();
    if (!gone) throw notFound(`Company ${id} not found`);
  }
}
