import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { ACTIVITY_REFUSED } from './activities.js';
import { listQuery, optionalStrings, S } from './objects.js';

const NS = Nullable(Type.String());

/** POST /lead/merge/: Close documents `source` and `destination` (lead ids); both required. */
export const LeadMergeBody = Type.Object({ source: Type.String({ minLength: 1 }), destination: Type.String({ minLength: 1 }) });
export type LeadMergeBodyT = Static<typeof LeadMergeBody>;

export const MERGE_STATUSES = ['pending', 'in_progress', 'completed', 'errored'] as const;

/** A LeadMerge activity, with the keys of Close's LeadMergeActivity schema. */
export const LeadMergeActivity = Type.Object({
  id: S, _type: S, lead_id: NS, contact_id: NS, source_lead_id: S, destination_lead_id: S,
  source_display_name: NS, destination_display_name: NS, merge_status: Type.Union(MERGE_STATUSES.map((s) => Type.Literal(s))),
  error_message: NS, users: Type.Array(S), user_id: NS, user_name: NS, created_by: NS, created_by_name: NS, updated_by: NS, updated_by_name: NS,
  organization_id: S, activity_at: NS, date_created: S, date_updated: S,
});
export type LeadMergeActivityT = Static<typeof LeadMergeActivity>;
export const LeadMergeActivityPartial = Type.Partial(LeadMergeActivity);
export const LeadMergeActivityList = closeList(LeadMergeActivityPartial);

/** The activity filters Close documents for /activity/lead_merge/ (activity_at__* refused, as on every activity list). */
export const LEAD_MERGE_FILTERS = [
  'id__in', 'lead_id', 'contact_id', 'user_id', 'organization_id', '_type',
  'date_created__gt', 'date_created__gte', 'date_created__lt', 'date_created__lte',
] as const;
export const LeadMergeListQuery = listQuery(optionalStrings([...LEAD_MERGE_FILTERS, ...ACTIVITY_REFUSED]));
