import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { BulkEditActionT, BulkEditCreateT, BulkStatus, BulkEditType } from '../../../schemas/close/bulk-edit.js';
import { closeDate } from '../dates.js';
import { transition } from '../jobs/machine.js';
import { planBulkEdit } from '../jobs/plan.js';
import { checkQuery, parseTzOffset, translateLegacy, type Legacy } from '../query/index.js';
import type { CustomFieldReader } from './custom-fields.js';
import { pageRows, type ClosePage, type PageParams } from './common.js';

export interface BulkEditRow {
  org_id: string; id: string; seq: number; type: BulkEditType; status: BulkStatus; paused_from: BulkStatus | null;
  date_paused: string | null; error_reason: string | null; params: string;
  lead_status_id: string | null; custom_field_id: string | null; custom_field_name: string | null; custom_field_value: string | null;
  query: string | null; s_query: string; results_limit: number | null; sort: string; send_done_email: number;
  n_leads: number | null; n_objects: number | null; n_leads_processed: number; n_objects_processed: number;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}

/** Bulk edit objects: creation (validated and planned up front), reads, pause and resume. Progress
 * belongs to the runner (src/close/jobs/runner.ts). */
export class BulkEditStore {
  /** Called before a bulk edit is stored (the organization joins the ones the ticker looks at). */
  onCreate?: (orgId: string) => void;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, private readonly fields: CustomFieldReader) {}

  create(orgId: string, userId: string, body: BulkEditCreateT, tzOffset: string | undefined): BulkEditActionT {
    let sQuery: unknown = body.s_query;
    let legacy: { slice: Legacy['slice']; sort: Legacy['sort'] } | null = null;
    if (sQuery === undefined || sQuery === null) {
      // Neither: refused rather than editing every lead. Only `query`: the legacy string, translated
      // to an s_query (legacy.ts) and evaluated on the same path. With both, s_query decides and
      // `query` is only echoed. Real API: the echoed s_query of a query-only edit is not documented;
      // here: it is the translation that runs.
      if (typeof body.query !== 'string' || body.query.trim() === '') throw validationError('Invalid bulk edit', { s_query: 'This field is required.' });
      const t = translateLegacy(this.db, orgId, body.query);
      sQuery = t.sQuery;
      legacy = { slice: t.slice, sort: t.sort };
    }
    const sort = body.sort && body.sort.length > 0 ? body.sort : legacy?.sort ?? [];
    checkQuery(this.db, orgId, sQuery, sort, legacy ? { slice: legacy.slice } : undefined);
    // X-TZ-Offset at creation decides fixed_local_date moments when the query is evaluated later.
    const tzOffsetMinutes = parseTzOffset(tzOffset);
    const { plan, echo } = planBulkEdit(this.db, this.fields, orgId, body);
    const now = closeDate(this.clock.now(orgId));
    const seq = ((cached(this.db, `SELECT max(seq) FROM close_bulk_edits WHERE org_id = ?`).pluck().get(orgId) as number | null) ?? 0) + 1;
    const row: BulkEditRow = {
      org_id: orgId, id: this.ids.base62('bulkedit_'), seq, type: body.type, status: 'created', paused_from: null, date_paused: null,
      error_reason: null, params: JSON.stringify({ ...plan, tz_offset_minutes: tzOffsetMinutes, ...(legacy ? { legacy } : {}) }),
      lead_status_id: echo.lead_status_id, custom_field_id: plan.field_id, custom_field_name: echo.custom_field_name,
      custom_field_value: echo.custom_field_value, query: body.query ?? null, s_query: JSON.stringify(sQuery),
      results_limit: body.results_limit ?? null, sort: JSON.stringify(body.sort ?? []), send_done_email: body.send_done_email === false ? 0 : 1,
      n_leads: null, n_objects: null, n_leads_processed: 0, n_objects_processed: 0,
      created_by: userId || null, updated_by: userId || null, date_created: now, date_updated: now,
    };
    this.onCreate?.(orgId);
    cached(this.db, `INSERT INTO close_bulk_edits (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => '@' + k).join(', ')})`).run(row);
    return toAction(row);
  }

  /** Newest first; edits created at the same instant come newest-created first. */
  list(orgId: string, q: PageParams): ClosePage<BulkEditActionT> {
    const { rows, has_more } = pageRows<BulkEditRow>(this.db,
      `SELECT * FROM close_bulk_edits WHERE org_id = @org ORDER BY date_created DESC, seq DESC`, { org: orgId }, q);
    return { data: rows.map(toAction), has_more };
  }

  row(orgId: string, id: string): BulkEditRow {
    const row = cached(this.db, `SELECT * FROM close_bulk_edits WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkEditRow | undefined;
    if (!row) throw notFound(`Bulk edit ${id} not found.`);
    return row;
  }

  get(orgId: string, id: string): BulkEditActionT {
    return toAction(this.row(orgId, id));
  }

  /** PUT {"status": "paused" | "resuming"}: asks the state machine, refuses with a 400 field error. */
  setStatus(orgId: string, userId: string, id: string, status: 'paused' | 'resuming'): BulkEditActionT {
    return this.db.transaction(() => {
      const row = this.row(orgId, id);
      const nowMs = this.clock.nowMs(orgId);
      const t = status === 'paused'
        ? transition(row, { type: 'pause' })
        : transition(row, { type: 'resume', pausedForMs: nowMs - Date.parse(row.date_paused ?? row.date_updated) });
      if (!t.ok) throw validationError(t.reason, { status: t.reason });
      const now = closeDate(new Date(nowMs));
      const next: BulkEditRow = {
        ...row, status: t.next.status, paused_from: t.next.paused_from, updated_by: userId || row.updated_by, date_updated: now,
        date_paused: status === 'paused' && row.status !== 'resuming' ? now : row.date_paused,
      };
      cached(this.db, `UPDATE close_bulk_edits SET status = @status, paused_from = @paused_from, date_paused = @date_paused,
        updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`).run(next);
      return toAction(next);
    })();
  }
}

export function toAction(row: BulkEditRow): BulkEditActionT {
  return {
    id: row.id, type: row.type, status: row.status, organization_id: row.org_id, created_by: row.created_by, updated_by: row.updated_by,
    date_created: row.date_created, date_updated: row.date_updated, lead_status_id: row.lead_status_id,
    custom_field_name: row.custom_field_name, custom_field_value: row.custom_field_value,
    n_leads: row.n_leads, n_objects: row.n_objects, n_leads_processed: row.n_leads_processed, n_objects_processed: row.n_objects_processed,
    query: row.query, s_query: JSON.parse(row.s_query), results_limit: row.results_limit, sort: JSON.parse(row.sort),
    send_done_email: row.send_done_email === 1,
  };
}
