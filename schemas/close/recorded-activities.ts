import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { EMAIL_FILTERS } from './emails.js';
import { GivenDate, listQuery, optionalStrings, Required, S } from './objects.js';

const NS = Nullable(S);
const NN = Nullable(Type.Number());

/**
 * The activities Close records for you: a lead's or opportunity's status change, a completed task, a
 * lead's creation. Real API: their shapes are not in Close's OpenAPI (its answers are "Empty response
 * body"); here: the keys Close's activity feed shows for each, the base ones shared with every activity.
 */
const Base = {
  id: S, _type: S, organization_id: S, lead_id: NS, contact_id: NS, user_id: NS, user_name: NS,
  created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS, activity_at: S, date_created: S, date_updated: S,
};
const StatusChange = { old_status_id: NS, old_status_label: NS, new_status_id: S, new_status_label: S };
/** LeadStatusChange. */
export const LeadStatusChange = Type.Object({ ...Base, ...StatusChange });
/** OpportunityStatusChange: the status types too, and the opportunity as it was after the change. */
export const OpportunityStatusChange = Type.Object({
  ...Base, ...StatusChange, old_status_type: NS, new_status_type: S, opportunity_id: S, pipeline_id: NS,
  opportunity_value: NN, opportunity_value_period: NS, opportunity_value_currency: NS, opportunity_value_formatted: NS,
  opportunity_confidence: NN, opportunity_date_won: NS,
});
/** TaskCompleted. */
export const TaskCompleted = Type.Object({ ...Base, task_id: S, task_text: NS, task_assigned_to: NS, task_assigned_to_name: NS });
/** Created: how the lead came to be (`source`). */
export const Created = Type.Object({ ...Base, source: S });

/** Any of them, every key optional (lists, `_fields`, GET /activity/). */
export const RecordedActivityPartial = Type.Partial(Type.Object({
  ...OpportunityStatusChange.properties, ...TaskCompleted.properties, ...Created.properties,
}));
export type RecordedActivityT = Static<typeof RecordedActivityPartial> & { id: string; _type: string };
export const RecordedActivityList = closeList(RecordedActivityPartial);

/** The filters Close documents on each of these lists (its OpenAPI: the email list's), all applied. */
export const RecordedListQuery = listQuery(optionalStrings(EMAIL_FILTERS));
export const OpportunityStatusChangeListQuery = listQuery(optionalStrings([...EMAIL_FILTERS, 'opportunity_id']));

/**
 * POST /activity/status_change/lead/: a historical change, logged without changing the lead. Real API:
 * the body is "Any type" in Close's OpenAPI; here: the keys its activity carries, the statuses must exist.
 */
export const LeadStatusChangeCreate = Type.Object({
  lead_id: Required, new_status_id: Required, old_status_id: Type.Optional(NS), user_id: Type.Optional(NS),
  /** When it happened (either key; as given, the clock's now when omitted). */
  date_created: GivenDate, activity_at: GivenDate,
});
export type LeadStatusChangeCreateT = Static<typeof LeadStatusChangeCreate>;
/** POST /activity/status_change/opportunity/: the same for an opportunity (`lead_id`, when sent, must be its lead's). */
export const OpportunityStatusChangeCreate = Type.Object({
  opportunity_id: Required, lead_id: Type.Optional(Required), new_status_id: Required, old_status_id: Type.Optional(NS),
  user_id: Type.Optional(NS), date_created: GivenDate, activity_at: GivenDate,
});
export type OpportunityStatusChangeCreateT = Static<typeof OpportunityStatusChangeCreate>;
