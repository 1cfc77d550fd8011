import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { EmailActivity } from './emails.js';
import { TYPED_PROPERTIES } from './typed-activities.js';
import { CustomFieldsInput, GivenDate, listQuery, optionalStrings, Required, S, withCustom, type CustomKeys } from './objects.js';

const NS = Nullable(Type.String());

export const Activity = withCustom({
  id: S, _type: S, lead_id: S, custom_activity_type_id: NS, note: NS, user_id: NS, organization_id: S,
  date_created: S, date_updated: S,
});
export type ActivityT = Static<typeof Activity> & CustomKeys;
export const ActivityPartial = Type.Partial(Activity);
export const ActivityList = closeList(ActivityPartial);
/** GET /activity/ and /activity/{id}/: any activity kind (every key of each, each optional). */
export const AnyActivityPartial = Type.Partial(withCustom({ ...EmailActivity.properties, ...TYPED_PROPERTIES, ...Activity.properties, lead_id: NS }));
export const AnyActivityList = closeList(AnyActivityPartial);
/** The filters Close documents for GET /activity/ (and its typed lists) that the emulator applies. */
export const ACTIVITY_FILTERS = [
  'id__in', 'lead_id', 'lead_id__in', 'contact_id', 'contact_id__in', 'user_id', 'user_id__in', 'organization_id', '_type', '_type__in',
  'date_created__gt', 'date_created__gte', 'date_created__lt', 'date_created__lte', '_order_by', 'thread_emails',
] as const;
/** The ones it documents and the emulator refuses with a 400 naming them (activities here have no activity_at). */
export const ACTIVITY_REFUSED = ['activity_at__gt', 'activity_at__gte', 'activity_at__lt', 'activity_at__lte'] as const;
export const ActivityListQuery = listQuery({
  ...optionalStrings([...ACTIVITY_FILTERS, ...ACTIVITY_REFUSED]),
  custom_activity_type_id: Type.Optional(Type.String()),
  custom_activity_type_id__in: Type.Optional(Type.String()),
});

/**
 * Real API: `note` is not in Close's CreateCustomActivity or UpdateCustomActivity, nor `user_id` in the
 * update (undocumented, so presumably dropped); here: both are stored and answered, as the seed's custom
 * activities carry a note and a user (docs/close.md "Documented body fields we refuse").
 */
export const CustomActivityCreate = withCustom({
  lead_id: Required, custom_activity_type_id: Required, note: Type.Optional(NS), user_id: Type.Optional(NS),
  custom_fields: CustomFieldsInput,
  /** As given; the clock's now when omitted or null. */
  date_created: GivenDate,
  /** Must be the key's organization when given. */
  organization_id: Type.Optional(NS),
});
export type CustomActivityCreateT = Static<typeof CustomActivityCreate> & CustomKeys;
export const CustomActivityUpdate = withCustom({ note: Type.Optional(NS), user_id: Type.Optional(NS), custom_fields: CustomFieldsInput });
export type CustomActivityUpdateT = Static<typeof CustomActivityUpdate> & CustomKeys;

export const CustomActivityType = Type.Object({ id: S, name: S, organization_id: S });
export type CustomActivityTypeT = Static<typeof CustomActivityType>;
export const CustomActivityTypeList = closeList(Type.Partial(CustomActivityType));
