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
import { TypedActivityStore } from './typed-activities.js';
import { CustomObjectStore } from './custom-objects.js';
import { CustomFieldStore } from './custom-field-store.js';
import { BulkActionStore } from './bulk-actions.js';
import type { BulkKinds } from '../jobs/kinds.js';
import { TaskStore } from './tasks.js';
import { SequenceStore } from './sequences.js';
import { EmailStore } from './emails.js';
import { EventLog, type CloseEventT } from './events.js';
import { eventKinds, type EventKinds } from './event-kinds.js';
import { WebhookStore } from './webhooks.js';
import type { OutboundPolicy } from '../../core/outbound.js';
import { DeliveryQueue } from './webhook-deliveries.js';
import { CommentStore } from './comments.js';
import { LeadMergeStore } from './lead-merge.js';
import { RecordedActivityStore } from './recorded-activities.js';
import { EmailThreadStore } from './email-threads.js';
import { SavedSearchStore } from './saved-searches.js';
import { RoleStore } from './roles.js';
import { SendAsStore } from './send-as.js';
import { DialerStore } from './dialers.js';
import { IntegrationLinkStore } from './integration-links.js';

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
  /** Notes, calls, meetings and SMS with their own fields and lists. */
  readonly typedActivities: TypedActivityStore;
  readonly customObjects: CustomObjectStore;
  readonly customFields: CustomFieldStore;
  /** Bulk actions of every kind (edit, delete, email, sequence subscription). */
  readonly bulkActions: BulkActionStore;
  readonly tasks: TaskStore;
  readonly sequences: SequenceStore;
  readonly emails: EmailStore;
  /** Comments and their threads, on leads and opportunities. */
  readonly comments: CommentStore;
  /** POST /lead/merge/ and its LeadMerge activities. */
  readonly leadMerges: LeadMergeStore;
  /** Close's event log: what every API write did (src/close/store/events.ts). */
  readonly events: EventLog;
  /** How each written object is rendered and tied to a lead for its events. */
  readonly eventKinds: EventKinds;
  /** Webhook subscriptions; `enqueueEvent` turns an event into deliveries. */
  readonly webhooks: WebhookStore;
  /** The deliveries the webhook deliverer sends. */
  readonly webhookDeliveries: DeliveryQueue;
  /** The activities Close records for you (status changes, task completions, creations). */
  readonly recorded: RecordedActivityStore;
  /** Email threads, and creating and updating emails. */
  readonly emailThreads: EmailThreadStore;
  /** Smart views, roles, send-as associations, dialer sessions (read-only) and integration links. */
  readonly savedSearches: SavedSearchStore;
  readonly roles: RoleStore;
  readonly sendAs: SendAsStore;
  readonly dialers: DialerStore;
  readonly integrationLinks: IntegrationLinkStore;

  /**
   * `bulkKinds` composes the bulk action kinds from this store (src/close/jobs/index.ts): given by the
   * plugin, so the stores never import the jobs that act on them.
   */
  constructor(
    readonly db: Db, readonly clock: Clocks, readonly ids: Ids,
    opts: { outbound?: OutboundPolicy; bulkKinds: (store: CloseStore) => BulkKinds },
  ) {
    this.values = new CustomValues(db);
    this.fields = new CustomFieldReader(db);
    this.stamp = new Stamper(clock);
    this.statuses = new StatusStore(db, ids);
    this.pipelines = new PipelineStore(db, ids, this.statuses);
    this.users = new UserStore(db, this.stamp, this.statuses, this.pipelines, this.fields);
    this.contacts = new ContactStore(db, ids, this.stamp, this.fields, this.values);
    this.opportunities = new OpportunityStore(db, ids, this.stamp, this.statuses, this.fields, this.values);
    this.leads = new LeadStore(db, ids, this.stamp, this.statuses, this.fields, this.values, this.contacts, this.opportunities);
    this.emails = new EmailStore(db, ids, this.stamp, clock, this.fields);
    this.typedActivities = new TypedActivityStore(db, ids, this.stamp);
    this.activities = new ActivityStore(db, ids, this.stamp, this.fields, this.values, this.emails, this.typedActivities);
    this.customObjects = new CustomObjectStore(db, ids, this.stamp, this.fields, this.values);
    this.customFields = new CustomFieldStore(db, ids, this.stamp, this.fields, this.values);
    this.tasks = new TaskStore(db, ids, this.stamp, clock);
    this.sequences = new SequenceStore(db, ids, this.stamp);
    this.emailThreads = new EmailThreadStore(db, ids, this.stamp, clock, this.emails);
    this.recorded = new RecordedActivityStore(db, ids, this.stamp);
    this.leads.recorded = this.opportunities.recorded = this.tasks.recorded = this.activities.recorded = this.recorded;
    this.activities.threads = this.emailThreads;
    this.comments = new CommentStore(db, ids, this.stamp);
    this.savedSearches = new SavedSearchStore(db, ids, this.stamp);
    this.roles = new RoleStore(db, ids, this.stamp);
    this.sendAs = new SendAsStore(db, ids, this.stamp);
    this.dialers = new DialerStore(db);
    this.integrationLinks = new IntegrationLinkStore(db, ids, this.stamp);
    this.events = new EventLog(db, ids, clock);
    this.eventKinds = eventKinds(this);
    this.leadMerges = new LeadMergeStore(db, ids, this.stamp, this.leads, this.events, () => this.eventKinds);
    // A thread created, changed or gone, and each recorded activity written or deleted, gets its event in the
    // write's transaction (Created activities none: Close lists no such event).
    this.emailThreads.listener = (orgId, before, after) =>
      this.events.log(orgId, this.eventKinds.emailThread, (after ?? before)!.id, !before ? 'created' : !after ? 'deleted' : 'updated', before, after);
    this.recorded.listener = (orgId, before, after) => {
      const obj = (after ?? before)!;
      if (obj._type !== 'Created') this.events.log(orgId, this.eventKinds.activity, obj.id, after ? 'created' : 'deleted', before, after);
    };
    this.webhooks = new WebhookStore(db, ids, clock, this.stamp, opts.outbound);
    this.webhookDeliveries = new DeliveryQueue(db, clock);
    this.webhookDeliveries.onPaused = (orgId) => this.webhooks.forget(orgId);
    // Every event, when it is written (in its write's transaction), is queued for the subscriptions it matches.
    this.events.listeners.push(Object.assign((orgId: string, event: CloseEventT, how: 'created' | 'consolidated') => this.webhooks.enqueueEvent(orgId, event, how),
      { wants: (orgId: string) => this.webhooks.hasActive(orgId) }));
    this.bulkActions = new BulkActionStore(db, ids, clock, opts.bulkKinds(this), this.events);
  }
}
