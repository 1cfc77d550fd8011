import { deleteThreadsOn } from './comments.js';
import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import {
  OPPORTUNITY_REFUSED, VALUE_PERIODS, type OpportunityCreateT, type OpportunityListT, type OpportunityT, type OpportunityUpdateT,
} from '../../../schemas/close/opportunities.js';
import { orderBy, refuse, Where, type ListQuery } from './filters.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import type { StatusStore } from './statuses.js';
import type { RecordedActivityStore } from './recorded-activities.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { givenDate } from '../dates.js';
import { idList, ORG_CURRENCY, pageRows, statement, userNameSql, type ClosePage, type PageParams, type Stamper } from './common.js';
import { renderEmails } from './contacts.js';
import { legacyLeadCondition, savedSearchLeadCondition } from '../query/lead-filters.js';

interface OpportunityRow {
  org_id: string; id: string; lead_id: string; status_id: string; value: number | null; value_period: string;
  user_id: string | null; note: string | null; created_by: string | null; updated_by: string | null;
  date_created: string; date_updated: string; status_label: string | null; status_type: string | null;
  confidence: number; contact_id: string | null; date_won: string | null; date_lost: string | null;
  pipeline_id: string | null; pipeline_name: string | null; lead_name: string | null; contact_name: string | null;
  user_name: string | null; created_by_name: string | null; updated_by_name: string | null;
  /** The emails / phones (JSON) of the lead's first contact that has any. */
  lead_emails: string | null; lead_phones: string | null;
}

/** Close's integer arithmetic: a product with a percentage, its fraction dropped. */
const percentOf = (amount: number | null, confidence: number) => (amount === null ? null : Math.trunc((amount * confidence) / 100));

/**
 * The values Close derives. Real API: annualized = value × 12 for monthly, × 1 for annual, the value
 * itself for one-time; expected = value × confidence %, integers. Here: the same, the fraction of a
 * cent dropped (Close does not say how it rounds).
 */
export function derivedValues(value: number | null, period: string, confidence: number) {
  const annualized = value === null ? null : period === 'monthly' ? value * 12 : value;
  return { annualized_value: annualized, expected_value: percentOf(value, confidence), annualized_expected_value: percentOf(annualized, confidence) };
}

