import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { Membership } from './users.js';

export const Me = Type.Object({
  id: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  email: Type.String(),
  date_created: Type.String(),
  organizations: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  /** The user's membership in the key's organization, as GET /organization/{id}/ lists it (`user_` fields). */
  memberships: Type.Array(Membership),
});
export type MeT = Static<typeof Me>;
/** GET /me/?_fields=…: any of Me's keys. */
export const MePartial = Type.Partial(Me);
