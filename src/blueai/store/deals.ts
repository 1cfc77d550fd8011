import { cached, pick, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { DealT, DealCreateT, DealPatchT, DealListQueryT } from '../../../schemas/blueai/deals.js';
import { listRows, publicRow, type Page } from './list.js';
import { Refs } from './refs.js';
import { deleteDependents } from './dependents.js';
import type { ActivityStore } from './activities.js';
import type { CustomFieldStore } from './custom-fields.js';

const WON = 'closed_won';
const LOST = 'closed_lost';

export class DealStore {
  private readonly refs: Refs;

  constructor(
    private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks,
    private readonly activities: ActivityStore, private readonly fields: CustomFieldStore,
  ) {
    this.refs = new Refs(db);
  }

  list(orgId: string, q: DealListQueryT): Page<DealT> {
    return listRows(
      this.db,
      {
        table: 'blueai_deals',
        orgId,
        filters: { stage: q.stage },
        tagged: { resourceType: 'deal', tagId: q.tag_id },
        searchColumns: ['name'],
        sortColumns: { created_at: 'created_at', updated_at: 'updated_at', name: 'name', amount: 'amount' },
      },
      q,
      (row) => publicRow<DealT>(row),
    );
  }

  find(orgId: string, id: string): DealT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_deals WHERE org_id = ? AND id = ?`).get(orgId, id) as Record<string, unknown> | undefined;
    return row ? publicRow<DealT>(row) : undefined;
  }

  /** The deals among `ids` that exist, by id (one query). */
  findMany(orgId: string, ids: string[]): Map<string, DealT> {
    const rows = cached(this.db, `SELECT * FROM blueai_deals WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
      .all(orgId, JSON.stringify(ids)) as Record<string, unknown>[];
    return new Map(rows.map((row) => [row.id as string, publicRow<DealT>(row)]));
  }

  /** Sets the assignee of existing deals inside the caller's transaction (one statement). */
  assignMany(orgId: string, ids: string[], memberId: string | null, updatedAt: string): void {
    cached(this.db, `UPDATE blueai_deals SET assigned_member_id = ?, updated_at = ? WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))`)
      .run(memberId, updatedAt, orgId, JSON.stringify(ids));
  }

  get(orgId: string, id: string): DealT {
    const deal = this.find(orgId, id);
    if (!deal) throw notFound(`Deal ${id} not found`);
    return deal;
  }

  create(orgId: string, input: DealCreateT): DealT {
    const pipelineId = input.pipeline_id ?? this.refs.defaultPipelineId(orgId);
    if (!pipelineId || !this.refs.exists('blueai_pipelines', orgId, pipelineId)) {
      throw validationError(`pipeline_id ${input.pipeline_id ?? '(default)'} does not exist`, { pipeline_id: 'does not exist' });
    }
    const stages = this.refs.stagesOf(orgId, pipelineId);
    const stage = input.stage ?? stages[0]!;
    this.checkRefs(orgId, input);
    this.checkStage(stages, stage, pipelineId);
    const customFields = this.fields.values(orgId, 'deal', input.custom_fields, null);
    const now = this.clock.iso(orgId);
    const deal: DealT = {
      id: this.ids.hex('deal_'),
      name: input.name,
      amount: input.amount ?? null,
      stage,
      company_id: input.company_id ?? null,
      contact_id: input.contact_id ?? null,
      assigned_member_id: input.assigned_member_id ?? null,
      expected_close_date: input.expected_close_date ?? null,
      probability: input.probability ?? null,
      lost_reason: input.lost_reason ?? null,
      won_date: null,
      currency: input.currency ?? 'JPY',
      pipeline_id: pipelineId,
      custom_fields: customFields,
      created_at: now,
      updated_at: now,
    };
    Object.assign(deal, this.stageEffects(orgId, { ...deal, stage: '' }, stage, input.lost_reason));
    this.db.transaction(() => this.insert(orgId, deal))();
    return deal;
  }

  update(orgId: string, id: string, patch: DealPatchT): DealT {
    const current = this.get(orgId, id);
    const pipelineId = patch.pipeline_id ?? current.pipeline_id;
    if (patch.pipeline_id !== undefined && !this.refs.exists('blueai_pipelines', orgId, pipelineId)) {
      throw validationError(`pipeline_id ${pipelineId} does not exist`, { pipeline_id: 'does not exist' });
    }
    this.checkRefs(orgId, patch);
    const stage = patch.stage ?? current.stage;
    this.checkStage(this.refs.stagesOf(orgId, pipelineId), stage, pipelineId);
    const customFields = this.fields.values(orgId, 'deal', patch.custom_fields, current.custom_fields);
    const next: DealT = {
      ...current, ...pick(patch, WRITABLE), pipeline_id: pipelineId, stage, custom_fields: customFields, updated_at: this.clock.iso(orgId),
    };
    this.db.transaction(() => {
      if (stage !== current.stage) {
        Object.assign(next, this.stageEffects(orgId, current, stage, patch.lost_reason));
        this.recordStageChange(orgId, current, stage);
      }
      this.save(orgId, next);
    })();
    return next;
  }

  /** `POST /deals/{id}/stage`: moves a deal within its pipeline. */
  changeStage(orgId: string, id: string, stage: string, lostReason?: string | null): DealT {
    const current = this.get(orgId, id);
    this.checkStage(this.refs.stagesOf(orgId, current.pipeline_id), stage, current.pipeline_id);
    let next = current;
    this.db.transaction(() => {
      next = this.applyStage(orgId, current, stage, lostReason);
    })();
    return next;
  }

  /** Applies a stage inside the caller's transaction (also used by bulk update). */
  applyStage(orgId: string, current: DealT, stage: string, lostReason?: string | null): DealT {
    const next: DealT = { ...current, ...this.stageEffects(orgId, current, stage, lostReason), stage, updated_at: this.clock.iso(orgId) };
    if (stage !== current.stage) this.recordStageChange(orgId, current, stage);
    this.save(orgId, next);
    return next;
  }

  /** Deletes a deal, its activities and its tag assignments inside the caller's transaction; false when it did not exist. */
  deleteIn(orgId: string, id: string): boolean {
    const gone = cached(this.db, `DELETE FROM blueai_deals WHERE org_id = ? AND id = ?`).run(orgId, id).changes > 0;
    if (gone) deleteDependents(this.db, orgId, 'deal', id);
    return gone;
  }

  delete(orgId: string, id: string): void {
    const gone = this.db.transaction(() => this.deleteIn(orgId, id))();
    if (!gone) throw notFound(`Deal ${id} not found`);
  }

  /** Real API: stage side effects are not documented; here: closed_won sets won_date (today) and
   * probability 100, closed_lost sets probability 0 and keeps lost_reason, leaving either clears them. */
  private stageEffects(orgId: string, current: DealT, stage: string, lostReason?: string | null): Partial<DealT> {
    if (stage === current.stage) return stage === LOST && lostReason !== undefined ? { lost_reason: lostReason } : {};
    if (stage === WON) return { won_date: this.clock.iso(orgId).slice(0, 10), probability: 100, lost_reason: null };
    if (stage === LOST) return { won_date: null, probability: 0, lost_reason: lostReason ?? current.lost_reason };
    return { won_date: null, lost_reason: null };
  }

  private recordStageChange(orgId: string, deal: DealT, to: string): void {
    this.activities.recordStageChange(orgId, deal.id, deal.stage, to);
  }

  private checkStage(stages: string[], stage: string, pipelineId: string): void {
    if (!stages.includes(stage)) {
      throw validationError(`stage "${stage}" is not a stage of pipeline ${pipelineId}`, {
        stage: `must be one of ${stages.join(', ')}`,
      });
    }
  }

  private checkRefs(orgId: string, input: Partial<DealCreateT>): void {
    this.refs.require('company_id', 'blueai_companies', orgId, input.company_id);
    this.refs.require('contact_id', 'blueai_contacts', orgId, input.contact_id);
    this.refs.require('assigned_member_id', 'blueai_members', orgId, input.assigned_member_id);
  }

  private insert(orgId: string, d: DealT): void {
    cached(
      this.db,
      `INSERT INTO blueai_deals (org_id, id, name, amount, stage, pipeline_id, company_id, contact_id, assigned_member_id,
         expected_close_date, probability, lost_reason, won_date, currency, custom_fields, created_at, updated_at)
       VALUES (@org_id, @id, @name, @amount, @stage, @pipeline_id, @company_id, @contact_id, @assigned_member_id,
         @expected_close_date, @probability, @lost_reason, @won_date, @currency, @custom_fields, @created_at, @updated_at)`,
    ).run({ ...d, custom_fields: JSON.stringify(d.custom_fields), org_id: orgId });
  }

  save(orgId: string, d: DealT): void {
    cached(
      this.db,
      `UPDATE blueai_deals SET name = @name, amount = @amount, stage = @stage, pipeline_id = @pipeline_id,
         company_id = @company_id, contact_id = @contact_id, assigned_member_id = @assigned_member_id,
         expected_close_date = @expected_close_date, probability = @probability, lost_reason = @lost_reason,
         won_date = @won_date, currency = @currency, custom_fields = @custom_fields, updated_at = @updated_at
       WHERE org_id = @org_id AND id = @id`,
    ).run({ ...d, custom_fields: JSON.stringify(d.custom_fields), org_id: orgId });
  }
}

const WRITABLE = ['name', 'amount', 'company_id', 'contact_id', 'assigned_member_id', 'expected_close_date', 'probability', 'lost_reason', 'currency'] as const;

