import type { Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { CustomValues } from './values.js';
import { CustomFieldReader } from './custom-fields.js';
import { UserStore } from './users.js';
import { Stamper } from './common.js';
import { StatusStore } from './statuses.js';
import { PipelineStore } from './pipelines.js';
import { ContactStore } from './contacts.js';
import { OpportunityStore } from './opportunities.js';
import { LeadStore } from './leads.js';
import { ActivityStore } from './activities.js';
import { CustomObjectStore } from './custom-objects.js';
import { CustomFieldStore } from './custom-field-store.js';
import { BulkEditStore } from './bulk-edits.js';
import { TaskStore } from './tasks.js';
import { EmailStore } from './emails.js';

/** Close state, apart from the HTTP layer: routes call these, nothing else writes Close tables. */
export class CloseStore {
  readonly values: CustomValues;
  readonly fields: CustomFieldReader;
  readonly users: UserStore;
  // Supporting resources (leads and what hangs off them, statuses, field definitions).
  readonly stamp: Stamper;
  readonly statuses: StatusStore;
  readonly pipelines: PipelineStore;
  readonly contacts: ContactStore;
  readonly opportunities: OpportunityStore;
  readonly leads: LeadStore;
  readonly activities: ActivityStore;
  readonly customObjects: CustomObjectStore;
  readonly customFields: CustomFieldStore;
  readonly bulkEdits: BulkEditStore;
  readonly tasks: TaskStore;
  readonly emails: EmailStore;

  constructor(readonly db: Db, readonly clock: Clocks, readonly ids: Ids) {
    this.values = new CustomValues(db);
    this.fields = new CustomFieldReader(db);
    this.stamp = new Stamper(clock);
    this.statuses = new StatusStore(db, ids);
    this.pipelines = new PipelineStore(db, ids, this.statuses);
    this.users = new UserStore(db, this.stamp, this.statuses, this.pipelines);
    this.contacts = new ContactStore(db, ids, this.stamp, this.fields, this.values);
    this.opportunities = new OpportunityStore(db, ids, this.stamp, this.statuses, this.fields, this.values);
    this.leads = new LeadStore(db, ids, this.stamp, this.statuses, this.fields, this.values, this.contacts, this.opportunities);
    this.emails = new EmailStore(db, ids, this.stamp, clock, this.fields);
    this.activities = new ActivityStore(db, ids, this.stamp, this.fields, this.values, this.emails);
    this.customObjects = new CustomObjectStore(db, ids, this.stamp, this.fields, this.values);
    this.customFields = new CustomFieldStore(db, ids, this.stamp, this.fields, this.values);
    this.bulkEdits = new BulkEditStore(db, ids, clock, this.fields);
    this.tasks = new TaskStore(db, ids, this.stamp, clock);
  }
}
