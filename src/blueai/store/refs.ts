import { cached, exists, type Db } from '../../core/db.js';
import { validationError } from '../../core/errors.js';

// Reference checks shared by the deal, contact and bulk stores: one place decides what "exists" means.

export class Refs {
  constructor(private readonly db: Db) {}

  exists(table: 'blueai_companies' | 'blueai_contacts' | 'blueai_members' | 'blueai_deals' | 'blueai_pipelines' | 'blueai_tags', orgId: string, id: string): boolean {
    return exists(this.db, table, orgId, id);
  }

  /** Throws a 400 naming `field` when a non-null id does not exist in the organization. */
  require(field: string, table: Parameters<Refs['exists']>[0], orgId: string, id: string | null | undefined): void {
    if (id != null && !this.exists(table, orgId, id)) {
      throw validationError(`${field} ${id} does not exist`, { [field]: `${id} does not exist` });
    }
  }

  defaultPipelineId(orgId: string): string | undefined {
    return cached(this.db, `SELECT id FROM blueai_pipelines WHERE org_id = ? ORDER BY is_default DESC, sort_order, id LIMIT 1`)
      .pluck()
      .get(orgId) as string | undefined;
  }

  stagesOf(orgId: string, pipelineId: string): string[] {
    return cached(this.db, `SELECT slug FROM blueai_stages WHERE org_id = ? AND pipeline_id = ? ORDER BY position`)
      .pluck()
      .all(orgId, pipelineId) as string[];
  }

  /** Pipelines of the organization that have a stage with this slug. */
  pipelinesWithStage(orgId: string, slug: string): string[] {
    return cached(this.db, `SELECT pipeline_id FROM blueai_stages WHERE org_id = ? AND slug = ?`).pluck().all(orgId, slug) as string[];
  }
}
