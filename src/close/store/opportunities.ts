import { cached, exists, pick, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { OpportunityCreateT, OpportunityT, OpportunityUpdateT } from '../../../schemas/close/opportunities.js';
import type { CustomFieldReader } from './custom-fields.js';
import type { CustomValues } from './values.js';
import type { StatusStore } from './statuses.js';
import { applicableFields, readCustom, writeCustom } from './custom-input.js';
import { givenDate } from '../dates.js';
import { idList, pageRows, type ClosePage, type PageParams, type Stamper } from './common.js';

interface OpportunityRow {
  org_id: string; id: string; lead_id: string; status_id: string; value: number | null; value_period: string;
  user_id: string | null; note: string | null; created_by: string | null; updated_by: string | null;
  date_created: string; date_updated: string; status_label: string | null; status_type: string | null;
  confidence: number; contact_id: string | null; date_won: string | null; date_lost: string | null;
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

const SELECT = `SELECT o.*, s.label AS status_label, s.type AS status_type FROM close_opportunities o
  LEFT JOIN close_opportunity_statuses s ON s.org_id = o.org_id AND s.id = o.status_id`;
const WRITABLE = ['status_id', 'value', 'value_period', 'user_id', 'note', 'contact_id'] as const;

export class OpportunityStore {
  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly stamp: Stamper, private readonly statuses: StatusStore,
    private readonly fields: CustomFieldReader, private readonly values: CustomValues,
  ) {}

  list(orgId: string, q: PageParams & { lead_id?: string | undefined }): ClosePage<OpportunityT> {
    const { rows, has_more } = pageRows<OpportunityRow>(this.db, `${SELECT} WHERE o.org_id = @org
      AND (@lead IS NULL OR o.lead_id = @lead) ORDER BY o.date_created DESC, o.id DESC`, { org: orgId, lead: q.lead_id ?? null }, q);
    return { data: this.render(orgId, rows), has_more };
  }

  /** Each lead's opportunities, newest first (as they appear inside a lead). */
  forLeads(orgId: string, leadIds: string[]): Map<string, OpportunityT[]> {
    const rows = cached(this.db, `${SELECT} WHERE o.org_id = ? AND o.lead_id IN (SELECT value FROM json_each(?))
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
    const statusId = input.status_id ?? this.statuses.defaultOpportunity(orgId)?.id;
    if (!statusId) throw validationError('The organization has no opportunity statuses.', { status_id: 'This field is required.' });
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

  update(orgId: string, userId: string, id: string, patch: OpportunityUpdateT): OpportunityT {
    const current = this.get(orgId, id);
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
    })();
    return this.get(orgId, id);
  }

  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    this.db.transaction(() => {
      this.values.deleteObject('close_opportunities', orgId, id);
    })();
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
      ...custom.get(r.id),
    }));
  }
}
