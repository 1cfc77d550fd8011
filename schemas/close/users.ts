import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { S } from './objects.js';
import { Pipeline } from './pipelines.js';
import { CustomField } from './custom-fields.js';

/** A Close user; `organizations` lists the ids of the organizations it is an active member of. */
export const User = Type.Object({
  id: S,
  email: S,
  first_name: Nullable(S),
  last_name: Nullable(S),
  image: S,
  date_created: S,
  date_updated: S,
  organizations: Type.Array(S),
});
export type UserT = Static<typeof User>;
export const UserPartial = Type.Partial(User);
export const UserList = closeList(UserPartial);

/** Documented on both user GETs; on /user/{id}/ only `_fields` means anything (the others are refused there). */
const ORDER_BY = Type.Union([Type.Literal('last_name,first_name'), Type.Literal('first_name,last_name')]);
export const UserOneQuery = Type.Object({
  _fields: Type.Optional(S),
  _order_by: Type.Optional(S),
  _limit: Type.Optional(Type.Unknown()),
  _skip: Type.Optional(Type.Unknown()),
});
export const USER_ORDER_BY = ORDER_BY;

/**
 * A membership in GET /organization/{id}/: the user's data prefixed with `user_`, or, with
 * `_expand=memberships__user` (or `inactive_memberships__user`), nested under `user`.
 */
export const Membership = Type.Object({
  id: S,
  organization_id: S,
  user_id: S,
  role_id: S,
  date_created: S,
  date_updated: S,
  user_email: Type.Optional(S),
  user_first_name: Type.Optional(Nullable(S)),
  user_last_name: Type.Optional(Nullable(S)),
  user_full_name: Type.Optional(S),
  user_image: Type.Optional(S),
  user: Type.Optional(User),
});
export type MembershipT = Static<typeof Membership>;

export const Organization = Type.Object({
  id: S,
  name: S,
  date_created: S,
  date_updated: S,
  created_by: Nullable(S),
  updated_by: Nullable(S),
  currency: S,
  currency_symbol: S,
  lead_statuses: Type.Array(Type.Object({ id: S, label: S })),
  opportunity_statuses: Type.Array(Type.Object({ id: S, label: S, type: S, pipeline_id: S })),
  pipelines: Type.Array(Pipeline),
  memberships: Type.Array(Membership),
  inactive_memberships: Type.Array(Membership),
  /** [U] read by Close's own scripts (bulk_update_leads_info.py): each kind's custom fields. */
  lead_custom_fields: Type.Array(CustomField),
  contact_custom_fields: Type.Array(CustomField),
  opportunity_custom_fields: Type.Array(CustomField),
});
export type OrganizationT = Static<typeof Organization>;
export const OrganizationPartial = Type.Partial(Organization);

/** Real API: `_expand` names relations to nest; here: only the two documented ones. */
export const OrganizationQuery = Type.Object({ _fields: Type.Optional(S), _expand: Type.Optional(S) });
/**
 * Close also takes `currency` and a reordered `lead_statuses`; another currency is refused by name
 * (src/close/refused.ts), `lead_statuses` is taken in today's order only (the route), anything else refused.
 */
export const OrganizationUpdate = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1 })), lead_statuses: Type.Optional(Type.Array(Type.Unknown())),
}, { additionalProperties: true });
