import { cached, type Db } from '../../core/db.js';
import { CSV_COLUMNS } from '../../../schemas/blueai/bulk.js';

export type ExportKind = 'deals' | 'contacts' | 'companies';

const CHUNK = 500;

// Real API: the row order is not documented; here: oldest first (created_at, then id).
// Each export is a SELECT whose columns are exactly the documented CSV columns, in order: the stored
// names are renamed only here (website → website_url, note → notes, last_name + first_name → name).
const SELECTS: Record<ExportKind, string> = {
  deals: `SELECT d.id, d.name, c.name AS customer_name, d.company_id, d.contact_id, d.amount, d.stage,
            d.expected_close_date, d.assigned_member_id, d.created_at, d.updated_at
          FROM blueai_deals d LEFT JOIN blueai_companies c ON c.org_id = d.org_id AND c.id = d.company_id
          WHERE d.org_id = @org AND (d.created_at, d.id) > (@after_at, @after_id)
          ORDER BY d.created_at, d.id LIMIT ${CHUNK}`,
  contacts: `SELECT id, company_id,
            CASE WHEN first_name IS NULL OR first_name = '' THEN last_name ELSE last_name || ' ' || first_name END AS name,
            email, phone, position, note AS notes, created_at, updated_at
          FROM blueai_contacts WHERE org_id = @org AND (created_at, id) > (@after_at, @after_id)
          ORDER BY created_at, id LIMIT ${CHUNK}`,
  companies: `SELECT id, name, name_kana, department, industry, employee_count, website AS website_url, postal_code,
            address, phone, email, note AS notes, created_at, updated_at
          FROM blueai_companies WHERE org_id = @org AND (created_at, id) > (@after_at, @after_id)
          ORDER BY created_at, id LIMIT ${CHUNK}`,
};

export class ExportStore {
  constructor(private readonly db: Db) {}

  columns(kind: ExportKind): readonly string[] {
    return CSV_COLUMNS[kind];
  }

  /**
   * Rows in chunks of 500 by keyset (created_at, id). Each chunk is its own short query, so the
   * connection is never held by an open cursor while the response waits on a slow client.
   */
  *chunks(orgId: string, kind: ExportKind): Generator<unknown[][]> {
    const stmt = cached(this.db, SELECTS[kind]).raw(true);
    let after = { after_at: '', after_id: '' };
    for (;;) {
      const rows = stmt.all({ org: orgId, ...after }) as unknown[][];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < CHUNK) return;
      const last = rows[rows.length - 1]!;
      after = { after_at: String(last[CSV_COLUMNS[kind].indexOf('created_at')]), after_id: String(last[0]) };
    }
  }
}
