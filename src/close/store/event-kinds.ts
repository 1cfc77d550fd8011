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
  const task: EventKind<Obj> = { type: 'task.lead', render: (o, id) => soft(() => s.tasks.get(o, id)) as Obj | undefined, leadId: leadOf };
  const lead: EventKind<Obj> = {
    type: 'lead', render: (o, id) => soft(() => s.leads.get(o, id)) as Obj | undefined, leadId: (l) => l['id'] as string,
    renderMany: (o, ids) => s.leads.findMany(o, ids) as unknown as Map<string, Obj>,
    // Real API: a deleted lead's activities, opportunities, tasks and contacts get their own `deleted` events;
    // here: the same (custom objects and sequence subscriptions deleted with it get none).
    children: (o, l) => {
      const q = { lead_id: l['id'] as string, _skip: 0, _limit: CHILDREN_MAX };
      return [
        ...(l['contacts'] as Obj[]).map((obj) => ({ kind: contact as EventKind, obj })),
        ...(l['opportunities'] as Obj[]).map((obj) => ({ kind: opportunity as EventKind, obj })),
        ...(s.activities.list(o, q).data as unknown as Obj[]).map((obj) => ({ kind: activity as EventKind, obj })),
        ...(s.tasks.list(o, q).data as unknown as Obj[]).map((obj) => ({ kind: task as EventKind, obj })),
      ];
    },
  };
  return {
    lead, contact, opportunity, activity, task,
    customObject: { type: 'custom_object', render: (o, id) => soft(() => s.customObjects.get(o, id)) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    emailTemplate: { type: 'email_template', render: (o, id) => soft(() => s.emails.getTemplate(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    sequence: { type: 'sequence', render: (o, id) => soft(() => s.sequences.getSequence(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    subscription: { type: 'sequence_subscription', render: (o, id) => soft(() => s.sequences.getSubscription(o, id)) as Obj | undefined, leadId: leadOf } as EventKind<Obj>,
    leadStatus: { type: 'status.lead', render: (o, id) => soft(() => s.statuses.getLead(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
    opportunityStatus: { type: 'status.opportunity', render: (o, id) => soft(() => s.statuses.getOpportunity(o, id)) as Obj | undefined, leadId: none } as EventKind<Obj>,
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
