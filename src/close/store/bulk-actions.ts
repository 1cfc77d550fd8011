import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { BulkStatus } from '../../../schemas/close/bulk-edit.js';
import type { BulkCommonCreateT, BulkKindName } from '../../../schemas/close/bulk-actions.js';
import { closeDate } from '../dates.js';
import { transition } from '../jobs/machine.js';
import type { BulkKinds } from '../jobs/kinds.js';
import { diffKeys, type EventLog } from './events.js';
import { checkQuery, parseTzOffset, translateLegacy, type Legacy } from '../query/index.js';
import { pageRows, type ClosePage, type PageParams } from './common.js';

/** One row of close_bulk_actions: every kind of bulk action (its `kind`), edit's echo columns null for the others. */
export interface BulkActionRow {
  org_id: string; id: string; seq: number; kind: BulkKindName; type: string; status: BulkStatus; paused_from: BulkStatus | null;
  date_paused: string | null; error_reason: string | null; params: string;
  lead_status_id: string | null; custom_field_id: string | null; custom_field_name: string | null; custom_field_value: string | null;
  query: string | null; s_query: string; results_limit: number | null; sort: string; send_done_email: number;
  n_leads: number | null; n_objects: number | null; n_leads_processed: number; n_objects_processed: number;
  created_by: string | null; updated_by: string | null; date_created: string; date_updated: string;
}

/** The s_query, sort and legacy translation every kind's body shares. */
type CommonBody = BulkCommonCreateT;

/**
 * Bulk actions of every kind: creation (the query checked and the kind's fields planned up front, so
 * a bad request stores nothing), reads, pause and resume. Progress belongs to the runner
 * (src/close/jobs/runner.ts); what differs per kind to the kind (src/close/jobs/kinds.ts).
 */
