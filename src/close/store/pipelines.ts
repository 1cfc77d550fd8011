import { cached, type Db } from '../../core/db.js';
import type { Ids } from '../../core/ids.js';
import { notFound, validationError } from '../../core/errors.js';
import type { PipelineCreateT, PipelineT, PipelineUpdateT } from '../../../schemas/close/pipelines.js';
import { pageRows, type ClosePage, type PageParams } from './common.js';
import type { StatusStore } from './statuses.js';

interface PipelineRow { org_id: string; id: string; name: string }

/** Pipelines and which opportunity statuses each holds, in order; statuses themselves stay in StatusStore. */
export class PipelineStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly statuses: StatusStore) {}

  list(orgId: string, q: PageParams): ClosePage<PipelineT> {
    const { rows, has_more } = pageRows<PipelineRow>(this.db,
      `SELECT org_id, id, name FROM close_pipelines WHERE org_id = @org ORDER BY position, id`, { org: orgId }, q);
    return { data: rows.map((r) => this.render(r)), has_more };
  }

  /** Every pipeline, for GET /organization/{id}/. */
  all(orgId: string): PipelineT[] {
    return this.list(orgId, { _skip: 0, _limit: 1_000_000 }).data;
  }

  get(orgId: string, id: string): PipelineT {
    const r = cached(this.db, `SELECT org_id, id, name FROM close_pipelines WHERE org_id = ? AND id = ?`).get(orgId, id) as PipelineRow | undefined;
    if (!r) throw notFound(`Pipeline ${id} not found.`);
    return this.render(r);
  }

  create(orgId: string, input: PipelineCreateT): PipelineT {
    const name = this.checkName(input.name);
    const id = this.ids.base62('pipe_');
    this.db.transaction(() => {
      const moves = this.checkStatuses(orgId, input.statuses);
      cached(this.db, `INSERT INTO close_pipelines (org_id, id, name, position)
        VALUES (@org, @id, @name, (SELECT coalesce(max(position), -1) + 1 FROM close_pipelines WHERE org_id = @org))`).run({ org: orgId, id, name });
      this.place(orgId, id, moves);
    })();
    return this.get(orgId, id);
  }

  /**
   * Rename, reorder and move statuses in. Real API: the listed statuses are this pipeline's in their new
   * order, a status of another pipeline moving in; whether ones left out stay is not documented; here:
   * they stay, after the listed ones, in their previous order.
   */
  update(orgId: string, id: string, input: PipelineUpdateT): PipelineT {
    this.get(orgId, id);
    const name = input.name === undefined ? undefined : this.checkName(input.name);
    const moves = this.checkStatuses(orgId, input.statuses);
    this.db.transaction(() => {
      if (name !== undefined) cached(this.db, `UPDATE close_pipelines SET name = ? WHERE org_id = ? AND id = ?`).run(name, orgId, id);
      if (input.statuses) {
        const listed = new Set(moves);
        const rest = this.statuses.pipelineStatuses(orgId, id).map((s) => s.id).filter((s) => !listed.has(s));
        this.place(orgId, id, [...moves, ...rest]);
      }
    })();
    return this.get(orgId, id);
  }

  /** Real API: "only allowed if the Pipeline doesn't contain any Opportunity Statuses"; here: the same, 400 otherwise. */
  delete(orgId: string, id: string): void {
    this.get(orgId, id);
    const n = this.statuses.pipelineStatuses(orgId, id).length;
    if (n > 0) throw validationError(`This pipeline has ${n} opportunity status${n === 1 ? '' : 'es'}; delete them or move them to another pipeline first.`);
    cached(this.db, `DELETE FROM close_pipelines WHERE org_id = ? AND id = ?`).run(orgId, id);
  }

  private checkName(name: string): string {
    if (!name.trim()) throw validationError('name: This field may not be blank.', { name: 'This field may not be blank.' });
    return name;
  }

  /** The ids listed, each an opportunity status of this organization, none twice; 400 naming `statuses` otherwise. */
  private checkStatuses(orgId: string, refs: { id: string }[] | undefined): string[] {
    const ids = (refs ?? []).map((r) => r.id);
    const unknown = ids.filter((s) => !this.statuses.findOpportunity(orgId, s));
    if (unknown.length) throw validationError(`Opportunity status ${unknown.join(', ')} not found.`, { statuses: `Unknown opportunity status: ${unknown.join(', ')}.` });
    const twice = ids.filter((s, i) => ids.indexOf(s) !== i);
    if (twice.length) throw validationError(`Opportunity status ${twice.join(', ')} listed twice.`, { statuses: `Listed more than once: ${twice.join(', ')}.` });
    return ids;
  }

  /** Puts the statuses into the pipeline in this order (positions after every existing one, so no renumbering elsewhere). */
  private place(orgId: string, pipelineId: string, statusIds: string[]): void {
    const base = (cached(this.db, `SELECT coalesce(max(position), -1) + 1 FROM close_opportunity_statuses WHERE org_id = ?`).pluck().get(orgId) as number);
    const move = cached(this.db, `UPDATE close_opportunity_statuses SET pipeline_id = ?, position = ? WHERE org_id = ? AND id = ?`);
    statusIds.forEach((s, i) => move.run(pipelineId, base + i, orgId, s));
  }

  private render(r: PipelineRow): PipelineT {
    return { id: r.id, name: r.name, organization_id: r.org_id, statuses: this.statuses.pipelineStatuses(r.org_id, r.id) };
  }
}
