import type { Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import type { CrashHook } from '../../core/faults.js';
import { DealStore } from './deals.js';
import { BulkStore } from './bulk.js';
import { ExportStore } from './export.js';
import { ContactStore } from './contacts.js';
import { CompanyStore } from './companies.js';
import { PipelineStore } from './pipelines.js';
import { MemberStore } from './members.js';
import { ActivityStore } from './activities.js';
import { TagStore } from './tags.js';
import { CustomFieldStore } from './custom-fields.js';
import { ReportStore } from './reports.js';
import { SessionStore } from './sessions.js';

/** BlueAI state, apart from the HTTP layer: routes call these, nothing else writes BlueAI tables. */
export class BlueAIStore {
  readonly deals: DealStore;
  readonly bulk: BulkStore;
  readonly exports: ExportStore;
  readonly contacts: ContactStore;
  readonly companies: CompanyStore;
  readonly pipelines: PipelineStore;
  readonly members: MemberStore;
  readonly activities: ActivityStore;
  readonly tags: TagStore;
  readonly customFields: CustomFieldStore;
  readonly reports: ReportStore;
  readonly sessions: SessionStore;

  constructor(db: Db, ids: Ids, clock: Clocks, crash?: CrashHook) {
    this.activities = new ActivityStore(db, ids, clock);
    this.tags = new TagStore(db, ids, clock);
    this.customFields = new CustomFieldStore(db, ids, clock);
    this.reports = new ReportStore(db);
    this.deals = new DealStore(db, ids, clock, this.activities, this.customFields);
    this.bulk = new BulkStore(db, ids, clock, this.deals, crash);
    this.exports = new ExportStore(db);
    this.contacts = new ContactStore(db, ids, clock, this.customFields);
    this.companies = new CompanyStore(db, ids, clock, this.customFields);
    this.pipelines = new PipelineStore(db, ids, clock);
    this.members = new MemberStore(db, ids, clock);
    this.sessions = new SessionStore(db, ids, clock);
  }
}
