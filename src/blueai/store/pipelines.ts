import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { conflict, notFound, validationError } from '../../core/errors.js';
import type { PipelineT, PipelineCreateT, PipelinePatchT } from '../../../schemas/blueai/pipelines.js';

type Stage = PipelineT['stages'][number];
type PipelineRow = Omit<PipelineT, 'stages' | 'is_default'> & { is_default: number };

export class PipelineStore {
  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks) {}

  /** Every pipeline of the organization, by sort_order then id, each with its stages in order. */
  list(orgId: string): PipelineT[] {
    const rows = cached(this.db, `SELECT * FROM blueai_pipelines WHERE org_id = ? ORDER BY sort_order, id`).all(orgId) as PipelineRow[];
    const stages = new Map<string, Stage[]>();
    const all = cached(this.db, `SELECT pipeline_id, slug, name FROM blueai_stages WHERE org_id = ? ORDER BY pipeline_id, position`)
      .all(orgId) as (Stage & { pipeline_id: string })[];
    for (const { pipeline_id, slug, name } of all) {
      let list = stages.get(pipeline_id);
      if (!list) stages.set(pipeline_id, (list = []));
      list.push({ slug, name });
    }
    return rows.map((row) => toPipeline(row, stages.get(row.id) ?? []));
  }

  find(orgId: string, id: string): PipelineT | undefined {
    const row = cached(this.db, `SELECT * FROM blueai_pipelines WHERE org_id = ? AND id = ?`).get(orgId, id) as PipelineRow | undefined;
    if (!row) return undefined;
    const stages = cached(this.db, `SELECT slug, name FROM blueai_stages WHERE org_id = ? AND pipeline_id = ? ORDER BY position`)
      .all(orgId, id) as Stage[];
    return toPipeline(row, stages);
  }

  get(orgId: string, id: string): PipelineT {
    const pipeline = this.find(orgId, id);
    if (!pipeline) throw notFound(`Pipeline ${id} not found`);
    return pipeline;
  }

  create(orgId: string, input: PipelineCreateT): PipelineT {
    checkUniqueSlugs(input.stages);
    const now = this.clock.iso(orgId);
    // An organization without any default (only possible with a seed that has no pipelines) gets
    // its first pipeline as the default, so deals always have one to fall back to.
    const hasDefault = cached(this.db, `SELECT 1 FROM blueai_pipelines WHERE org_id = ? AND is_default = 1`).get(orgId) !== undefined;
    const pipeline: PipelineT = {
      id: this.ids.hex('pipe_'),
      name: input.name,
      is_default: input.is_default === true || !hasDefault,
      // Real API: the default sort_order is not documented; here: after the last pipeline.
      sort_order: input.sort_order ?? this.nextSortOrder(orgId),
      stages: input.stages.map(({ slug, name }) => ({ slug, name })),
      created_at: now,
      updated_at: now,
    };
    this.db.transaction(() => {
      if (pipeline.is_default) this.clearDefault(orgId, now);
      cached(
        this.db,
        `INSERT INTO blueai_pipelines (org_id, id, name, is_default, sort_order, created_at, updated_at)
         VALUES (@org_id, @id, @name, @is_default, @sort_order, @created_at, @updated_at)`,
      ).run(toRow(orgId, pipeline));
      this.insertStages(orgId, pipeline.id, pipeline.stages);
    })();
    return pipeline;
  }

  update(orgId: string, id: string, patch: PipelinePatchT): PipelineT {
    const current = this.get(orgId, id);
    if (patch.stages) checkUniqueSlugs(patch.stages);
    if (patch.is_default === false && current.is_default) {
      // Real API: not documented; here: an organization always has exactly one default pipeline.
      throw validationError(`Pipeline ${id} is the default pipeline; make another pipeline the default instead`, {
        is_default: 'cannot unset the only default pipeline; set is_default true on another pipeline',
      });
    }
    if (patch.stages) this.checkRemovedStagesUnused(orgId, current, patch.stages);
    const next: PipelineT = {
      ...current,
      name: patch.name ?? current.name,
      sort_order: patch.sort_order ?? current.sort_order,
      is_default: patch.is_default ?? current.is_default,
      stages: patch.stages ? patch.stages.map(({ slug, name }) => ({ slug, name })) : current.stages,
      updated_at: this.clock.iso(orgId),
    };
    this.db.transaction(() => {
      if (next.is_default && !current.is_default) this.clearDefault(orgId, next.updated_at);
      cached(
        this.db,
        `UPDATE blueai_pipelines SET name = @name, is_default = @is_default, sort_order = @sort_order, updated_at = @updated_at
         WHERE org_id = @org_id AND id = @id`,
      ).run(toRow(orgId, next));
      if (patch.stages) {
        cached(this.db, `DELETE FROM blueai_stages WHERE org_id = ? AND pipeline_id = ?`).run(orgId, id);
        this.insertStages(orgId, id, next.stages);
      }
    })();
    return next;
  }

  delete(orgId: string, id: string): void {
    const current = this.get(orgId, id);
    // Real API: not documented; here: the default pipeline and a pipeline with deals cannot be deleted.
    if (current.is_default) {
      throw conflict(`Pipeline ${id} is the default pipeline; make another pipeline the default before deleting it`);
    }
    const deals = this.dealCount(orgId, id);
    if (deals > 0) {
      throw conflict(`Pipeline ${id} still has ${deals} deals; move or delete them first`, { deal_count: deals });
    }
    this.db.transaction(() => {
      cached(this.db, `DELETE FROM blueai_stages WHERE org_id = ? AND pipeline_id = ?`).run(orgId, id);
      cached(this.db, `DELETE FROM blueai_pipelines WHERE org_id = ? AND id = ?`).run(orgId, id);
    })();
  }

  // Real API: not documented; here: replacing stages may not drop a slug that deals of this pipeline
  // are still in (409 naming each slug and its deal count), so a deal's stage always exists.
  private checkRemovedStagesUnused(orgId: string, current: PipelineT, stages: Stage[]): void {
    const kept = new Set(stages.map((s) => s.slug));
    // A Map: the slug pattern allows `__proto__`, which a plain object would swallow (and the stage go).
    const inUse = new Map<string, number>();
    for (const { slug } of current.stages) {
      if (kept.has(slug)) continue;
      const n = cached(this.db, `SELECT count(*) FROM blueai_deals WHERE org_id = ? AND pipeline_id = ? AND stage = ?`)
        .pluck()
        .get(orgId, current.id, slug) as number;
      if (n > 0) inUse.set(slug, n);
    }
    if (inUse.size > 0) {
      const list = [...inUse].map(([slug, n]) => `stage "${slug}" is still used by ${n} deal${n === 1 ? '' : 's'}`).join('; ');
      throw conflict(`Cannot remove stages of pipeline ${current.id}: ${list}; move those deals first`, { stages_in_use: Object.fromEntries(inUse) });
    }
  }

  private dealCount(orgId: string, pipelineId: string): number {
    return cached(this.db, `SELECT count(*) FROM blueai_deals WHERE org_id = ? AND pipeline_id = ?`).pluck().get(orgId, pipelineId) as number;
  }

  private nextSortOrder(orgId: string): number {
    return cached(this.db, `SELECT coalesce(max(sort_order) + 1, 0) FROM blueai_pipelines WHERE org_id = ?`).pluck().get(orgId) as number;
  }

  /** The previous default changes visibly, so its updated_at moves too. */
  private clearDefault(orgId: string, now: string): void {
    cached(this.db, `UPDATE blueai_pipelines SET is_default = 0, updated_at = ? WHERE org_id = ? AND is_default = 1`).run(now, orgId);
  }

  private insertStages(orgId: string, pipelineId: string, stages: Stage[]): void {
    const insert = cached(
      this.db,
      `INSERT INTO blueai_stages (org_id, pipeline_id, slug, name, position) VALUES (?, ?, ?, ?, ?)`,
    );
    stages.forEach((s, position) => insert.run(orgId, pipelineId, s.slug, s.name, position));
  }
}

function checkUniqueSlugs(stages: Stage[]): void {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const { slug } of stages) (seen.has(slug) ? dupes : seen).add(slug);
  if (dupes.size > 0) {
    const list = [...dupes].join(', ');
    throw validationError(`Stage slugs must be unique within a pipeline; repeated: ${list}`, { stages: `repeated slug: ${list}` });
  }
}

function toPipeline(row: PipelineRow, stages: Stage[]): PipelineT {
  const { org_id: _org, ...rest } = row as PipelineRow & { org_id?: string };
  return { ...rest, is_default: row.is_default === 1, stages };
}

function toRow(orgId: string, p: PipelineT) {
  return { org_id: orgId, id: p.id, name: p.name, is_default: p.is_default ? 1 : 0, sort_order: p.sort_order, created_at: p.created_at, updated_at: p.updated_at };
}
