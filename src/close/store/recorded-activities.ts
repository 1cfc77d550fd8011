import { cached, exists, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type {
  LeadStatusChangeCreateT, OpportunityStatusChangeCreateT, RecordedActivityT,
} from '../../../schemas/close/recorded-activities.js';
import { givenDate } from '../dates.js';
import type { RECORDED_ACTIVITY_TYPES } from '../../../schemas/seed.js';
import { ORG_CURRENCY, pageRows, userNameSql, type ClosePage, type PageParams, type Stamper } from './common.js';
import { activityWhere, type ListQuery } from './filters.js';
import { formatValue } from './opportunities.js';

/** The `_type` of each activity Close records for you. */
export type RecordedType = (typeof RECORDED_ACTIVITY_TYPES)[number];
const NOUN = new Map<RecordedType, string>([
  ['LeadStatusChange', 'Lead status change'], ['OpportunityStatusChange', 'Opportunity status change'],
  ['TaskCompleted', 'Task completed activity'], ['Created', 'Created activity'],
]);

interface Row {
  org_id: string; id: string; type: RecordedType; lead_id: string; contact_id: string | null; user_id: string | null;
  opportunity_id: string | null; task_id: string | null; fields: string; date_created: string; date_updated: string; user_name: string | null;
}
const SELECT = `SELECT r.*, ${userNameSql('r.org_id', 'r.user_id')} AS user_name FROM close_recorded_activities r`;

/** Called in the write's transaction for each recorded activity written (before null) or deleted (after null). */
export type RecordedListener = (orgId: string, before: RecordedActivityT | null, after: RecordedActivityT | null) => void;

interface Status { id: string; label: string; type?: string }

/**
 * The activities Close records when something happens: a lead's or an opportunity's status really
 * changing (the API or a bulk edit), a task completed, a lead created. Their stores call these inside
 * their own write's transaction; the routes here list, read, import (status changes) and delete them.
 */
export class RecordedActivityStore {
  listener: RecordedListener = () => {};

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper) {}

  // ---- recording (inside the caller's transaction)

  /** Lead status changes (`changes`: each lead and the status it had); a lead whose status is already `newStatusId` records none. */
  leadStatusChanged(orgId: string, userId: string | null, changes: Array<{ leadId: string; oldStatusId: string | null }>, newStatusId: string, at?: string): string[] {
    const to = this.leadStatus(orgId, newStatusId);
    return changes.filter((c) => c.oldStatusId !== newStatusId).map((c) => {
      const from = c.oldStatusId === null ? undefined : this.leadStatus(orgId, c.oldStatusId);
      return this.insert(orgId, 'LeadStatusChange', { lead_id: c.leadId, user_id: userId, date: at }, {
        old_status_id: c.oldStatusId, old_status_label: from?.label ?? null, new_status_id: to?.id ?? newStatusId, new_status_label: to?.label ?? '',
      });
    });
  }

  /** An opportunity's status change; `opp` is the opportunity after it (its value, confidence, …). */
  opportunityStatusChanged(orgId: string, userId: string | null, opp: OpportunityLike, oldStatusId: string | null, at?: string): string | null {
    if (oldStatusId === opp.status_id) return null;
    const from = oldStatusId === null ? undefined : this.opportunityStatus(orgId, oldStatusId);
    const to = this.opportunityStatus(orgId, opp.status_id);
    return this.insert(orgId, 'OpportunityStatusChange', { lead_id: opp.lead_id, user_id: userId, opportunity_id: opp.id, contact_id: opp.contact_id, date: at }, {
      old_status_id: oldStatusId, old_status_label: from?.label ?? null, old_status_type: from?.type ?? null,
      new_status_id: opp.status_id, new_status_label: to?.label ?? '', new_status_type: to?.type ?? '', pipeline_id: to?.pipeline_id ?? null,
      opportunity_value: opp.value, opportunity_value_period: opp.value_period, opportunity_value_currency: opp.value_currency,
      opportunity_value_formatted: formatValue(opp.value, opp.value_period), opportunity_confidence: opp.confidence, opportunity_date_won: opp.date_won,
    });
  }

  /**
   * Tasks completed (`complete`) or reopened. Real API: reopening a task deletes its TaskCompleted
   * activity (Close's event list: `activity.task_completed` deleted, "task reopened"); here: the same.
   */
  taskCompletion(orgId: string, userId: string | null, taskIds: string[], complete: boolean): void {
    if (!complete) {
      const rows = cached(this.db, `${SELECT} WHERE r.org_id = ? AND r.task_id IN (SELECT value FROM json_each(?)) AND r.type = 'TaskCompleted'`)
        .all(orgId, JSON.stringify(taskIds)) as Row[];
      for (const r of rows) this.remove(orgId, r);
      return;
    }
    const tasks = cached(this.db, `SELECT t.id, t.lead_id, t.text, t.assigned_to, ${userNameSql('t.org_id', 't.assigned_to')} AS assigned_to_name
      FROM close_tasks t WHERE t.org_id = ? AND t.id IN (SELECT value FROM json_each(?)) ORDER BY t.id`).all(orgId, JSON.stringify(taskIds)) as
      Array<{ id: string; lead_id: string; text: string | null; assigned_to: string | null; assigned_to_name: string | null }>;
    for (const t of tasks) {
      this.insert(orgId, 'TaskCompleted', { lead_id: t.lead_id, user_id: userId, task_id: t.id },
        { task_text: t.text, task_assigned_to: t.assigned_to, task_assigned_to_name: t.assigned_to_name });
    }
  }

  /** A lead created. Real API: `source` says how (the API, an import, the app, …); here: `api` through POST /lead/, `import` in datasets. */
  leadCreated(orgId: string, userId: string | null, leadId: string, at: string): string {
    // The lead's own stamp: the activity is the creation itself, and takes no stamp of its own.
    return this.insert(orgId, 'Created', { lead_id: leadId, user_id: userId, stamp: at }, { source: 'api' });
  }

  // ---- the API

  list(orgId: string, type: RecordedType, q: PageParams & ListQuery): ClosePage<RecordedActivityT> {
    // Real API: activity_at is when it happened; here: these activities happen when they are recorded (or the date an import gives).
    const w = activityWhere(q, 'r', type);
    if (type === 'OpportunityStatusChange') w.equals('opportunity_id', 'r.opportunity_id', { noIn: true });
    const { rows, has_more } = pageRows<Row>(this.db, `${SELECT} INDEXED BY close_recorded_activities_type WHERE r.org_id = @org AND r.type = @type${w.sql()}
      ORDER BY r.date_created DESC, r.id DESC`, { ...w.params, org: orgId, type }, q);
    return { data: rows.map(render), has_more };
  }

  /** One of them (of `type`, when given; else any), or undefined. */
  find(orgId: string, id: string, type?: RecordedType): RecordedActivityT | undefined {
    const row = cached(this.db, `${SELECT} WHERE r.org_id = ? AND r.id = ?`).get(orgId, id) as Row | undefined;
    return row && (type === undefined || row.type === type) ? render(row) : undefined;
  }

  get(orgId: string, id: string, type?: RecordedType): RecordedActivityT {
    const a = this.find(orgId, id, type);
    if (!a) throw notFound(`${type ? NOUN.get(type) : 'Activity'} ${id} not found.`);
    return a;
  }

  /**
   * DELETE through the API (its route records the event); a status change deleted leaves the status as it
   * is (Close: "only removes the status change event"). Real API: Created activities have no DELETE; here:
   * a 400 when /activity/{id}/ is asked to delete one.
   */
  delete(orgId: string, id: string, type?: RecordedType): void {
    const a = this.get(orgId, id, type);
    if (a._type === 'Created') throw validationError('A Created activity cannot be deleted.', { id: 'Created activities cannot be deleted.' });
    cached(this.db, `DELETE FROM close_recorded_activities WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /** POST /activity/status_change/lead/: logs a historical change (its event recorded too); the lead's status stays as it is. */
  importLeadChange(orgId: string, userId: string, input: LeadStatusChangeCreateT): RecordedActivityT {
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    for (const field of ['new_status_id', 'old_status_id'] as const) {
      const id = input[field];
      if (id && !this.leadStatus(orgId, id)) throw validationError(`Lead status ${id} not found.`, { [field]: 'Lead status not found.' });
    }
    const at = this.givenAt(input);
    this.checkUser(orgId, input.user_id);
    const user = input.user_id === undefined ? userId : input.user_id;
    const [id] = this.db.transaction(() => this.leadStatusChanged(orgId, user, [{ leadId: input.lead_id, oldStatusId: input.old_status_id ?? null }], input.new_status_id, at))();
    if (id === undefined) throw validationError('old_status_id: the same as new_status_id; a change needs two statuses.', { old_status_id: 'Must differ from new_status_id.' });
    return this.get(orgId, id);
  }

  /** POST /activity/status_change/opportunity/: the same for an opportunity (its current value, confidence, … are recorded). */
  importOpportunityChange(orgId: string, userId: string, input: OpportunityStatusChangeCreateT): RecordedActivityT {
    const opp = cached(this.db, `SELECT id, lead_id, status_id, contact_id, value, value_period, confidence, date_won, ? AS value_currency
      FROM close_opportunities WHERE org_id = ? AND id = ?`).get(ORG_CURRENCY.code, orgId, input.opportunity_id) as OpportunityLike | undefined;
    if (!opp) throw validationError(`Opportunity ${input.opportunity_id} not found.`, { opportunity_id: 'Opportunity not found.' });
    if (input.lead_id !== undefined && input.lead_id !== opp.lead_id) {
      throw validationError(`Opportunity ${opp.id} is not on lead ${input.lead_id}.`, { lead_id: "Not the opportunity's lead." });
    }
    for (const field of ['new_status_id', 'old_status_id'] as const) {
      const id = input[field];
      if (id && !this.opportunityStatus(orgId, id)) throw validationError(`Opportunity status ${id} not found.`, { [field]: 'Opportunity status not found.' });
    }
    const at = this.givenAt(input);
    this.checkUser(orgId, input.user_id);
    if ((input.old_status_id ?? null) === input.new_status_id) {
      throw validationError('old_status_id: the same as new_status_id; a change needs two statuses.', { old_status_id: 'Must differ from new_status_id.' });
    }
    const user = input.user_id === undefined ? userId : input.user_id;
    const id = this.db.transaction(() => this.opportunityStatusChanged(orgId, user, { ...opp, status_id: input.new_status_id }, input.old_status_id ?? null, at))()!;
    return this.get(orgId, id);
  }

  // ---- inside

  private givenAt(input: { date_created?: string | null | undefined; activity_at?: string | null | undefined }): string | undefined {
    if (input.date_created) return givenDate(input.date_created, 'date_created');
    if (input.activity_at) return givenDate(input.activity_at, 'activity_at');
    return undefined;
  }

  private checkUser(orgId: string, userId: string | null | undefined): void {
    if (userId && !exists(this.db, 'close_users', orgId, userId)) throw validationError(`User ${userId} not found.`, { user_id: 'User not found.' });
  }

  private leadStatus(orgId: string, id: string): Status | undefined {
    return cached(this.db, `SELECT id, label FROM close_lead_statuses WHERE org_id = ? AND id = ?`).get(orgId, id) as Status | undefined;
  }

  private opportunityStatus(orgId: string, id: string): (Status & { pipeline_id: string | null }) | undefined {
    return cached(this.db, `SELECT id, label, type, pipeline_id FROM close_opportunity_statuses WHERE org_id = ? AND id = ?`).get(orgId, id) as
      (Status & { pipeline_id: string | null }) | undefined;
  }

  private insert(orgId: string, type: RecordedType, refs: { lead_id: string; user_id: string | null; contact_id?: string | null;
    opportunity_id?: string; task_id?: string; date?: string | undefined; stamp?: string }, fields: Record<string, unknown>): string {
    const now = refs.stamp ?? this.stamp.now(orgId);
    const id = this.ids.base62('acti_');
    cached(this.db, `INSERT INTO close_recorded_activities (org_id, id, type, lead_id, contact_id, user_id, opportunity_id, task_id, fields, date_created, date_updated)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(orgId, id, type, refs.lead_id, refs.contact_id ?? null, refs.user_id, refs.opportunity_id ?? null,
      refs.task_id ?? null, JSON.stringify(fields), refs.date ?? now, now);
    this.listener(orgId, null, this.find(orgId, id)!);
    return id;
  }

  private remove(orgId: string, row: Row): void {
    const before = render(row);
    cached(this.db, `DELETE FROM close_recorded_activities WHERE org_id = ? AND id = ?`).run(orgId, row.id);
    this.listener(orgId, before, null);
  }
}

/** What an opportunity status change reads of the opportunity. */
export interface OpportunityLike {
  id: string; lead_id: string; status_id: string; contact_id: string | null; value: number | null; value_period: string;
  value_currency: string | null; confidence: number; date_won: string | null;
}

function render(r: Row): RecordedActivityT {
  return {
    id: r.id, _type: r.type, organization_id: r.org_id, lead_id: r.lead_id, contact_id: r.contact_id, user_id: r.user_id, user_name: r.user_name,
    created_by: r.user_id, created_by_name: r.user_name, updated_by: r.user_id, updated_by_name: r.user_name,
    activity_at: r.date_created, date_created: r.date_created, date_updated: r.date_updated,
    ...(r.opportunity_id === null ? {} : { opportunity_id: r.opportunity_id }), ...(r.task_id === null ? {} : { task_id: r.task_id }),
    ...(JSON.parse(r.fields) as Record<string, unknown>),
  };
}
