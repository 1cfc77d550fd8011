import type { Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { CrashHook } from '../../core/faults.js';
import { validationError } from '../../core/errors.js';
import type { BulkDealDeleteT, BulkDealUpdateT } from '../../../schemas/blueai/bulk.js';
import type { DealStore } from './deals.js';
import { Refs } from './refs.js';
import { importContacts } from './import.js';

export interface BulkResultT {
  processed: number;
  errors: string[];
}

/**
 * The bulk endpoints. Request-level problems throw (400, nothing changed); item problems become one
 * error string each, naming the item. Applied items are committed in one transaction.
 */
export class BulkStore {
  private readonly refs: Refs;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks, private readonly deals: DealStore, private readonly crash?: CrashHook) {
    this.refs = new Refs(db);
  }

  updateDeals(orgId: string, body: BulkDealUpdateT): BulkResultT {
    const { stage, assigned_member_id: member } = body;
    if (stage === undefined && member === undefined) {
      throw validationError('Specify stage or assigned_member_id (or both)', {
        stage: 'stage or assigned_member_id is required',
      });
    }
    if (stage !== undefined && this.refs.pipelinesWithStage(orgId, stage).length === 0) {
      throw validationError(`stage "${stage}" is not a stage of any pipeline`, { stage: 'is not a stage of any pipeline' });
    }
    if (member != null) this.refs.require('assigned_member_id', 'blueai_members', orgId, member);

    const errors: string[] = [];
    let processed = 0;
    this.db.transaction(() => {
      const ids = unique(body.ids);
      // One read for all the deals and one write for an assignee-only update: a statement per id made
      // a 100-id call cost ~10 ms.
      const found = this.deals.findMany(orgId, ids);
      const stages = new Map<string, string[]>();
      const stagesOf = (pipelineId: string) => {
        let list = stages.get(pipelineId);
        if (!list) stages.set(pipelineId, (list = this.refs.stagesOf(orgId, pipelineId)));
        return list;
      };
      const assigned: string[] = [];
      for (const id of ids) {
        const deal = found.get(id);
        if (!deal) {
          errors.push(`${id}: not found`);
          continue;
        }
        if (stage !== undefined && !stagesOf(deal.pipeline_id).includes(stage)) {
          errors.push(`${id}: stage "${stage}" is not a stage of its pipeline ${deal.pipeline_id}`);
          continue;
        }
        if (stage !== undefined) {
          const next = member !== undefined ? { ...deal, assigned_member_id: member, updated_at: this.clock.iso(orgId) } : deal;
          this.deals.applyStage(orgId, next, stage);
        } else {
          assigned.push(id);
        }
        processed++;
      }
      if (assigned.length > 0) this.deals.assignMany(orgId, assigned, member ?? null, this.clock.iso(orgId));
    })();
    return { processed, errors };
  }

  deleteDeals(orgId: string, body: BulkDealDeleteT): BulkResultT {
    const errors: string[] = [];
    let processed = 0;
    this.db.transaction(() => {
      for (const id of unique(body.ids)) {
        if (this.deals.deleteIn(orgId, id)) processed++;
        else errors.push(`${id}: not found`);
      }
    })();
    return { processed, errors };
  }

  importContacts(orgId: string, file: Buffer): BulkResultT {
    return importContacts(this.db, this.ids, this.clock, this.refs, orgId, file, this.crash);
  }
}

/** Repeated ids count once, in first-seen order. */
function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
