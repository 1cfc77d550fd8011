import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { LeadStatusT, OpportunityStatusT } from '../../../schemas/close/statuses.js';
import { pageRows, type ClosePage, type PageParams } from './common.js';

type Row<T> = Omit<T, 'organization_id'> & { org_id: string };
const lead = (r: Row<LeadStatusT>): LeadStatusT => ({ id: r.id, label: r.label, organization_id: r.org_id });
const opp = (r: Row<OpportunityStatusT>): OpportunityStatusT =>
  ({ id: r.id, label: r.label, type: r.type, organization_id: r.org_id, pipeline_id: r.pipeline_id });
/** Opportunity statuses in pipeline order, then their own order within their pipeline. */
const OPP_SELECT = `SELECT s.org_id, s.id, s.label, s.type, coalesce(s.pipeline_id, '') AS pipeline_id FROM close_opportunity_statuses s
  LEFT JOIN close_pipelines p ON p.org_id = s.org_id AND p.id = s.pipeline_id`;
const OPP_ORDER = 'p.position, p.id, s.position, s.id';

/** Lead and opportunity statuses, in their configured order (`position`). */
export class StatusStore {
  constructor(private readonly db: Db, private readonly ids: Ids) {}

  listLead(orgId: string, q: PageParams): ClosePage<LeadStatusT> {
    const { rows, has_more } = pageRows<Row<LeadStatusT>>(this.db,
      `SELECT org_id, id, label FROM close_lead_statuses WHERE org_id = @org ORDER BY position, id`, { org: orgId }, q);
    return { data: rows.map(lead), has_more };
  }

  findLead(orgId: string, id: string): LeadStatusT | undefined {
    const r = cached(this.db, `SELECT org_id, id, label FROM close_lead_statuses WHERE org_id = ? AND id = ?`).get(orgId, id) as Row<LeadStatusT> | undefined;
    return r ? lead(r) : undefined;
  }

  getLead(orgId: string, id: string): LeadStatusT {
    const s = this.findLead(orgId, id);
    if (!s) throw notFound(`Lead status ${id} not found.`);
    return s;
  }

  /** Case-insensitive, as clients send labels typed by people. */
  findLeadByLabel(orgId: string, label: string): LeadStatusT | undefined {
    const r = cached(this.db, `SELECT org_id, id, label FROM close_lead_statuses WHERE org_id = ? AND lower(label) = lower(?) ORDER BY position, id LIMIT 1`)
      .get(orgId, label) as Row<LeadStatusT> | undefined;
    return r ? lead(r) : undefined;
  }

  /** The status a lead gets when none is given: the first one. */
  defaultLead(orgId: string): LeadStatusT | undefined {
    const r = cached(this.db, `SELECT org_id, id, label FROM close_lead_statuses WHERE org_id = ? ORDER BY position, id LIMIT 1`).get(orgId) as Row<LeadStatusT> | undefined;
    return r ? lead(r) : undefined;
  }

  createLead(orgId: string, label: string): LeadStatusT {
    this.checkLabel(orgId, label, null);
    const id = this.ids.base62('stat_');
    cached(this.db, `INSERT INTO close_lead_statuses (org_id, id, label, position)
      VALUES (@org, @id, @label, (SELECT coalesce(max(position), -1) + 1 FROM close_lead_statuses WHERE org_id = @org))`)
      .run({ org: orgId, id, label });
    return { id, label, organization_id: orgId };
  }

  updateLead(orgId: string, id: string, label: string): LeadStatusT {
    this.getLead(orgId, id);
    this.checkLabel(orgId, label, id);
    cached(this.db, `UPDATE close_lead_statuses SET label = ? WHERE org_id = ? AND id = ?`).run(label, orgId, id);
    return { id, label, organization_id: orgId };
  }

  deleteLead(orgId: string, id: string): void {
    this.getLead(orgId, id);
    const used = cached(this.db, `SELECT count(*) FROM close_leads WHERE org_id = ? AND status_id = ?`).pluck().get(orgId, id) as number;
    // Real API: 400 with a message about leads using the status; here: the same, with the count.
    if (used > 0) throw validationError(`This status is used by ${used} lead${used === 1 ? '' : 's'}; move them to another status first.`);
    cached(this.db, `DELETE FROM close_lead_statuses WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  listOpportunity(orgId: string, q: PageParams): ClosePage<OpportunityStatusT> {
    const { rows, has_more } = pageRows<Row<OpportunityStatusT>>(this.db, `${OPP_SELECT} WHERE s.org_id = @org ORDER BY ${OPP_ORDER}`, { org: orgId }, q);
    return { data: rows.map(opp), has_more };
  }

  /** One pipeline's statuses, in order. */
  pipelineStatuses(orgId: string, pipelineId: string): OpportunityStatusT[] {
    return (cached(this.db, `${OPP_SELECT} WHERE s.org_id = ? AND s.pipeline_id = ? ORDER BY s.position, s.id`).all(orgId, pipelineId) as Row<OpportunityStatusT>[]).map(opp);
  }

  findOpportunity(orgId: string, id: string): OpportunityStatusT | undefined {
    const r = cached(this.db, `${OPP_SELECT} WHERE s.org_id = ? AND s.id = ?`).get(orgId, id) as Row<OpportunityStatusT> | undefined;
    return r ? opp(r) : undefined;
  }

  hasPipeline(orgId: string, pipelineId: string): boolean {
    return cached(this.db, `SELECT 1 FROM close_pipelines WHERE org_id = ? AND id = ?`).get(orgId, pipelineId) !== undefined;
  }

  /**
   * The status a new opportunity gets when none is given: the first active one of the first pipeline
   * (of `pipelineId` when given). Real API: "the organization's default (first) status" / "the first
   * available status of that pipeline"; here: the first active one, else the first of any type.
   */
  defaultOpportunity(orgId: string, pipelineId?: string): OpportunityStatusT | undefined {
    const r = pipelineId === undefined
      ? cached(this.db, `${OPP_SELECT} WHERE s.org_id = ? ORDER BY s.type = 'active' DESC, ${OPP_ORDER} LIMIT 1`).get(orgId)
      : cached(this.db, `${OPP_SELECT} WHERE s.org_id = ? AND s.pipeline_id = ? ORDER BY s.type = 'active' DESC, s.position, s.id LIMIT 1`).get(orgId, pipelineId);
    return r ? opp(r as Row<OpportunityStatusT>) : undefined;
  }

  private checkLabel(orgId: string, label: string, self: string | null): void {
    const other = this.findLeadByLabel(orgId, label);
    // Real API: labels are unique per organization (case-insensitively, as far as we know); here: enforced.
    if (other && other.id !== self) throw validationError('A lead status with this label already exists.', { label: 'A lead status with this label already exists.' });
  }
}
