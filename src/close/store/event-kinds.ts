import { ApiError } from '../../core/errors.js';
import type { CloseStore } from './index.js';
import type { EventKind } from './events.js';

/** `get` as a render: a 404 means "does not exist" (undefined); anything else is thrown. */
function soft<O>(get: () => O): O | undefined {
  try {
    return get();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

type Obj = Record<string, unknown>;
const leadOf = (o: Obj): string | null => (typeof o['lead_id'] === 'string' ? o['lead_id'] : null);
const none = (): null => null;
/** Up to this many of a deleted lead's activities and tasks get their own `deleted` events. */
const CHILDREN_MAX = 100_000;

const ACTIVITY_TYPES = new Map([
  ['Note', 'activity.note'], ['Email', 'activity.email'], ['CustomActivity', 'activity.custom_activity'],
  ['Call', 'activity.call'], ['Meeting', 'activity.meeting'], ['SMS', 'activity.sms'],
  ['LeadStatusChange', 'activity.lead_status_change'], ['OpportunityStatusChange', 'activity.opportunity_status_change'],
  ['TaskCompleted', 'activity.task_completed'], ['WhatsAppMessage', 'activity.whatsapp_message'], ['FormSubmission', 'activity.form_submission'],
]);

/**
 * How each object the API writes is rendered for its events (as GET answers it) and tied to a lead.
 * Real API: many more object types have events (imports, comments, …); here: those the emulator writes.
 */
export function eventKinds(s: CloseStore) {
  const contact: EventKind<Obj> = { type: 'contact', render: (o, id) => soft(() => s.contacts.get(o, id)) as Obj | undefined, leadId: leadOf };
  const opportunity: EventKind<Obj> = { type: 'opportunity', render: (o, id) => soft(() => s.opportunities.get(o, id)) as Obj | undefined, leadId: leadOf };
  const activity: EventKind<Obj> = {
    type: (a) => ACTIVITY_TYPES.get(String(a['_type'])) ?? 'activity.note',
    render: (o, id) => soft(() => s.activities.getAny(o, id)) as Obj | undefined, leadId: leadOf,
  };
  const task: EventKind<Obj> = {
    type: 'task.lead', render: (o, id) => soft(() => s.tasks.get(o, id)) as Obj | undefined, leadId: leadOf,
    renderMany: (o, ids) => s.tasks.findMany(o, ids) as unknown as Map<string, Obj>,
  };
  const lead: EventKind<Obj> = {
    type: 'lead', render: (o, id) => soft(() => s.leads.get(o, id)) as Obj | undefined, leadId: (l) => l['id'] as string,
    renderMany: (o, ids) => s.leads.findMany(o, ids) as unknown as Map<string, Obj>,
    // Real API: a lead's event data has no nested `contacts` or `opportunities` (they have their own events, and
    // Close's restore script posts a deleted lead's previous_data, then its contacts from their events, each
    // once); here: the same, the lead as GET answers it less those two lists (`contact_ids` stays).
    eventData: ({ contacts: _c, opportunities: _o, ...rest }) => rest,
    // Real API: a deleted lead's activities, opportunities, tasks and contacts get their own `deleted` events;
    // here: the same (custom objects and sequence subscriptions deleted with it get none).
    children: (o, l) => {
      const q = { lead_id: l['id'] as string, _skip: 0, _limit: CHILDREN_MAX };
      return [
        ...(l['contacts'] as Obj[]).map((obj) => ({ kind: contact as EventKind, obj })),
        ...(l['opportunities'] as Obj[]).map((obj) => ({ kind: opportunity as EventKind, obj })),
        // Created activities have no events (Close's list of events names none).
        ...(s.activities.list(o, q).data as unknown as Obj[]).filter((a) => a['_type'] !== 'Created').map((obj) => ({ kind: activity as EventKind, obj })),
        ...(s.tasks.list(o, q).data as unknown as Obj[]).map((obj) => ({ kind: task as EventKind, obj })),
      ];
    },
  };
  const customObject: EventKind<Obj> = { type: 'custom_object', render: (o, id) => soft(() => s.customObjects.get(o, id)) as Obj | undefined, leadId: leadOf };
  // An email thread: deleting it deletes its emails, each with its own `deleted` event first.
  const emailThread: EventKind<Obj> = {
    type: 'activity.email_thread', render: (o, id) => s.emailThreads.find(o, id) as Obj | undefined, leadId: leadOf,
    children: (_o, t) => (t['emails'] as Obj[]).map((obj) => ({ kind: activity as EventKind, obj })),
  };
  return {
    lead, contact, opportunity, activity, task, customObject, emailThread,
    comment: { type: 'comment', render: (o, id) => s.comments.find(o, id) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    commentThread: { type: 'comment_thread', render: (o, id) => s.comments.findThread(o, id) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    // Real API: seen as `lead_merge` and as `activity.lead_merge` (close-events-webhooks.md); here: the activity form, as for every activity.
    leadMerge: { type: 'activity.lead_merge', render: (o, id) => soft(() => s.leadMerges.get(o, id)) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    /** A lead's custom objects and comments, for the events of a merge that moves them. */
    customObjectsOf: (o: string, leadId: string) => s.customObjects.list(o, { lead_id: leadId, _skip: 0, _limit: CHILDREN_MAX }).data as unknown as Obj[],
    commentsOf: (o: string, leadId: string) => s.comments.ofLead(o, leadId) as unknown as Obj[],
    emailTemplate: { type: 'email_template', render: (o, id) => soft(() => s.emails.getTemplate(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    sequence: { type: 'sequence', render: (o, id) => soft(() => s.sequences.getSequence(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    subscription: { type: 'sequence_subscription', render: (o, id) => soft(() => s.sequences.getSubscription(o, id)) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    leadStatus: { type: 'status.lead', render: (o, id) => soft(() => s.statuses.getLead(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    opportunityStatus: { type: 'status.opportunity', render: (o, id) => soft(() => s.statuses.getOpportunity(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    savedSearch: { type: 'saved_search', render: (o, id) => soft(() => s.savedSearches.get(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    pipeline: { type: 'pipeline', render: (o, id) => soft(() => s.pipelines.get(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    // The object id of an unsubscribed address is the address (lowercased).
    unsubscribed: {
      type: 'unsubscribed_email', leadId: none,
      render: (o, email) => (s.emails.isUnsubscribed(o, email) ? s.emails.unsubscribedOne(o, email) : undefined),
    } as EventKind<Obj>,
    /** custom_fields.lead, .contact, …: the field kind as stored (custom object fields: custom_object). */
    customField: (kind: Parameters<CloseStore['customFields']['get']>[1]): EventKind<Obj> => ({
      type: `custom_fields.${kind}`, render: (o, id) => soft(() => s.customFields.get(o, kind, id)) as Obj | undefined, leadId: none,
    }),
  };
}

export type EventKinds = ReturnType<typeof eventKinds>;
