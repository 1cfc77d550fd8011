import type { Db } from '../../core/db.js';
import type { Clock } from '../../core/clock.js';
import { DealStore } from './deals.js';
import { BulkStore } from './bulk.js';
import { ExportStore } from './export.js';

/** BlueAI state, apart from the HTTP layer: routes call these, nothing else writes BlueAI tables. */
export class BlueAIStore {
  readonly deals: DealStore;
  readonly bulk: BulkStore;
  readonly exports: ExportStore;

  constructor(db: Db, clock: Clock) {
    this.deals = new DealStore(db, clock);
    this.bulk = new BulkStore(db, clock, this.deals);
    this.exports = new ExportStore(db);
  }
}
