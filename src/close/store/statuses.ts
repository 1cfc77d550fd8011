import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { LeadStatusT, OpportunityStatusInputT, OpportunityStatusT, OpportunityStatusUpdateT } from '../../../schemas/close/statuses.js';
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

  /**
   * The id of the opportunity status a label names (`status` on an opportunity write, as Close's import
   * scripts send `status_label` back), case-insensitive like a lead's `status`. `only`: that pipeline's
   * statuses alone (a create with `pipeline_id`); `prefer`: that pipeline's first (an update, the opportunity's
   * own pipeline). Real API: how a label found in several pipelines resolves is not documented; here: a
   * 400 naming `status` (send `status_id`, or `pipeline_id` on a create). Unknown label → 400 naming `status`.
   */
  opportunityStatusIdByLabel(orgId: string, label: string, pipeline: { only?: string; prefer?: string }): string {
    const rows = (cached(this.db, `${OPP_SELECT} WHERE s.org_id = ? AND lower(s.label) = lower(?) ORDER BY ${OPP_ORDER}`)
      .all(orgId, label) as Row<OpportunityStatusT>[]).filter((r) => pipeline.only === undefined || r.pipeline_id === pipeline.only);
    const preferred = rows.filter((r) => r.pipeline_id === pipeline.prefer);
    const [one, ...more] = preferred.length > 0 ? preferred : rows;
    const where = pipeline.only === undefined ? '' : ` in pipeline ${pipeline.only}`;
    if (!one) throw validationError(`Opportunity status "${label}" not found${where}.`, { status: `Opportunity status not found${where}.` });
    if (more.length > 0) {
      throw validationError(`Opportunity status "${label}" is in several pipelines; send status_id (or pipeline_id).`,
        { status: 'Several opportunity statuses have this label; send status_id (or pipeline_id).' });
    }
    return one.id;
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

  getOpportunity(orgId: string, id: string): OpportunityStatusT {
    const s = this.findOpportunity(orgId, id);
    if (!s) throw notFound(`Opportunity status ${id} not found.`);
    return s;
  }

  /**
   * A new status, last in its pipeline. Real API: "must belong to a pipeline (specified by
   * `pipeline_id`)"; what an omitted pipeline_id does is not documented; here: required, 400 naming it
   * (as does a pipeline of another organization or none).
   */
  createOpportunity(orgId: string, input: OpportunityStatusInputT): OpportunityStatusT {
    if (!this.hasPipeline(orgId, input.pipeline_id)) {
      throw validationError(`Pipeline ${input.pipeline_id} not found.`, { pipeline_id: 'Pipeline not found.' });
    }
    this.checkOppLabel(orgId, input.pipeline_id, input.label, null);
    const id = this.ids.base62('stat_');
    // Positions are organization-wide (PipelineStore.place moves statuses after every existing one), so max + 1 is last in its pipeline.
    cached(this.db, `INSERT INTO close_opportunity_statuses (org_id, id, label, type, pipeline_id, position)
      VALUES (@org, @id, @label, @type, @pipeline, (SELECT coalesce(max(position), -1) + 1 FROM close_opportunity_statuses WHERE org_id = @org))`)
      .run({ org: orgId, id, label: input.label, type: input.type, pipeline: input.pipeline_id });
    return this.getOpportunity(orgId, id);
  }

  /**
   * Renames. Real API: "Rename an opportunity status" (whether `type` may change is not documented);
   * here: `type` and `pipeline_id` are accepted only unchanged (a client sending the object back), another
   * value → 400 naming the field: changing a type would silently win or lose its opportunities, and a
   * status moves between pipelines by PUT /pipeline/{id}/.
   */
  updateOpportunity(orgId: string, id: string, input: OpportunityStatusUpdateT): OpportunityStatusT {
    const current = this.getOpportunity(orgId, id);
    if (input.type !== undefined && input.type !== current.type) {
      throw validationError('The type of an opportunity status cannot be changed.', { type: 'The type of an opportunity status cannot be changed.' });
    }
    if (input.pipeline_id !== undefined && input.pipeline_id !== current.pipeline_id) {
      throw validationError('Move a status to another pipeline with PUT /pipeline/{id}/.', { pipeline_id: 'Move a status to another pipeline with PUT /pipeline/{id}/.' });
    }
    this.checkOppLabel(orgId, current.pipeline_id, input.label, id);
    cached(this.db, `UPDATE close_opportunity_statuses SET label = ? WHERE org_id = ? AND id = ?`).run(input.label, orgId, id);
    return { ...current, label: input.label };
  }

  /** Real API: "You should make sure no opportunities are assigned this status, first."; here: 400 otherwise, with the count. */
  deleteOpportunity(orgId: string, id: string): void {
    this.getOpportunity(orgId, id);
    const used = cached(this.db, `SELECT count(*) FROM close_opportunities WHERE org_id = ? AND status_id = ?`).pluck().get(orgId, id) as number;
    if (used > 0) throw validationError(`This status is used by ${used} opportunit${used === 1 ? 'y' : 'ies'}; move them to another status first.`);
    cached(this.db, `DELETE FROM close_opportunity_statuses WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  /** Real API: not documented; here: labels are unique within a pipeline, case-insensitively (two pipelines may share one). */
  private checkOppLabel(orgId: string, pipelineId: string, label: string, self: string | null): void {
    const other = cached(this.db, `SELECT id FROM close_opportunity_statuses WHERE org_id = ? AND pipeline_id = ? AND lower(label) = lower(?) AND id IS NOT ?`)
      .pluck().get(orgId, pipelineId, label, self) as string | undefined;
    if (other) throw validationError('An opportunity status with this label already exists in this pipeline.', { label: 'An opportunity status with this label already exists in this pipeline.' });
  }

  private checkLabel(orgId: string, label: string, self: string | null): void {
    const other = this.findLeadByLabel(orgId, label);
    // Real API: labels are unique per organization (case-insensitively, as far as we know); here: enforced.
    if (other && other.id !== self) throw validationError('A lead status with this label already exists.', { label: 'A lead status with this label already exists.' });
  }
}