const PERIOD_SUFFIX = new Map([['one_time', ''], ['monthly', ' monthly'], ['annual', ' annually']]);
/** Grouped by thousands; built once (an `Intl` format per call would cost more than the row's read). */
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * `value_formatted`. Real API: the value (in cents) in the organization's currency, grouped by
 * thousands, whole units without decimals, the period after it ("$1", "$1,000", "$100,000", "$50
 * monthly" in Close's answers); here: the same in US dollars, cents shown only when there are some
 * ("$1,500.50"), " annually" for an annual value (Close's examples show no annual one), null without a value.
 */
export function formatValue(value: number | null, period: string): string | null {
  if (value === null) return null;
  const amount = Math.abs(value) / 100;
  const text = (Number.isInteger(amount) ? WHOLE : CENTS).format(amount);
  return `${value < 0 ? '-' : ''}${ORG_CURRENCY.symbol}${text}${PERIOD_SUFFIX.get(period) ?? ''}`;
}

/**
 * date_won / date_lost after a move from one status type to another. Real API: set when the
 * opportunity is won (a date) or lost (a timestamp) and cleared when it leaves that type; here: the
 * same on the organization's clock, date_won as its UTC date; a move within a type keeps them.
 */
function outcomeDates(before: { type: string | null; date_won: string | null; date_lost: string | null }, type: string | null, now: string) {
  if (type === before.type) return { date_won: before.date_won, date_lost: before.date_lost };
  return { date_won: type === 'won' ? now.slice(0, 10) : null, date_lost: type === 'lost' ? now : null };
}

/**
 * A date_won a client sets → its UTC date (YYYY-MM-DD), null to clear, undefined when not sent.
 * Real API: date_won may be set whatever the status (an active opportunity's expected close date);
 * here: the same, and a later move into or out of the won type still sets or clears it.
 */
function wonDate(given: string | null | undefined): string | null | undefined {
  if (given === undefined || given === null) return given;
  return givenDate(given, 'date_won').slice(0, 10);
}

/** The lead's first contact (in creation order) whose `column` (emails or phones) is not empty. */
// The lead index named: without statistics SQLite read every contact of the organization for each
// opportunity (by primary key, then sorted), ~17 s for a 100-row page over 100k leads (bench lists).
const firstContactSql = (column: string) => `(SELECT c.${column} FROM close_contacts c INDEXED BY close_contacts_lead WHERE c.org_id = o.org_id AND c.lead_id = o.lead_id
  AND c.${column} <> '[]' ORDER BY c.date_created, c.id LIMIT 1)`;
/**
 * The row with what Close computes from other objects, read with it (so a renamed user, lead, contact
 * or pipeline, or a status moved to another pipeline, shows at once): correlated subqueries, which
 * the list's aggregates (over FROM alone) do not pay for.
 */
const SELECT_COLUMNS = `SELECT o.*, s.label AS status_label, s.type AS status_type, s.pipeline_id AS pipeline_id,
  (SELECT p.name FROM close_pipelines p WHERE p.org_id = o.org_id AND p.id = s.pipeline_id) AS pipeline_name,
  (SELECT l.name FROM close_leads l WHERE l.org_id = o.org_id AND l.id = o.lead_id) AS lead_name,
  (SELECT c.name FROM close_contacts c WHERE c.org_id = o.org_id AND c.id = o.contact_id) AS contact_name,
  ${userNameSql('o.org_id', 'o.user_id')} AS user_name, ${userNameSql('o.org_id', 'o.created_by')} AS created_by_name,
  ${userNameSql('o.org_id', 'o.updated_by')} AS updated_by_name,
  ${firstContactSql('emails')} AS lead_emails, ${firstContactSql('phones')} AS lead_phones`;
const FROM = `FROM close_opportunities o LEFT JOIN close_opportunity_statuses s ON s.org_id = o.org_id AND s.id = o.status_id`;
const SELECT = `${SELECT_COLUMNS} ${FROM}`;
// Without statistics SQLite read every opportunity of the organization for a lead's (the lead index
// unused beside `IN (json_each)`): the index is named, so a lead's GET reads only its own.
const SELECT_BY_LEAD = `${SELECT_COLUMNS} ${FROM.replace('FROM close_opportunities o ', 'FROM close_opportunities o INDEXED BY close_opportunities_lead ')}`;
const ANNUALIZED = `(CASE o.value_period WHEN 'monthly' THEN o.value * 12 ELSE o.value END)`;
const STATUS_TYPES = ['active', 'won', 'lost'] as const;
/** Close's `_order_by` fields. Real API: user_name orders by the user's full name; here: the same (first, then last name). */
const ORDER_FIELDS = new Map<string, string>([
  ['date_won', 'o.date_won'], ['date_updated', 'o.date_updated'], ['date_created', 'o.date_created'], ['confidence', 'o.confidence'],
  ['user_name', userNameSql('o.org_id', 'o.user_id')],
  ['value', 'o.value'], ['annualized_value', ANNUALIZED], ['annualized_expected_value', `(${ANNUALIZED} * o.confidence / 100)`],
]);

/** A page of opportunities with Close's aggregates. */
export type OpportunityPage = ClosePage<OpportunityT> & Omit<OpportunityListT, 'data' | 'has_more'>;
const WRITABLE = ['status_id', 'value', 'value_period', 'user_id', 'note', 'contact_id'] as const;

export class OpportunityStore {
  /** Records status changes (set by CloseStore). */
  recorded: RecordedActivityStore | null = null;

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly statuses: StatusStore,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  /**
   * The opportunities matching Close's documented filters, in `_order_by` order (default newest
   * first), with Close's aggregates over every match; `query` / `lead_query` (the legacy lead search)
   * keep the opportunities whose lead matches, and so does `lead_saved_search_id` (a lead smart view's
   * query, evaluated at `now`). Real API: the spec's filters, `_order_by`, `_group_by`, `query`,
   * `lead_query`, `lead_saved_search_id`, `is_stalled` and `status`; here: all but the last three and
   * `_group_by`, which are a 400 naming them.
   */
  list(orgId: string, q: PageParams & ListQuery, tzOffsetMinutes = 0, now = new Date(0)): OpportunityPage {
    refuse(q, OPPORTUNITY_REFUSED);
    const str = (name: string) => (typeof q[name] === 'string' ? q[name] as string : undefined);
    const text = legacyLeadCondition(this.db, orgId, { query: str('query'), lead_query: str('lead_query') }, tzOffsetMinutes);
    const view = savedSearchLeadCondition(this.db, orgId, str('lead_saved_search_id'), now, tzOffsetMinutes);
    const legacy = text && view ? { sql: `${text.sql} AND ${view.sql}`, params: { ...text.params, ...view.params } } : text ?? view;
    const w = new Where(q)
      .equals('lead_id', 'o.lead_id', { noIn: true }).equals('organization_id', 'o.org_id', { noIn: true }).equals('user_id', 'o.user_id')
      .equals('status_id', 'o.status_id').equals('status_type', 's.type', { allowed: STATUS_TYPES })
      .equals('status_label', 's.label').equals('value_period', 'o.value_period', { allowed: VALUE_PERIODS })
      .dates('date_won', 'o.date_won', true).dates('date_created', 'o.date_created').dates('date_updated', 'o.date_updated');
    const order = orderBy(q, ORDER_FIELDS, 'o.date_created DESC, o.id DESC');
    const fromWhere = `${FROM} WHERE o.org_id = @org${w.sql()}${legacy ? ` AND ${legacy.sql}` : ''}`;
    const params = { ...legacy?.params, ...w.params, org: orgId };
    // A legacy search makes SQL of its own: prepared for this call, not kept in the statement cache.
    const dynamic = legacy !== null;
    const { rows, has_more } = pageRows<OpportunityRow>(this.db, `${SELECT_COLUMNS} ${fromWhere} ORDER BY ${order}`, params, q, dynamic);
    return { data: this.render(orgId, rows), has_more, ...this.aggregates(fromWhere, params, dynamic) };
  }

  /** Close's totals over every matching opportunity, per value period (integer arithmetic, as derivedValues). */
  private aggregates(fromWhere: string, params: Record<string, unknown>, dynamic: boolean): Omit<OpportunityListT, 'data' | 'has_more'> {
    const rows = statement(this.db, dynamic, `SELECT o.value_period AS period, COUNT(*) AS n, COALESCE(SUM(o.value), 0) AS total,
        COALESCE(SUM(o.value * o.confidence / 100), 0) AS expected,
        COALESCE(SUM(${ANNUALIZED}), 0) AS annualized, COALESCE(SUM(${ANNUALIZED} * o.confidence / 100), 0) AS annualized_expected
      ${fromWhere} GROUP BY o.value_period`).all(params) as { period: string; n: number; total: number; expected: number; annualized: number; annualized_expected: number }[];
    const of = (period: string) => rows.find((r) => r.period === period) ?? { n: 0, total: 0, expected: 0 };
    const sum = (key: 'n' | 'annualized' | 'annualized_expected') => rows.reduce((acc, r) => acc + r[key], 0);
    return {
      total_results: sum('n'),
      count_by_value_period: { one_time: of('one_time').n, monthly: of('monthly').n, annual: of('annual').n },
      total_value_one_time: of('one_time').total, total_value_monthly: of('monthly').total, total_value_annual: of('annual').total,
      total_value_annualized: sum('annualized'),
      expected_value_one_time: of('one_time').expected, expected_value_monthly: of('monthly').expected,
      expected_value_annual: of('annual').expected, expected_value_annualized: sum('annualized_expected'),
    };
  }

  /** Each lead's opportunities, newest first (as they appear inside a lead). */
  forLeads(orgId: string, leadIds: string[]): Map<string, OpportunityT[]> {
    const rows = cached(this.db, `${SELECT_BY_LEAD} WHERE o.org_id = ? AND o.lead_id IN (SELECT value FROM json_each(?))
      ORDER BY o.date_created DESC, o.id DESC`).all(orgId, idList(leadIds)) as OpportunityRow[];
    const out = new Map<string, OpportunityT[]>(leadIds.map((id) => [id, []]));
    for (const o of this.render(orgId, rows)) out.get(o.lead_id)!.push(o);
    return out;
  }

  get(orgId: string, id: string): OpportunityT {
    const row = cached(this.db, `${SELECT} WHERE o.org_id = ? AND o.id = ?`).get(orgId, id) as OpportunityRow | undefined;
    if (!row) throw notFound(`Opportunity ${id} not found.`);
    return this.render(orgId, [row])[0]!;
  }

  create(orgId: string, userId: string, input: OpportunityCreateT): OpportunityT {
    if (!exists(this.db, 'close_leads', orgId, input.lead_id)) throw validationError(`Lead ${input.lead_id} not found.`, { lead_id: 'Lead not found.' });
    const label = input.status_id === undefined && input.status !== undefined ? input.status : undefined;
    const statusId = this.statusFor(orgId, label === undefined ? input.status_id
      : this.statuses.opportunityStatusIdByLabel(orgId, label, { only: input.pipeline_id ?? undefined }), input.pipeline_id ?? undefined);
    this.checkRefs(orgId, { ...input, status_id: statusId }, input.lead_id);
    if (input.created_by && !exists(this.db, 'close_users', orgId, input.created_by)) {
      throw validationError(`User ${input.created_by} not found.`, { created_by: 'User not found.' });
    }
    const custom = readCustom(this.fields, orgId, input, applicableFields(this.fields, orgId, 'opportunity'));
    const created = input.date_created ? givenDate(input.date_created, 'date_created') : null;
    const wonGiven = wonDate(input.date_won);
    const now = this.stamp.now(orgId);
    // Real API: user_id defaults to the user creating the opportunity; here: the same (the API key's user).
    // created_by and date_created, when given, are stored as given (imports of history); the creator
    // is then also the last editor.
    const creator = input.created_by || userId;
    const outcome = outcomeDates({ type: null, date_won: null, date_lost: null }, this.statuses.findOpportunity(orgId, statusId)?.type ?? null, now);
    const row = {
      id: this.ids.base62('oppo_'), lead_id: input.lead_id, status_id: statusId, value: input.value ?? null,
      value_period: input.value_period ?? 'one_time', user_id: input.user_id === undefined ? userId : input.user_id,
      note: input.note ?? null, created_by: creator, updated_by: creator, date_created: created ?? now, date_updated: now,
      confidence: input.confidence ?? 0, contact_id: input.contact_id ?? null,
      ...outcome, date_won: wonGiven === undefined ? outcome.date_won : wonGiven,
    };
    this.db.transaction(() => {
      cached(this.db, `INSERT INTO close_opportunities (org_id, id, lead_id, status_id, value, value_period, user_id, note,
          created_by, updated_by, date_created, date_updated, confidence, contact_id, date_won, date_lost)
        VALUES (@org_id, @id, @lead_id, @status_id, @value, @value_period, @user_id, @note, @created_by, @updated_by, @date_created,
          @date_updated, @confidence, @contact_id, @date_won, @date_lost)`)
        .run({ ...row, org_id: orgId });
      writeCustom(this.values, orgId, row.id, custom);
    })();
    return this.get(orgId, row.id);
  }

  update(orgId: string, userId: string, id: string, given: OpportunityUpdateT): OpportunityT {
    const current = this.get(orgId, id);
    // Real API: Close's UpdateOpportunity body is undocumented; whether an opportunity moves to another lead is
    // not said; here: its own lead_id (a GET sent back) is taken, another is a 400 rather than ignored.
    if (given.lead_id !== undefined && given.lead_id !== current.lead_id) {
      throw validationError('lead_id: an opportunity cannot be moved to another lead in the emulator.', { lead_id: 'Not supported by the emulator: an opportunity keeps its lead.' });
    }
    const patch = given.status === undefined || given.status_id !== undefined ? given
      : { ...given, status_id: this.statuses.opportunityStatusIdByLabel(orgId, given.status, { prefer: current.pipeline_id ?? undefined }) };
    this.checkRefs(orgId, patch, current.lead_id);
    const custom = readCustom(this.fields, orgId, patch, applicableFields(this.fields, orgId, 'opportunity'));
    const now = this.stamp.now(orgId);
    const base = {
      id, status_id: current.status_id, value: current.value, value_period: current.value_period, user_id: current.user_id,
      note: current.note, contact_id: current.contact_id, ...pick(patch, WRITABLE), updated_by: userId, date_updated: now,
    };
    const type = this.statuses.findOpportunity(orgId, base.status_id)?.type ?? null;
    const next = {
      ...base, confidence: patch.confidence === undefined ? current.confidence : (patch.confidence ?? 0),
      ...outcomeDates({ type: current.status_type || null, date_won: current.date_won, date_lost: current.date_lost }, type, now),
    };
    const wonGiven = wonDate(patch.date_won);
    if (wonGiven !== undefined) next.date_won = wonGiven;
    this.db.transaction(() => {
      cached(this.db, `UPDATE close_opportunities SET status_id = @status_id, value = @value, value_period = @value_period,
        user_id = @user_id, note = @note, contact_id = @contact_id, confidence = @confidence, date_won = @date_won,
        date_lost = @date_lost, updated_by = @updated_by, date_updated = @date_updated WHERE org_id = @org_id AND id = @id`)
        .run({ ...next, org_id: orgId });
      writeCustom(this.values, orgId, id, custom);
      // Real API: an opportunity created with a status records no change; a status that really changes does. Here: the same.
      if (next.status_id !== current.status_id) this.recorded?.opportunityStatusChanged(orgId, userId, this.get(orgId, id), current.status_id);
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    this.db.transaction(() => {
      this.values.deleteObject('close_opportunities', orgId, id);
      // Its comment thread goes with it (a thread may not exist without its object).
      deleteThreadsOn(this.db, orgId, [id]);
    })();
  }

  /**
   * The status a new opportunity gets. Real API: pipeline_id alone → the pipeline's first status; with
   * status_id the status must be the pipeline's; an unknown pipeline → 400; here: the same.
   */
  private statusFor(orgId: string, statusId: string | undefined, pipelineId: string | undefined): string {
    if (pipelineId !== undefined && !this.statuses.hasPipeline(orgId, pipelineId)) {
      throw validationError(`Pipeline ${pipelineId} not found.`, { pipeline_id: 'Pipeline not found.' });
    }
    if (statusId !== undefined) {
      const status = this.statuses.findOpportunity(orgId, statusId);
      if (status && pipelineId !== undefined && status.pipeline_id !== pipelineId) {
        throw validationError(`Opportunity status ${statusId} is not in pipeline ${pipelineId}.`, { status_id: 'The status does not belong to the given pipeline.' });
      }
      return statusId;
    }
    const first = this.statuses.defaultOpportunity(orgId, pipelineId)?.id;
    if (first) return first;
    if (pipelineId !== undefined) throw validationError(`Pipeline ${pipelineId} has no statuses.`, { pipeline_id: 'This pipeline has no opportunity statuses.' });
    throw validationError('The organization has no opportunity statuses.', { status_id: 'This field is required.' });
  }

  private checkRefs(orgId: string, input: { status_id?: string | undefined; user_id?: string | null | undefined; contact_id?: string | null | undefined }, leadId: string): void {
    // Real API: an opportunity's contact must be one of its lead's; here: the same, a 400 on contact_id otherwise.
    if (input.contact_id && cached(this.db, `SELECT 1 FROM close_contacts WHERE org_id = ? AND id = ? AND lead_id = ?`).get(orgId, input.contact_id, leadId) === undefined) {
      throw validationError(`Contact ${input.contact_id} is not a contact of lead ${leadId}.`, { contact_id: 'Contact not found on this lead.' });
    }
    if (input.status_id !== undefined && !this.statuses.findOpportunity(orgId, input.status_id)) {
      throw validationError(`Opportunity status ${input.status_id} not found.`, { status_id: 'Opportunity status not found.' });
    }
    if (input.user_id && !exists(this.db, 'close_users', orgId, input.user_id)) {
      throw validationError(`User ${input.user_id} not found.`, { user_id: 'User not found.' });
    }
  }

  private render(orgId: string, rows: OpportunityRow[]): OpportunityT[] {
    const custom = this.values.flatFor(orgId, rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, lead_id: r.lead_id, status_id: r.status_id, status_label: r.status_label ?? '', status_type: r.status_type ?? '',
      value: r.value, value_period: r.value_period, ...derivedValues(r.value, r.value_period, r.confidence),
      confidence: r.confidence, contact_id: r.contact_id, date_won: r.date_won, date_lost: r.date_lost, user_id: r.user_id, note: r.note, organization_id: orgId,
      created_by: r.created_by, updated_by: r.updated_by, date_created: r.date_created, date_updated: r.date_updated,
      pipeline_id: r.pipeline_id, pipeline_name: r.pipeline_name, status_display_name: r.status_label ?? '',
      lead_name: r.lead_name, contact_name: r.contact_name,
      user_name: r.user_name, created_by_name: r.created_by_name, updated_by_name: r.updated_by_name,
      value_currency: ORG_CURRENCY.code, value_formatted: formatValue(r.value, r.value_period),
      lead_primary_email: r.lead_emails === null ? null : renderEmails(r.lead_emails)[0]!,
      lead_primary_phone: r.lead_phones === null ? null : (JSON.parse(r.lead_phones) as { phone: string; type: string }[]).slice(0, 1),
      attachments: [], integration_links: [], comment_summary: null,
      ...custom.get(r.id),
    }));
  }
}