export class BulkActionStore {
  /** Called before a bulk action is stored (the organization joins the ones the control API lists jobs of). */
  onCreate?: (orgId: string) => void;
  /** Called before a bulk action is stored or resumed (the organization joins the ones the ticker visits). */
  onRunnable?: (orgId: string) => void;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, readonly kinds: BulkKinds, private readonly events: EventLog) {}

  /**
   * The bulk action's own event (`bulk_action.<kind>`: created, updated, paused, completed), in the
   * caller's transaction. Real API: these object types are listed by a third-party copy of Close's
   * event list only; here: recorded with data = the object as GET answers it.
   */
  recordLifecycle(row: BulkActionRow, action: string, before: Record<string, unknown> | null): void {
    const after = this.action(row);
    this.events.record(row.org_id, {
      object_type: `bulk_action.${row.kind}`, object_id: row.id, lead_id: null, action, previous_data: before, data: after,
      ...(action === 'updated' ? {} : { changed_fields: before ? diffKeys(before, after) : [] }),
    });
  }

  create(kindName: BulkKindName, orgId: string, userId: string, body: CommonBody & Record<string, unknown>, tzOffset: string | undefined): Record<string, unknown> {
    const kind = this.kinds.get(kindName);
    let sQuery: unknown = body.s_query;
    let legacy: { slice: Legacy['slice']; sort: Legacy['sort'] } | null = null;
    if (sQuery === undefined || sQuery === null) {
      // Neither: refused rather than acting on every lead. Only `query`: the legacy string, translated
      // to an s_query (legacy.ts) and evaluated on the same path. With both, s_query decides and
      // `query` is only echoed. Real API: the echoed s_query of a query-only action is not documented;
      // here: it is the translation that runs.
      if (typeof body.query !== 'string' || body.query.trim() === '') throw validationError(`Invalid ${kind.noun}`, { s_query: 'This field is required.' });
      const t = translateLegacy(this.db, orgId, body.query);
      sQuery = t.sQuery;
      legacy = { slice: t.slice, sort: t.sort };
    }
    const sort = body.sort && body.sort.length > 0 ? body.sort : legacy?.sort ?? [];
    checkQuery(this.db, orgId, sQuery, sort, legacy ? { slice: legacy.slice } : undefined);
    // X-TZ-Offset at creation decides fixed_local_date moments when the query is evaluated later.
    const tzOffsetMinutes = parseTzOffset(tzOffset);
    const plan = kind.plan(orgId, body);
    const now = closeDate(this.clock.now(orgId));
    const seq = ((cached(this.db, `SELECT max(seq) FROM close_bulk_actions WHERE org_id = ?`).pluck().get(orgId) as number | null) ?? 0) + 1;
    const row: BulkActionRow = {
      org_id: orgId, id: this.ids.base62(kind.idPrefix), seq, kind: kindName, type: plan.type, status: 'created', paused_from: null, date_paused: null,
      error_reason: null, params: JSON.stringify({ ...plan.params, tz_offset_minutes: tzOffsetMinutes, ...(legacy ? { legacy } : {}) }),
      lead_status_id: plan.columns?.lead_status_id ?? null, custom_field_id: plan.columns?.custom_field_id ?? null,
      custom_field_name: plan.columns?.custom_field_name ?? null, custom_field_value: plan.columns?.custom_field_value ?? null,
      query: body.query ?? null, s_query: JSON.stringify(sQuery),
      results_limit: body.results_limit ?? null, sort: JSON.stringify(body.sort ?? []), send_done_email: body.send_done_email === false ? 0 : 1,
      n_leads: null, n_objects: null, n_leads_processed: 0, n_objects_processed: 0,
      created_by: userId || null, updated_by: userId || null, date_created: now, date_updated: now,
    };
    this.onCreate?.(orgId);
    this.onRunnable?.(orgId);
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_bulk_actions (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map((k) => '@' + k).join(', ')})`).run(row);
      this.recordLifecycle(row, 'created', null);
    })();
    return kind.action(row);
  }

  /** Newest first; actions created at the same instant come newest-created first. */
  list(kindName: BulkKindName, orgId: string, q: PageParams, filter: { params?: Record<string, string | null> } = {}): ClosePage<Record<string, unknown>> {
    const kind = this.kinds.get(kindName);
    // A filter on a param the kind stores (bulk email's template_id): compared in the params JSON.
    const where = Object.keys(filter.params ?? {}).map((k, i) => ` AND json_extract(params, '$.' || @k${i}) IS @v${i}`).join('');
    const bind = Object.fromEntries(Object.entries(filter.params ?? {}).flatMap(([k, v], i) => [[`k${i}`, k], [`v${i}`, v]]));
    const { rows, has_more } = pageRows<BulkActionRow>(this.db,
      `SELECT * FROM close_bulk_actions WHERE org_id = @org AND kind = @kind${where} ORDER BY date_created DESC, seq DESC`, { org: orgId, kind: kindName, ...bind }, q);
    return { data: rows.map((r) => kind.action(r)), has_more };
  }

  row(kindName: BulkKindName, orgId: string, id: string): BulkActionRow {
    const row = cached(this.db, `SELECT * FROM close_bulk_actions WHERE org_id = ? AND id = ?`).get(orgId, id) as BulkActionRow | undefined;
    if (!row || row.kind !== kindName) throw notFound(`${capitalize(this.kinds.get(kindName).noun)} ${id} not found.`);
    return row;
  }

  get(kindName: BulkKindName, orgId: string, id: string): Record<string, unknown> {
    return this.kinds.get(kindName).action(this.row(kindName, orgId, id));
  }

  /** The vendor object of any kind's row. */
  action(row: BulkActionRow): Record<string, unknown> {
    return this.kinds.get(row.kind).action(row);
  }

  /** PUT {"status": "paused" | "resuming"}: asks the state machine, refuses with a 400 field error. */
  setStatus(kindName: BulkKindName, orgId: string, userId: string, id: string, status: 'paused' | 'resuming'): Record<string, unknown> {
    const kind = this.kinds.get(kindName);
    return this.db.transaction(() => {
      const row = this.row(kindName, orgId, id);
      const nowMs = this.clock.nowMs(orgId);
      const t = status === 'paused'
        ? transition(row, { type: 'pause' }, kind.noun)
        : transition(row, { type: 'resume', pausedForMs: nowMs - Date.parse(row.date_paused ?? row.date_updated) }, kind.noun);
      if (!t.ok) throw validationError(t.reason, { status: t.reason });
      if (status === 'resuming') this.onRunnable?.(orgId);
      const now = closeDate(new Date(nowMs));
      const next: BulkActionRow = {
        ...row, status: t.next.status, paused_from: t.next.paused_from, updated_by: userId || row.updated_by, date_updated: now,
        date_paused: status === 'paused' && row.status !== 'resuming' ? now : row.date_paused,
      };
      cached(this.db, `UPDATE close_bulk_actions SET status = @status, paused_from = @paused_from, date_paused = @date_paused,
        updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`).run(next);
      this.recordLifecycle(next, status === 'paused' ? 'paused' : 'updated', kind.action(row));
      return kind.action(next);
    })();
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
