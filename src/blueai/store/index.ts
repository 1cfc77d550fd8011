import type { Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { CrashHook } from '../../core/faults.js';
import { DealStore } from './deals.js';
import { BulkStore } from './bulk.js';
import { ExportStore } from './export.js';
import { ContactStore } from './contacts.js';
import { CompanyStore } from './companies.js';
import { PipelineStore } from './pipelines.js';
import { MemberStore } from './members.js';

/** BlueAI state, apart from the HTTP layer: routes call these, nothing else writes BlueAI tables. */
export class BlueAIStore {
  readonly deals: DealStore;
  readonly bulk: BulkStore;
  readonly exports: ExportStore;
  readonly contacts: ContactStore;
  readonly companies: CompanyStore;
  readonly pipelines: PipelineStore;
  readonly members: MemberStore;

  constructor(db: Db, clock: Clocks, crash?: CrashHook) {
    this.deals = new DealStore(db, clock);
    this.bulk = new BulkStore(db, clock, this.deals, crash);
    this.exports = new ExportStore(db);
    this.contacts = new ContactStore(db, clock);
    this.companies = new CompanyStore(db, clock);
    this.pipelines = new PipelineStore(db, clock);
    this.members = new MemberStore(db);
  }
}
